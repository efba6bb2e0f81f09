import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';
import { columnsToField } from '../../entities/row-mapper.ts';

/** Rules and plans checked on every generic write (the API, imports and the split route alike). */
export function registerSalesHooks(): void {
  registerHooks('salesPlan', {
    async beforeWrite(_ctx, entity, input, existing) {
      const start = (input.periodStart ?? (existing ? columnsToField(entity.fields.periodStart!, 'periodStart', existing) : null)) as string | null;
      const end = (input.periodEnd ?? (existing ? columnsToField(entity.fields.periodEnd!, 'periodEnd', existing) : null)) as string | null;
      if (start && end && end < start) throw new AppError('VALIDATION', {}, { periodEnd: { reason: 'end_before_start' } });
    },
  });
  registerHooks('incentivePolicy', {
    async beforeWrite(_ctx, entity, input, existing) {
      const from = (input.effectiveFrom ?? (existing ? columnsToField(entity.fields.effectiveFrom!, 'effectiveFrom', existing) : null)) as string | null;
      const to = (input.effectiveTo === undefined && existing ? columnsToField(entity.fields.effectiveTo!, 'effectiveTo', existing) : input.effectiveTo) as string | null;
      if (from && to && to < from) throw new AppError('VALIDATION', {}, { effectiveTo: { reason: 'end_before_start' } });
    },
    async afterWrite(ctx, _entity, id, _input, existing) {
      // A new rule is version 1; revisions (POST .../revise) number on from the rule they replace.
      if (!existing) await ctx.trx.updateTable('incentive_policies').set({ rule_version: 1 }).where('id', '=', id).where('rule_version', 'is', null).execute();
    },
  });
}

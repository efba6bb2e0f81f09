import type { Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { registerWorkflowHooks } from '../../entities/workflow.ts';
import { fieldError } from '../../platform/errors.ts';
import { parseDefinition } from './conditions.ts';
import { evaluateRuleTags, refreshProfiles, syncManualTags } from './refresh.ts';

/** Keeps profiles current: every write that changes a profile's inputs recomputes it in the same transaction. */
const refresh = (ctx: WriteContext, ids: unknown[]) => refreshProfiles(ctx.trx, ctx.services.database.dialect, ids.map((id) => (id == null ? null : Number(id))), ctx.now);

/** A customer and everyone linked to them by a live household link, recomputed in the write's transaction. */
async function refreshWithHousehold(ctx: WriteContext, id: number) {
  const members = await ctx.trx
    .selectFrom('customer_relations')
    .select(['customer_id', 'related_id'])
    .where((eb) => eb.or([eb('customer_id', '=', id), eb('related_id', '=', id)]))
    .where('deleted_at', 'is', null)
    .execute();
  await refresh(ctx, [id, ...members.flatMap((member) => [member.customer_id, member.related_id])]);
}

/** The customers a record belongs to, before and after the write. */
function follow(entityName: string, columns: Record<string, string>) {
  const idsOf = (input: Record<string, unknown> | null, row: Row | null) =>
    Object.entries(columns).flatMap(([field, column]) => [input?.[field] ?? null, row?.[column] ?? null]);
  registerHooks(entityName, {
    async afterWrite(ctx, entity, id, input, existing) {
      const after = await ctx.trx.selectFrom(entity.table).select(Object.values(columns)).where('id', '=', id).executeTakeFirst();
      await refresh(ctx, [...idsOf(input, existing), ...idsOf(null, (after as Row) ?? null)]);
    },
    async afterDelete(ctx, _entity, row) {
      await refresh(ctx, idsOf(null, row));
    },
    async afterRestore(ctx, _entity, row) {
      await refresh(ctx, idsOf(null, row));
    },
  });
  registerWorkflowHooks(entityName, {
    async after(ctx, _entity, _id, _transition, before) {
      await refresh(ctx, idsOf(null, before));
    },
  });
}

export function registerProfileHooks(): void {
  registerHooks('customer', {
    async afterCreate(ctx, _entity, ids) {
      await syncManualTags(ctx.trx, ids, ctx.now, ctx.actor.displayName);
      await refresh(ctx, ids);
    },
    async afterUpdate(ctx, _entity, id) {
      await syncManualTags(ctx.trx, [id], ctx.now, ctx.actor.displayName);
      await refresh(ctx, [id]);
    },
    // Deleting or restoring a customer changes their household members' profiles too (size, minors, spouse).
    async afterDelete(ctx, _entity, row) {
      await refreshWithHousehold(ctx, Number(row.id));
    },
    async afterRestore(ctx, _entity, row) {
      await refreshWithHousehold(ctx, Number(row.id));
    },
  });
  follow('policy', { applicantId: 'applicant_id', insuredId: 'insured_id' });
  follow('claim', { insuredId: 'insured_id' });
  follow('feedback', { customerId: 'customer_id' });
  follow('survey', { customerId: 'customer_id' });
  follow('interaction', { customerId: 'customer_id' });

  // Household links and external policies follow their customer's organisation and owner (like consents).
  for (const name of ['customerRelation', 'externalPolicy']) {
    registerHooks(name, {
      async afterWrite(ctx, entity, id, input, existing) {
        const customerId = (input.customerId ?? existing?.customer_id) as number | undefined;
        const customer = customerId == null ? undefined : await ctx.trx.selectFrom('customers').select(['org_id', 'owner_id']).where('id', '=', Number(customerId)).executeTakeFirst();
        if (customer) await ctx.trx.updateTable(entity.table).set({ org_id: customer.org_id, owner_id: customer.owner_id }).where('id', '=', id).execute();
      },
    });
  }
  registerHooks('customerRelation', {
    async beforeWrite(_ctx, _entity, input, existing) {
      const customerId = input.customerId ?? existing?.customer_id;
      const relatedId = input.relatedId ?? existing?.related_id;
      if (customerId != null && Number(customerId) === Number(relatedId)) throw fieldError('relatedId', 'invalid_option');
    },
  });
  follow('customerRelation', { customerId: 'customer_id', relatedId: 'related_id' });
  follow('externalPolicy', { customerId: 'customer_id' });

  registerHooks('customerTag', {
    async beforeWrite(ctx, _entity, input) {
      if (typeof input.rule === 'string' && input.rule.trim()) input.rule = JSON.stringify(await parseDefinition(ctx.trx, input.rule, 'rule'));
    },
    async afterWrite(ctx, _entity, id, input, existing) {
      if (input.rule === undefined && existing) return;
      // A changed rule is re-evaluated for every customer at once (set-wise; those still meeting it keep their
      // since); emptied, its rule assignments go.
      const rule = (input.rule ?? existing?.rule) as string | null | undefined;
      if (!rule) return void (await ctx.trx.deleteFrom('customer_tag_assignments').where('tag_id', '=', id).where('source', '=', 'rule').execute());
      await evaluateRuleTags(ctx.trx, ctx.services.database.dialect, 'all', ctx.now, id);
    },
    async afterDelete(ctx, _entity, row) {
      await ctx.trx.deleteFrom('customer_tag_assignments').where('tag_id', '=', Number(row.id)).execute();
    },
  });
  registerHooks('customerSegment', {
    async beforeWrite(ctx, _entity, input) {
      if (input.definition !== undefined) input.definition = JSON.stringify(await parseDefinition(ctx.trx, input.definition, 'definition'));
    },
  });
}

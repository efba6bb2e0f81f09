import { sql } from 'kysely';
import type { Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { registerWorkflowHooks } from '../../entities/workflow.ts';
import { audit } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';
import { insidePolicyPeriod } from './insurance.rules.ts';

/** Days a claim may take from report to payment or rejection before the list flags it. */
export const claimHandlingTargetDays = 10;
const finished = new Set(['paid', 'rejected', 'closed']);

async function policyOf(ctx: WriteContext, policyId: number, options: { lock?: boolean } = {}) {
  const query = ctx.trx.selectFrom('policies').select(['id', 'start_date', 'end_date', 'sum_insured']).where('id', '=', policyId);
  return (options.lock && ctx.services.database.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

/** Sum insured left on a policy: what other claims already had paid (or approved and awaiting payment). */
async function remainingSumInsured(ctx: WriteContext, policy: Row, exceptClaimId: number | null): Promise<number> {
  const row = await ctx.trx
    .selectFrom('claims')
    .select(sql<number>`coalesce(sum(case when status in ('paid', 'closed') then coalesce(paid_amount, 0) when status = 'approved' then coalesce(approved_amount, 0) else 0 end), 0)`.as('used'))
    .where('policy_id', '=', Number(policy.id))
    .where('deleted_at', 'is', null)
    .where('id', '!=', exceptClaimId ?? -1)
    .executeTakeFirstOrThrow();
  return (Number(policy.sum_insured) - Number(row.used)) / 100;
}

/** Overrides granted while a claim is being created, keyed by its input: logged once the claim has an id. */
const pendingOverrides = new WeakMap<object, Record<string, unknown>>();

/** A broken claim rule passes only with a reason from someone who may approve claims; returns what to audit. */
function overrideOrRefuse(ctx: WriteContext, field: string, reason: string, params: Record<string, unknown>, overrideReason: unknown): Record<string, unknown> {
  if (typeof overrideReason !== 'string' || !overrideReason.trim()) throw new AppError('VALIDATION', {}, { [field]: { reason, params } });
  if (!ctx.actor.permissions.has('claim:approve')) throw new AppError('FORBIDDEN', { permission: 'claim:approve' });
  return { rule: reason, reason: overrideReason, ...params };
}

export function registerClaimHooks(): void {
  registerHooks('claim', {
    async beforeWrite(ctx, _entity, input, existing) {
      if (!existing && input.insuredId == null && input.policyId != null) {
        // The insured person of a claim is, unless said otherwise, the policy's.
        const policy = await ctx.trx.selectFrom('policies').select('insured_id').where('id', '=', input.policyId as number).executeTakeFirst();
        if (policy?.insured_id != null) input.insuredId = Number(policy.insured_id);
      }
      const policyId = (input.policyId ?? existing?.policy_id) as number | undefined;
      const incidentAt = (input.incidentAt ?? existing?.incident_at) as string | undefined;
      if (!policyId || !incidentAt || (existing && input.policyId === undefined && input.incidentAt === undefined)) return;
      const policy = await policyOf(ctx, Number(policyId));
      if (!policy) return;
      const start = String(policy.start_date).slice(0, 10);
      const end = policy.end_date ? String(policy.end_date).slice(0, 10) : null;
      if (!insidePolicyPeriod(new Date(String(incidentAt)).toISOString(), start, end)) {
        const override = overrideOrRefuse(ctx, 'incidentAt', 'incident_outside_policy_period', { start, end }, input.overrideReason);
        if (existing) await audit(ctx, 'claim', Number(existing.id), 'override', override);
        else pendingOverrides.set(input, override);
      }
    },
    async afterWrite(ctx, _entity, id, input, existing) {
      if (existing) return;
      const override = pendingOverrides.get(input);
      if (override) await audit(ctx, 'claim', id, 'override', override);
      const due = new Date(ctx.now.getTime() + claimHandlingTargetDays * 86_400_000).toISOString();
      await ctx.trx.updateTable('claims').set({ due_at: due }).where('id', '=', id).execute();
      await enqueue(ctx, 'claim.progress', `claim-progress:${id}:reported`, { claimId: id, status: 'reported' });
    },
    decorate(record, now) {
      record.overdue = isClaimOverdue(String(record.status), (record.dueAt as string | null) ?? null, now);
    },
  });
  registerWorkflowHooks('claim', {
    async before(ctx, _entity, row, transition, values) {
      if (transition.action === 'approve' && values.approvedAmount != null) {
        // Approvals on one policy take turns (PostgreSQL), so two claims cannot both spend the same remaining sum.
        const policy = await policyOf(ctx, Number(row.policy_id), { lock: true });
        const remaining = policy ? await remainingSumInsured(ctx, policy, Number(row.id)) : 0;
        if (Number(values.approvedAmount) > remaining) {
          await audit(ctx, 'claim', Number(row.id), 'override', overrideOrRefuse(ctx, 'values.approvedAmount', 'exceeds_remaining_sum_insured', { remaining }, values.overrideReason));
        }
      }
      if (transition.action === 'pay' && values.paidAmount != null && Number(values.paidAmount) > Number(row.approved_amount ?? 0) / 100) {
        throw new AppError('VALIDATION', {}, { 'values.paidAmount': { reason: 'exceeds_approved_amount', params: { max: Number(row.approved_amount ?? 0) / 100 } } });
      }
      if (transition.action === 'accept' && values.handlerId === undefined && ctx.actor.accountId > 0) values.handlerId = ctx.actor.accountId;
    },
    async after(ctx, _entity, id, transition, before) {
      // Handling ends with payment or rejection; closing the file later must not move that time past the target.
      if (transition.to === 'paid' || transition.to === 'rejected') await ctx.trx.updateTable('claims').set({ handled_at: ctx.now.toISOString() }).where('id', '=', id).execute();
      // One event per move: the claim's new version names it (a timestamp repeats when moves share a millisecond).
      await enqueue(ctx, 'claim.progress', `claim-progress:${id}:${transition.to}:v${Number(before.version) + 1}`, { claimId: id, status: transition.to, action: transition.action });
    },
  });
}

/** A claim still open after its handling target. */
export const isClaimOverdue = (status: string, dueAt: string | null, now: Date) => !finished.has(status) && dueAt != null && new Date(dueAt) < now;

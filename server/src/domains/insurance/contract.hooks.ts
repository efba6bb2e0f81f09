import { sql } from 'kysely';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { registerWorkflowHooks } from '../../entities/workflow.ts';
import { audit } from '../../entities/write.ts';

/** What a contract becomes when its policy ends. */
const contractStatusFor: Record<string, string> = { expired: 'expired', lapsed: 'terminated', surrendered: 'terminated', cancelled: 'terminated' };

/** A contract's status follows its policy (SPEC §2.12): ended policies end their live contracts. */
export async function followPolicy(ctx: WriteContext, policyId: number, policyStatus: string) {
  const status = contractStatusFor[policyStatus] ?? (policyStatus === 'inForce' ? 'effective' : null);
  if (!status) return;
  const contracts = await ctx.trx.selectFrom('contracts').select(['id', 'status']).where('policy_id', '=', policyId).where('deleted_at', 'is', null).where('status', '!=', status).execute();
  for (const contract of contracts) {
    await ctx.trx.updateTable('contracts').set({ status, version: sql`version + 1`, updated_at: ctx.now.toISOString() }).where('id', '=', Number(contract.id)).execute();
    await audit(ctx, 'contract', Number(contract.id), 'follow_policy', { status: { before: contract.status, after: status }, policyId });
  }
}

export function registerContractHooks(): void {
  registerWorkflowHooks('policy', {
    async after(ctx, _entity, id, transition) {
      await followPolicy(ctx, id, transition.to);
    },
  });
  // Amendments are numbered per contract (1, 2, 3…) in the order they are recorded.
  registerHooks('contractAmendment', {
    async afterWrite(ctx, _entity, id, input, existing) {
      if (existing) return;
      const row = await ctx.trx
        .selectFrom('contract_amendments')
        .select(sql<number>`coalesce(max(amendment_no), 0)`.as('last'))
        .where('contract_id', '=', input.contractId as number)
        .where('id', '!=', id)
        .executeTakeFirstOrThrow();
      await ctx.trx.updateTable('contract_amendments').set({ amendment_no: Number(row.last) + 1 }).where('id', '=', id).execute();
    },
  });
}

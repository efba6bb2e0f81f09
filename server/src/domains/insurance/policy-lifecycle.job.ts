import { refreshProfiles } from '../profile/refresh.ts';
import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import { systemContext } from '../../bootstrap.ts';
import type { Services } from '../../entities/context.ts';
import { recordEvent } from '../../entities/workflow.ts';
import { audit } from '../../entities/write.ts';
import { addDays } from './insurance.rules.ts';
import { followPolicy } from './contract.hooks.ts';

/**
 * The daily policy job: pending policies whose start date has come go in force; in-force policies past
 * their end date expire; those with a premium unpaid past the grace period lapse. Each change is a conditional update (status still in force), so running it
 * twice, or on several nodes at once, changes each policy once.
 */
export async function runPolicyLifecycle(services: Services, graceDays: number): Promise<{ activated: number; expired: number; lapsed: number }> {
  const policy = getEntity('policy');
  const today = services.clock.now().toISOString().slice(0, 10);
  const counts = { activated: 0, expired: 0, lapsed: 0 };
  const moves = [
    // A pending policy whose whole period passed was never taken up: it is left for staff to cancel.
    { from: 'pending', to: 'inForce', action: 'activate', where: sql<boolean>`start_date <= ${today} and (end_date is null or end_date >= ${today})` },
    { from: 'inForce', to: 'expired', action: 'expire', where: sql<boolean>`end_date < ${today}` },
    { from: 'inForce', to: 'lapsed', action: 'lapse', where: sql<boolean>`payment_frequency <> 'single' and next_due_date is not null and next_due_date < ${addDays(today, -graceDays)}` },
  ] as const;
  for (const move of moves) {
    for (;;) {
      const changed = await services.database.db.transaction().execute(async (trx) => {
        const ctx = systemContext(services, trx);
        const candidates = await trx.selectFrom('policies').select('id').where('status', '=', move.from).where('deleted_at', 'is', null).where(move.where).orderBy('id').limit(500).execute();
        let done = 0;
        const moved: number[] = [];
        for (const { id } of candidates) {
          const result = await trx
            .updateTable('policies')
            .set({ status: move.to, version: sql`version + 1`, updated_at: ctx.now.toISOString() })
            .where('id', '=', Number(id))
            .where('status', '=', move.from)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) continue;
          await recordEvent(ctx, policy, Number(id), move.action, move.from, move.to, null, { date: today });
          await audit(ctx, 'policy', Number(id), `transition:${move.action}`, { status: { before: move.from, after: move.to } });
          await followPolicy(ctx, Number(id), move.to);
          moved.push(Number(id));
          done++;
        }
        // The holders' profiles follow (holdings, lapse risk) in the same transaction.
        if (moved.length) {
          const holders = await trx.selectFrom('policies').select(['applicant_id', 'insured_id']).where('id', 'in', moved).execute();
          await refreshProfiles(trx, services.database.dialect, holders.flatMap((row) => [row.applicant_id as number, row.insured_id as number | null]), ctx.now);
        }
        return { done, more: candidates.length === 500 };
      });
      counts[move.action === 'activate' ? 'activated' : move.to === 'expired' ? 'expired' : 'lapsed'] += changed.done;
      if (!changed.more) break;
    }
  }
  return counts;
}

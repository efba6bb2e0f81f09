import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { presentRows, recordColumns, scopedRows } from '../../entities/read.ts';
import { parseInput, requirePermission } from '../../platform/http.ts';
import { addDays } from '../insurance/insurance.rules.ts';

/** Where a relationship record's follow-up stands on a day: none planned, done, overdue, due today or upcoming. */
export function followUpState(nextDate: string | null, followedUpAt: string | null, today: string): 'done' | 'overdue' | 'due' | 'upcoming' | null {
  if (!nextDate) return null;
  if (followedUpAt) return 'done';
  return nextDate < today ? 'overdue' : nextDate === today ? 'due' : 'upcoming';
}

export function registerFollowUpHooks(): void {
  registerHooks('interaction', {
    async afterWrite(ctx, _entity, id, input, existing) {
      if (existing) return;
      // A new record with the customer is the follow-up of the earlier ones still waiting for it.
      await ctx.trx
        .updateTable('interactions')
        .set({ followed_up_at: ctx.now.toISOString() })
        .where('customer_id', '=', Number(input.customerId))
        .where('id', '<', id)
        .where('next_follow_up_date', 'is not', null)
        .where('followed_up_at', 'is', null)
        .where('deleted_at', 'is', null)
        .execute();
    },
    decorate(record, now) {
      record.followUpState = followUpState((record.nextFollowUpDate as string | null) ?? null, (record.followedUpAt as string | null) ?? null, now.toISOString().slice(0, 10));
    },
  });
}

const followUpQuery = z.strictObject({
  state: z.enum(['overdue', 'due', 'open']).default('open'),
  /** With state=open: follow-ups planned up to this many days ahead (overdue ones included). */
  days: z.coerce.number().int().min(0).max(365).default(7),
  ownerId: z.coerce.number().int().positive().optional(),
  type: z.string().max(20).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/** GET /api/interactions/follow-ups: follow-ups not yet done, in the caller's data scope, soonest first. */
export function registerFollowUpRoutes(app: FastifyInstance, services: Services): void {
  const entity = getEntity('interaction');
  app.get('/api/interactions/follow-ups', { schema: { tags: ['interaction'], summary: 'Due and overdue follow-ups (not yet followed up), in scope' } }, async (request) => {
    const actor = requirePermission(request, 'interaction:view');
    const query = parseInput(followUpQuery, request.query);
    const today = services.clock.now().toISOString().slice(0, 10);
    let base = scopedRows(services.database.db, entity, actor).where('interactions.followed_up_at', 'is', null).where('interactions.next_follow_up_date', 'is not', null);
    if (query.state === 'overdue') base = base.where('interactions.next_follow_up_date', '<', today);
    else if (query.state === 'due') base = base.where('interactions.next_follow_up_date', '=', today);
    else base = base.where('interactions.next_follow_up_date', '<=', addDays(today, query.days));
    if (query.ownerId) base = base.where('interactions.owner_id', '=', query.ownerId);
    if (query.type) base = base.where('interactions.type', '=', query.type);
    const [rows, count, overdue] = await Promise.all([
      base.select(recordColumns(entity)).orderBy('interactions.next_follow_up_date').orderBy('interactions.id').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
      base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
      base.where('interactions.next_follow_up_date', '<', today).select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: await presentRows(services, entity, actor, rows), total: Number(count.total), overdue: Number(overdue.total), page: query.page, pageSize: query.pageSize };
  });
}

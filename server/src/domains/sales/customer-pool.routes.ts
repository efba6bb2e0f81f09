import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { getRecord, loadRow, presentRows, recordColumns, summarise } from '../../entities/read.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { claimCustomer, claimLimit, claimsToday, poolPredicate, releaseCustomer } from './customer-pool.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const poolQuery = z.strictObject({
  q: z.string().trim().max(50).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
const releaseBody = z.strictObject({ reason: z.string().trim().max(500).optional() });

export function registerCustomerPoolRoutes(app: FastifyInstance, services: Services): void {
  const customer = getEntity('customer');
  const salesperson = getEntity('salesperson');
  const { db } = services.database;

  app.get('/api/customers/pool', { schema: { tags: ['customer'], summary: 'The customer pool (公海): unowned customers of my organisation subtree, with their last owner' } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { q, page, pageSize } = parseInput(poolQuery, request.query);
    let base = db.selectFrom('customers').where('customers.deleted_at', 'is', null).where(poolPredicate(actor));
    if (q) base = base.where(sql<SqlBool>`customers.name like ${`%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`} escape '\\'`);
    const [rows, total] = await Promise.all([
      base.select(recordColumns(customer)).orderBy('customers.updated_at', 'desc').orderBy('customers.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const items = await presentRows(services, customer, actor, rows);
    const ids = items.map((item) => Number(item.id));
    const lastEvents = ids.length
      ? await db
          .selectFrom('customer_pool_events')
          .select(['customer_id', 'action', 'salesperson_id', 'reason', 'at'])
          .where('customer_id', 'in', ids)
          .where('action', 'in', ['return', 'release'])
          .orderBy('id', 'desc')
          .execute()
      : [];
    const owners = await summarise(db, salesperson, lastEvents.filter((event) => event.salesperson_id != null).map((event) => Number(event.salesperson_id)));
    const today = services.clock.now().toISOString().slice(0, 10);
    const limit = await claimLimit({ services, trx: db }, actor);
    return {
      items: items.map((item) => {
        const last = lastEvents.find((event) => Number(event.customer_id) === Number(item.id));
        return {
          ...item,
          pool: last
            ? { action: last.action, at: last.at, reason: last.reason ?? null, previousOwnerId: last.salesperson_id == null ? null : Number(last.salesperson_id), previousOwnerName: owners.get(Number(last.salesperson_id))?.label ?? null }
            : null,
        };
      }),
      total: Number(total.n),
      page,
      pageSize,
      claimLimit: actor.salespersonId == null ? null : limit,
      claimedToday: actor.salespersonId == null ? null : await claimsToday(db, actor.salespersonId, today),
    };
  });

  app.post('/api/customers/:id/claim', { schema: { tags: ['customer'], summary: 'Claim a pool customer (within the daily limit of my roles)' } }, async (request) => {
    requirePermission(request, 'customer:edit');
    const { id } = parseInput(idParams, request.params);
    await inTransaction(request, services, (ctx) => claimCustomer(ctx, id));
    return getRecord(services, customer, request.actor!, id);
  });

  app.post('/api/customers/:id/release', { schema: { tags: ['customer'], summary: 'Give a customer back to the pool' } }, async (request) => {
    const actor = requirePermission(request, 'customer:edit');
    const { id } = parseInput(idParams, request.params);
    const { reason } = parseInput(releaseBody, request.body ?? {});
    await inTransaction(request, services, (ctx) => releaseCustomer(ctx, customer, id, reason ?? null));
    return { id, ownerId: null, releasedBy: actor.displayName };
  });

  app.get('/api/customers/:id/pool-history', { schema: { tags: ['customer'], summary: "A customer's owners over time: claims, returns, releases and notices" } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { id } = parseInput(idParams, request.params);
    const inPool = await db.selectFrom('customers').select('id').where('id', '=', id).where('deleted_at', 'is', null).where(poolPredicate(actor)).executeTakeFirst();
    if (!inPool) await loadRow(db, customer, actor, id);
    const events = await db.selectFrom('customer_pool_events').selectAll().where('customer_id', '=', id).orderBy('id').execute();
    const people = await summarise(db, salesperson, events.filter((event) => event.salesperson_id != null).map((event) => Number(event.salesperson_id)));
    return {
      items: events.map((event) => ({
        action: event.action,
        at: event.at,
        reason: event.reason ?? null,
        salespersonId: event.salesperson_id == null ? null : Number(event.salesperson_id),
        salespersonName: people.get(Number(event.salesperson_id))?.label ?? null,
      })),
    };
  });
}

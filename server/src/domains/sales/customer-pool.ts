import type { Entity } from '@insure/model/entity';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { systemContext } from '../../bootstrap.ts';
import type { DB, Tables } from '../../db/database.ts';
import type { Services, WriteContext } from '../../entities/context.ts';
import { getEntity } from '@insure/model/registry';
import { registerHooks } from '../../entities/hooks.ts';
import { loadRow, scopedRows } from '../../entities/read.ts';
import { audit } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';

const dayMs = 86_400_000;
const batchSize = 500;

/** Pool customers the actor may see and claim: no owner, in the actor's organisation subtree (all for "all" scope). */
export function poolPredicate(actor: Actor) {
  return (eb: ExpressionBuilder<Tables, string>): Expression<SqlBool> => {
    const unowned = eb('customers.owner_id', 'is', null);
    if (actor.dataScope === 'all') return unowned;
    const subtree = eb.selectFrom('organisations as pool_org').select('pool_org.id').where('pool_org.path', 'like', `${actor.orgPath}%`);
    return eb.and([unowned, eb('customers.org_id', 'in', subtree)]);
  };
}

export interface PoolRule {
  returnDays: number;
  noticeDays: number;
}

/** Each organisation's rule: its own setting, else the nearest ancestor's, else the configured default. */
export async function poolRules(services: Services, db: DB): Promise<Map<number, PoolRule>> {
  const rows = await db.selectFrom('organisations').select(['id', 'path', 'pool_return_days', 'pool_notice_days']).where('deleted_at', 'is', null).execute();
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  const rules = new Map<number, PoolRule>();
  for (const row of rows) {
    const lineage = String(row.path).split('/').filter(Boolean).map(Number).reverse();
    const setting = (column: 'pool_return_days' | 'pool_notice_days') => {
      for (const ancestor of lineage) {
        const value = byId.get(ancestor)?.[column];
        if (value != null) return Number(value);
      }
      return null;
    };
    const returnDays = setting('pool_return_days') ?? services.config.POOL_RETURN_DAYS;
    rules.set(Number(row.id), { returnDays, noticeDays: Math.min(setting('pool_notice_days') ?? services.config.POOL_NOTICE_DAYS, returnDays) });
  }
  return rules;
}

async function recordPoolEvent(ctx: WriteContext, customerId: number, orgId: number, action: string, salespersonId: number | null, reason: string | null) {
  await ctx.trx
    .insertInto('customer_pool_events')
    .values({ customer_id: customerId, org_id: orgId, action, salesperson_id: salespersonId, reason, day: ctx.now.toISOString().slice(0, 10), actor_id: ctx.actor.accountId, at: ctx.now.toISOString() })
    .execute();
}

const isoOf = (value: unknown) => (value == null ? null : new Date(String(value)).toISOString());

/**
 * The daily pool job: an owned customer without a follow-up (relationship record) for its organisation's
 * number of days, counted from the later of the last follow-up and the day the owner got it, returns to the
 * pool; owners hear of it `noticeDays` before (an outbox event), and never less: a customer found already
 * overdue (first run after the upgrade, job stopped) gets its notice first. Returns are conditional updates
 * and notices carry idempotency keys, so a second run, or a run on another node, changes nothing.
 */
export async function runCustomerPool(services: Services): Promise<{ returned: number; noticed: number }> {
  const { db } = services.database;
  const now = services.clock.now();
  const counts = { returned: 0, noticed: 0 };
  const rules = await poolRules(services, db);
  const groups = new Map<string, { rule: PoolRule; orgIds: number[] }>();
  for (const [orgId, rule] of rules) {
    const key = `${rule.returnDays}:${rule.noticeDays}`;
    const group = groups.get(key) ?? { rule, orgIds: [] };
    group.orgIds.push(orgId);
    groups.set(key, group);
  }
  for (const { rule, orgIds } of groups.values()) {
    const watchFrom = new Date(now.getTime() - (rule.returnDays - rule.noticeDays) * dayMs).toISOString();
    let afterId = 0;
    for (;;) {
      const candidates = await db
        .selectFrom('customers')
        .select(['customers.id', 'customers.owner_id', 'customers.org_id', 'customers.owned_since', 'customers.created_at'])
        .select((eb) => eb.selectFrom('interactions').select(sql<string>`max(interactions.occurred_at)`.as('at')).whereRef('interactions.customer_id', '=', 'customers.id').where('interactions.deleted_at', 'is', null).as('last_follow_up'))
        .where('customers.deleted_at', 'is', null)
        .where('customers.owner_id', 'is not', null)
        .where('customers.org_id', 'in', orgIds)
        .where('customers.id', '>', afterId)
        .where(sql<SqlBool>`coalesce(customers.owned_since, customers.created_at) <= ${watchFrom}`)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('interactions').select('interactions.id').whereRef('interactions.customer_id', '=', 'customers.id').where('interactions.deleted_at', 'is', null).where('interactions.occurred_at', '>', watchFrom))))
        .orderBy('customers.id')
        .limit(batchSize)
        .execute();
      if (!candidates.length) break;
      afterId = Number(candidates[candidates.length - 1]!.id);
      const done = await db.transaction().execute(async (trx) => {
        const ctx = systemContext(services, trx);
        const batch = { returned: 0, noticed: 0 };
        const notices = await trx
          .selectFrom('customer_pool_events')
          .select(['customer_id', 'salesperson_id', sql<string>`max(at)`.as('at')])
          .where('action', '=', 'notice')
          .where('customer_id', 'in', candidates.map((row) => Number(row.id)))
          .groupBy(['customer_id', 'salesperson_id'])
          .execute();
        const lastNotice = new Map(notices.map((notice) => [`${Number(notice.customer_id)}:${Number(notice.salesperson_id)}`, isoOf(notice.at)!]));
        for (const row of candidates) {
          const customerId = Number(row.id);
          const ownerId = Number(row.owner_id);
          const since = isoOf(row.owned_since) ?? isoOf(row.created_at)!;
          const lastActivity = [since, isoOf(row.last_follow_up)].filter((value): value is string => value !== null).sort().at(-1)!;
          const dueAt = Date.parse(lastActivity) + rule.returnDays * dayMs;
          const noticedAt = lastNotice.get(`${customerId}:${ownerId}`);
          // Every return is announced: without a notice since the last follow-up (first run, job down for a while)
          // the notice goes out now and the customer returns noticeDays later at the earliest.
          if (!noticedAt || noticedAt < lastActivity) {
            const returnOn = new Date(Math.max(dueAt, now.getTime() + rule.noticeDays * dayMs)).toISOString().slice(0, 10);
            const key = `customer-pool-notice:${customerId}:${ownerId}:${lastActivity}`;
            const sent = await trx.selectFrom('outbox').select('id').where('idempotency_key', '=', key).executeTakeFirst();
            if (sent) continue;
            await enqueue(ctx, 'customer.pool-notice', key, { customerId, salespersonId: ownerId, returnOn, lastFollowUpAt: row.last_follow_up ?? null });
            await recordPoolEvent(ctx, customerId, Number(row.org_id), 'notice', ownerId, returnOn);
            batch.noticed++;
            if (rule.noticeDays > 0 || dueAt > now.getTime()) continue;
          } else if (Math.max(dueAt, Date.parse(noticedAt) + rule.noticeDays * dayMs) > now.getTime()) continue;
          const updated = await trx
            .updateTable('customers')
            .set({ owner_id: null, owned_since: null, version: sql`version + 1`, updated_at: ctx.now.toISOString() })
            .where('id', '=', customerId)
            .where('owner_id', '=', ownerId)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) continue;
          await recordPoolEvent(ctx, customerId, Number(row.org_id), 'return', ownerId, 'no_follow_up');
          await audit(ctx, 'customer', customerId, 'pool_return', { ownerId: { before: ownerId, after: null }, reason: 'no_follow_up', days: rule.returnDays });
          await enqueue(ctx, 'customer.pool-returned', `customer-pool-return:${customerId}:${ownerId}:${since}`, { customerId, salespersonId: ownerId, days: rule.returnDays });
          batch.returned++;
        }
        return batch;
      });
      counts.returned += done.returned;
      counts.noticed += done.noticed;
      if (candidates.length < batchSize) break;
    }
  }
  return counts;
}

/** The actor's claims per day: the highest limit among their roles, else the configured default. */
export async function claimLimit(ctx: { services: Services; trx: DB }, actor: Actor): Promise<number> {
  if (!actor.roles.length) return ctx.services.config.POOL_CLAIM_LIMIT;
  const rows = await ctx.trx.selectFrom('roles').select('pool_claim_limit').where('id', 'in', actor.roles.map((role) => role.id)).where('deleted_at', 'is', null).execute();
  const limits = rows.map((row) => row.pool_claim_limit).filter((value) => value != null).map(Number);
  return limits.length ? Math.max(...limits) : ctx.services.config.POOL_CLAIM_LIMIT;
}

export async function claimsToday(trx: DB, salespersonId: number, day: string): Promise<number> {
  const row = await trx.selectFrom('customer_pool_events').select(sql<number>`count(*)`.as('n')).where('salesperson_id', '=', salespersonId).where('action', '=', 'claim').where('day', '=', day).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A salesperson takes a pool customer, within their roles' daily limit; the first of two racing claims wins. */
export async function claimCustomer(ctx: WriteContext, customerId: number): Promise<void> {
  const salespersonId = ctx.actor.salespersonId;
  if (salespersonId == null) throw new AppError('VALIDATION', {}, { ownerId: { reason: 'not_a_salesperson' } });
  const postgres = ctx.services.database.dialect === 'postgres';
  // The salesperson row serialises one person's claims, so two at once cannot both pass the limit.
  let lock = ctx.trx.selectFrom('salespeople').select('id').where('id', '=', salespersonId);
  if (postgres) lock = lock.forUpdate();
  await lock.executeTakeFirst();
  const customer = await ctx.trx.selectFrom('customers').select(['id', 'org_id', 'owner_id']).where('id', '=', customerId).where('deleted_at', 'is', null).executeTakeFirst();
  const visible = await ctx.trx.selectFrom('customers').select('id').where('id', '=', customerId).where('deleted_at', 'is', null).where(poolPredicate(ctx.actor)).executeTakeFirst();
  if (!customer) throw new AppError('NOT_FOUND');
  if (!visible) {
    // Only a caller who may see the customer learns that it already has an owner; to anyone else it does not
    // exist (the same 404 as a missing id), so claiming cannot probe other salespeople's or branches' customers.
    const inScope = customer.owner_id != null && (await scopedRows(ctx.trx, getEntity('customer'), ctx.actor).select('customers.id').where('customers.id', '=', customerId).executeTakeFirst());
    if (inScope) throw new AppError('INVALID_TRANSITION', { action: 'claim' }, { ownerId: { reason: 'not_in_pool' } });
    throw new AppError('NOT_FOUND');
  }
  const day = ctx.now.toISOString().slice(0, 10);
  const limit = await claimLimit(ctx, ctx.actor);
  const count = await claimsToday(ctx.trx, salespersonId, day);
  if (count >= limit) throw new AppError('VALIDATION', { limit, count }, { ownerId: { reason: 'claim_limit_reached', params: { limit, count } } });
  const updated = await ctx.trx
    .updateTable('customers')
    .set({ owner_id: salespersonId, owned_since: ctx.now.toISOString(), version: sql`version + 1`, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', customerId)
    .where('owner_id', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', { action: 'claim' }, { ownerId: { reason: 'not_in_pool' } });
  await recordPoolEvent(ctx, customerId, Number(customer.org_id), 'claim', salespersonId, null);
  await audit(ctx, 'customer', customerId, 'pool_claim', { ownerId: { before: null, after: salespersonId } });
}

/** The owner (or a manager in scope) gives a customer back to the pool, with a reason. */
export async function releaseCustomer(ctx: WriteContext, entity: Entity, customerId: number, reason: string | null): Promise<void> {
  const row = await loadRow(ctx.trx, entity, ctx.actor, customerId, ctx.services.database.dialect === 'postgres');
  if (row.owner_id == null) throw new AppError('INVALID_TRANSITION', { action: 'release' }, { ownerId: { reason: 'no_owner' } });
  const ownerId = Number(row.owner_id);
  await ctx.trx
    .updateTable('customers')
    .set({ owner_id: null, owned_since: null, version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', customerId)
    .execute();
  await recordPoolEvent(ctx, customerId, Number(row.org_id), 'release', ownerId, reason);
  await audit(ctx, 'customer', customerId, 'pool_release', { ownerId: { before: ownerId, after: null }, ...(reason ? { reason } : {}) });
}

export function registerCustomerPoolHooks(): void {
  registerHooks('customer', {
    // The follow-up clock of an owner starts when the customer becomes theirs (a new customer's: its creation).
    async afterUpdate(ctx, _entity, id, input, existing) {
      if (input.ownerId === undefined) return;
      const before = existing.owner_id == null ? null : Number(existing.owner_id);
      const after = input.ownerId == null ? null : Number(input.ownerId);
      if (before === after) return;
      await ctx.trx.updateTable('customers').set({ owned_since: after === null ? null : ctx.now.toISOString() }).where('id', '=', id).execute();
    },
  });
}

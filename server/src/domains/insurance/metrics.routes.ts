import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { loadRow } from '../../entities/read.ts';
import { parseInput, requirePermission } from '../../platform/http.ts';
import { isValidIsoDate } from '@insure/model/validators';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const periodQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const yuan = (cents: unknown) => Number(cents ?? 0) / 100;

/** Figures computed from the source records on every read (SPEC: computed, never typed in). */
export function registerMetricsRoutes(app: FastifyInstance, services: Services): void {
  const { db } = services.database;
  // Period figures over many rows may come from a read replica; single-record summaries read the primary.
  const { reports } = services.database;

  app.get('/api/customers/:id/summary', { schema: { tags: ['customer'], summary: "A customer's insurance purchases, claims and service figures" } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { id } = parseInput(idParams, request.params);
    await loadRow(db, getEntity('customer'), actor, id);
    const byType = await db
      .selectFrom('policies')
      .select(['insurance_type', sql<number>`count(*)`.as('count'), sql<number>`sum(premium)`.as('premium'), sql<number>`sum(sum_insured)`.as('sum_insured'), sql<number>`sum(case when status = 'inForce' then 1 else 0 end)`.as('in_force')])
      .where((eb) => eb.or([eb('applicant_id', '=', id), eb('insured_id', '=', id)]))
      .where('deleted_at', 'is', null)
      .groupBy('insurance_type')
      .execute();
    const claims = await db
      .selectFrom('claims')
      .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(requested_amount), 0)`.as('requested'), sql<number>`coalesce(sum(paid_amount), 0)`.as('paid')])
      .where('insured_id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const tickets = await db.selectFrom('feedback').select(sql<number>`count(*)`.as('open')).where('customer_id', '=', id).where('deleted_at', 'is', null).where('status', 'not in', ['resolved', 'closed']).executeTakeFirstOrThrow();
    const lastInteraction = await db.selectFrom('interactions').select(sql<string>`max(occurred_at)`.as('at')).where('customer_id', '=', id).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    return {
      policyCount: byType.reduce((total, row) => total + Number(row.count), 0),
      inForceCount: byType.reduce((total, row) => total + Number(row.in_force), 0),
      totalPremium: byType.reduce((total, row) => total + yuan(row.premium), 0),
      totalSumInsured: byType.reduce((total, row) => total + yuan(row.sum_insured), 0),
      byInsuranceType: byType.map((row) => ({ insuranceType: row.insurance_type, count: Number(row.count), premium: yuan(row.premium), sumInsured: yuan(row.sum_insured) })),
      claimCount: Number(claims.count),
      claimRequested: yuan(claims.requested),
      claimPaid: yuan(claims.paid),
      openTickets: Number(tickets.open),
      lastInteractionAt: lastInteraction.at ?? null,
    };
  });

  app.get('/api/salespeople/:id/performance', { schema: { tags: ['salesperson'], summary: "A salesperson's sales figures for a period (issued policies, close rate, new customers)" } }, async (request) => {
    const actor = requirePermission(request, 'salesperson:view');
    const { id } = parseInput(idParams, request.params);
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31` } = parseInput(periodQuery, request.query);
    await loadRow(db, getEntity('salesperson'), actor, id);
    const sales = await reports
      .selectFrom('policies')
      .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(premium), 0)`.as('premium')])
      .where('salesperson_id', '=', id)
      .where('deleted_at', 'is', null)
      .where('status', 'not in', ['cancelled'])
      .where('start_date', '>=', from)
      .where('start_date', '<=', to)
      .executeTakeFirstOrThrow();
    const outcomes = await reports
      .selectFrom('opportunities')
      .select([sql<number>`sum(case when stage = 'won' then 1 else 0 end)`.as('won'), sql<number>`sum(case when stage = 'lost' then 1 else 0 end)`.as('lost')])
      .where('owner_id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const newCustomers = await reports
      .selectFrom('customers')
      .select(sql<number>`count(*)`.as('count'))
      .where('owner_id', '=', id)
      .where('deleted_at', 'is', null)
      .where('created_at', '>=', `${from}T00:00:00.000Z`)
      .where('created_at', '<=', `${to}T23:59:59.999Z`)
      .executeTakeFirstOrThrow();
    const won = Number(outcomes.won ?? 0);
    const lost = Number(outcomes.lost ?? 0);
    return { from, to, policyCount: Number(sales.count), premium: yuan(sales.premium), won, lost, closeRate: won + lost ? won / (won + lost) : null, newCustomers: Number(newCustomers.count) };
  });

  app.get('/api/products/:id/rating', { schema: { tags: ['product'], summary: "A product's rating from customer reviews and claim ratings" } }, async (request) => {
    const actor = requirePermission(request, 'product:view');
    const { id } = parseInput(idParams, request.params);
    await loadRow(db, getEntity('product'), actor, id);
    const reviews = await reports.selectFrom('feedback').select([sql<number>`avg(satisfaction)`.as('average'), sql<number>`count(satisfaction)`.as('count')]).where('product_id', '=', id).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    const claims = await reports
      .selectFrom('claims')
      .innerJoin('policies', 'policies.id', 'claims.policy_id')
      .select([sql<number>`avg(claims.rating)`.as('average'), sql<number>`count(claims.rating)`.as('count')])
      .where('policies.product_id', '=', id)
      .where('claims.deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const count = Number(reviews.count) + Number(claims.count);
    const average = count ? (Number(reviews.average ?? 0) * Number(reviews.count) + Number(claims.average ?? 0) * Number(claims.count)) / count : null;
    return { average: average === null ? null : Math.round(average * 100) / 100, count, reviewCount: Number(reviews.count), claimRatingCount: Number(claims.count) };
  });
}

import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { type DB, type Dialect, type Row, throughIndex } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { loadRow } from '../../entities/read.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { compileDefinition, conditionFields, type ConditionGroup, customConditionFields, operatorsByKind, parseDefinition } from './conditions.ts';
import type { ComputedProfile } from './compute.ts';
import { computeFor, refreshProfiles } from './refresh.ts';
import { createSegmentOpportunities, segmentOpportunitiesBody } from './segment-opportunities.ts';
import { acceptSuggestion, skipSuggestion, suggestionStats, suggestionsFor } from './suggestions.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const previewBody = z.strictObject({ definition: z.unknown(), limit: z.number().int().min(1).max(100).optional() });
const productParams = z.strictObject({ id: idParams.shape.id, productId: idParams.shape.id });
const skipBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const statsQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });
const membersQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200_000).default(100_000) });

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
const camel = (column: string) => column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());

/** A computed profile as the API shows it: values in camelCase (amounts in yuan) with the details and why. */
function presentProfile(customerId: number, computedAt: unknown, profile: ComputedProfile) {
  const values: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(profile.columns)) values[camel(column)] = value;
  values.holdingTypes = profile.columns.holding_types.split(',').filter(Boolean);
  values.gapCodes = profile.columns.gap_codes.split(',').filter(Boolean);
  return { customerId, computedAt, values, ...profile.details };
}

/** The members of a segment definition, within the actor's data scope: one SQL query. */
export async function segmentQuery(db: DB, dialect: Dialect, actor: Actor, definition: ConditionGroup, today: string) {
  const predicate = await compileDefinition(db, dialect, definition, today);
  if (dialect === 'sqlite') {
    // The planner, without statistics, takes a profile index for a condition such as `value tier in (…)` as
    // selective and reads the matching profiles in index order: a random read of customer_profiles per
    // candidate (20 s for a 3-condition count over 1M customers on a loaded machine). Instead the customers in
    // scope are walked in id order — everyone through `customers_live_scope` (id, deleted_at, org, owner), a
    // branch or a salesperson through their scope index — and each profile is looked up in id order. The CASE
    // keeps the predicate from turning the LEFT JOIN into an inner join the planner could reorder; it is true
    // exactly when the predicate is.
    return db
      .selectFrom(actor.dataScope === 'all' ? throughIndex(dialect, 'customers', 'customers_live_scope') : 'customers')
      .leftJoin('customer_profiles as p', 'p.customer_id', 'customers.id')
      .where('customers.deleted_at', 'is', null)
      .where(scopePredicate(getEntity('customer'), actor))
      .where(sql<SqlBool>`(case when ${predicate} then 1 else 0 end) = 1`);
  }
  return db
    .selectFrom('customers')
    .leftJoin('customer_profiles as p', 'p.customer_id', 'customers.id')
    .where('customers.deleted_at', 'is', null)
    .where(scopePredicate(getEntity('customer'), actor))
    .where(predicate);
}

/** Customer ids of a saved segment the actor may see (campaigns, SMS sends, opportunity creation use this). */
export async function segmentCustomerIds(services: Services, actor: Actor, segmentId: number, limit = 100_000): Promise<number[]> {
  const { db, dialect } = services.database;
  const segment = await loadRow(db, getEntity('customerSegment'), actor, segmentId);
  const definition = await parseDefinition(db, segment.definition);
  const rows = await (await segmentQuery(db, dialect, actor, definition, services.clock.now().toISOString().slice(0, 10))).select('customers.id').orderBy('customers.id').limit(limit).execute();
  return rows.map((row) => Number(row.id));
}

async function countAndPreview(services: Services, actor: Actor, definition: ConditionGroup, limit: number) {
  const { db, dialect } = services.database;
  const query = await segmentQuery(db, dialect, actor, definition, services.clock.now().toISOString().slice(0, 10));
  const [count, rows] = await Promise.all([
    query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    query
      .select(['customers.id', 'customers.code', 'customers.name', 'customers.province', 'customers.owner_id', 'p.value_tier', 'p.life_stage', 'p.lapse_risk', 'p.gap_codes', 'p.age'])
      .orderBy('customers.id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(count.n),
    items: rows.map((row) => ({
      id: Number(row.id),
      code: row.code,
      name: row.name,
      province: row.province,
      ownerId: row.owner_id == null ? null : Number(row.owner_id),
      age: row.age == null ? null : Number(row.age),
      valueTier: row.value_tier,
      lifeStage: row.life_stage,
      lapseRisk: row.lapse_risk == null ? null : Number(row.lapse_risk),
      gapCodes: String(row.gap_codes ?? '').split(',').filter(Boolean),
    })),
  };
}

export function registerProfileRoutes(app: FastifyInstance, services: Services): void {
  const customer = getEntity('customer');
  const segment = getEntity('customerSegment');
  const { db, dialect } = services.database;

  app.get('/api/customers/:id/profile', { schema: { tags: ['customer'], summary: "A customer's computed profile: every value with the rule and data behind it, and the tags with since when and why" } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { id } = parseInput(idParams, request.params);
    await loadRow(db, customer, actor, id);
    let row = await db.selectFrom('customer_profiles').select('computed_at').where('customer_id', '=', id).executeTakeFirst();
    if (!row) {
      // Not stored yet (restored from the recycle bin, or before the first rebuild): stored now, for segments.
      await db.transaction().execute((trx) => refreshProfiles(trx, dialect, [id], services.clock.now()));
      row = await db.selectFrom('customer_profiles').select('computed_at').where('customer_id', '=', id).executeTakeFirstOrThrow();
    }
    // The values and their why are computed from the current data (the stored columns are the same values).
    const profile = (await computeFor(db, id, services.clock.now()))!;
    const tags = await db
      .selectFrom('customer_tag_assignments as a')
      .innerJoin('customer_tags as t', 't.id', 'a.tag_id')
      .select(['a.tag_id', 'a.source', 'a.since', 'a.reason', 't.name', 't.color'])
      .where('a.customer_id', '=', id)
      .where('t.deleted_at', 'is', null)
      .orderBy('a.since')
      .execute();
    return {
      ...presentProfile(id, row.computed_at, profile),
      tags: tags.map((tag) => ({ tagId: Number(tag.tag_id), name: tag.name, color: tag.color, source: tag.source, since: tag.since, reason: parse(tag.reason) })),
    };
  });

  app.get('/api/customers/:id/suggestions', { schema: { tags: ['customer'], summary: 'Next-best-product: ranked products for the coverage gaps the customer may buy and the owner may sell, each with why' } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { id } = parseInput(idParams, request.params);
    await loadRow(db, customer, actor, id);
    return suggestionsFor(db, id, services.clock.now().toISOString().slice(0, 10));
  });

  app.post('/api/customers/:id/suggestions/:productId/accept', { schema: { tags: ['customer'], summary: 'Accept a suggestion: opens a sales opportunity for the customer and records the outcome' } }, async (request, reply) => {
    requirePermission(request, 'opportunity:create');
    const { id, productId } = parseInput(productParams, request.params);
    const opportunityId = await inTransaction(request, services, async (ctx) => acceptSuggestion(ctx, await loadRow(ctx.trx, customer, ctx.actor, id), productId));
    return reply.code(201).send({ opportunityId });
  });

  app.post('/api/customers/:id/suggestions/:productId/skip', { schema: { tags: ['customer'], summary: 'Skip a suggestion with a reason (kept and reported)' } }, async (request, reply) => {
    requirePermission(request, 'customer:edit');
    const { id, productId } = parseInput(productParams, request.params);
    const { reason } = parseInput(skipBody, request.body ?? {});
    await inTransaction(request, services, async (ctx) => {
      await loadRow(ctx.trx, customer, ctx.actor, id);
      await skipSuggestion(ctx, id, productId, reason);
    });
    return reply.code(204).send();
  });

  app.get('/api/profiles/suggestion-stats', { schema: { tags: ['customer'], summary: 'Next-best-product acceptance rate and skip reasons within my data scope' } }, async (request) => {
    const actor = requirePermission(request, 'customer:view');
    const { from, to } = parseInput(statsQuery, request.query);
    return suggestionStats(db, actor, from, to);
  });

  app.get('/api/customer-segments/fields', { schema: { tags: ['customerSegment'], summary: 'Fields and operators segment conditions may use' } }, async (request) => {
    requirePermission(request, 'customerSegment:view');
    const groupOf = (field: string) => (field.startsWith('profile.') ? 'profile' : field.startsWith('customer.') ? 'customer' : field);
    return {
      fields: [
        ...Object.entries(conditionFields).map(([field, spec]) => ({ field, group: groupOf(field), kind: spec.kind, operators: operatorsByKind[spec.kind] })),
        ...(await customConditionFields(db)).map((field) => ({ ...field, group: 'custom' })),
      ],
    };
  });

  app.post('/api/customer-segments/preview', { schema: { tags: ['customerSegment'], summary: 'Live count and first rows of a segment definition (not saved), within my data scope' } }, async (request) => {
    const actor = requirePermission(request, 'customerSegment:view');
    const body = parseInput(previewBody, request.body ?? {});
    const definition = await parseDefinition(db, body.definition ?? null);
    return countAndPreview(services, actor, definition, body.limit ?? 20);
  });

  app.get('/api/customer-segments/:id/preview', { schema: { tags: ['customerSegment'], summary: 'Count and first rows of a saved segment, within my data scope' } }, async (request) => {
    const actor = requirePermission(request, 'customerSegment:view');
    const { id } = parseInput(idParams, request.params);
    const row = await loadRow(db, segment, actor, id);
    const result = await countAndPreview(services, actor, await parseDefinition(db, row.definition), 20);
    await db.updateTable('customer_segments').set({ last_count: result.count }).where('id', '=', id).execute();
    return result;
  });

  app.post('/api/customer-segments/:id/opportunities', { schema: { tags: ['customerSegment'], summary: "Sales opportunities for a saved segment's members in my data scope (dryRun: the counts only); members with an open opportunity for the product are skipped" } }, async (request, reply) => {
    const actor = requirePermission(request, 'opportunity:create');
    requirePermission(request, 'customerSegment:view');
    const { id } = parseInput(idParams, request.params);
    const input = parseInput(segmentOpportunitiesBody, request.body ?? {});
    const members = await segmentCustomerIds(services, actor, id);
    const result = await createSegmentOpportunities(services, actor, id, members, input, (work) => inTransaction(request, services, work));
    return reply.code(input.dryRun ? 200 : 201).send(result);
  });

  app.get('/api/customer-segments/:id/members', { schema: { tags: ['customerSegment'], summary: 'Customer ids of a saved segment within my data scope (targets for campaigns and SMS sends)' } }, async (request) => {
    const actor = requirePermission(request, 'customerSegment:view');
    const { id } = parseInput(idParams, request.params);
    const { limit } = parseInput(membersQuery, request.query);
    const ids = await segmentCustomerIds(services, actor, id, limit);
    return { segmentId: id, count: ids.length, customerIds: ids };
  });
}


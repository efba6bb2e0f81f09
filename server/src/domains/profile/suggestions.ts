import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { createRecord } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Gap } from './compute.ts';
import { computeFor } from './refresh.ts';

/** How much each coverage gap weighs when products are ranked (the rest: 40). */
const gapWeight: Record<string, number> = {
  no_medical: 100,
  parent_no_life: 95,
  accident_below_income: 85,
  missing_criticalIllness: 70,
  missing_accident: 65,
  missing_life: 60,
  missing_annuity: 50,
};
/** A product accepted or skipped for a customer is not suggested again for this many days. */
const quietDays = 90;

export interface Suggestion {
  productId: number;
  productName: string;
  insuranceType: string;
  basePremium: number | null;
  score: number;
  gapCode: string;
  why: { rule: string; data: Record<string, unknown> };
}
export interface Excluded {
  productId: number;
  productName: string;
  reason: 'age' | 'owner_not_qualified' | 'recently_decided';
  data: Record<string, unknown>;
}

const day = (value: unknown) => (value == null ? null : String(value).slice(0, 10));

/**
 * Next-best-product for one customer: products on sale of the types the profile's coverage gaps name, ranked by
 * the gap's weight, that the customer may buy (insurable age) and the owner may sell (a valid qualification the
 * product requires), not decided on in the last 90 days. Each says why; the left-out ones say why not.
 */
export async function suggestionsFor(db: DB, customerId: number, today: string): Promise<{ items: Suggestion[]; excluded: Excluded[] }> {
  const [customer, computed] = await Promise.all([
    db.selectFrom('customers').select(['owner_id']).where('id', '=', customerId).executeTakeFirstOrThrow(),
    computeFor(db, customerId, new Date(`${today}T12:00:00.000Z`)),
  ]);
  const profile = computed?.columns;
  const gaps = computed?.details.gaps ?? [];
  if (!gaps.length) return { items: [], excluded: [] };
  const byType = new Map<string, Gap>();
  for (const gap of [...gaps].sort((a, b) => (gapWeight[b.code] ?? 40) - (gapWeight[a.code] ?? 40))) if (!byType.has(gap.insuranceType)) byType.set(gap.insuranceType, gap);
  const products = await db
    .selectFrom('products')
    .select(['id', 'name', 'insurance_type', 'min_age', 'max_age', 'base_premium', 'required_qualification'])
    .where('status', '=', 'onSale')
    .where('deleted_at', 'is', null)
    .where('insurance_type', 'in', [...byType.keys()])
    .execute();
  if (!products.length) return { items: [], excluded: [] };
  const since = new Date(Date.parse(`${today}T00:00:00.000Z`) - quietDays * 86_400_000).toISOString();
  const [decided, qualifications] = await Promise.all([
    db.selectFrom('product_suggestion_outcomes').select(['product_id', 'outcome', 'decided_at']).where('customer_id', '=', customerId).where('decided_at', '>=', since).execute(),
    customer.owner_id == null
      ? Promise.resolve([])
      : db.selectFrom('qualifications').select(['type', 'expires_on', 'issued_on']).where('salesperson_id', '=', Number(customer.owner_id)).where('status', '=', 'normal').where('deleted_at', 'is', null).execute(),
  ]);
  const age = profile?.age == null ? null : Number(profile.age);
  const items: Suggestion[] = [];
  const excluded: Excluded[] = [];
  for (const product of products) {
    const base = { productId: Number(product.id), productName: String(product.name) };
    const gap = byType.get(String(product.insurance_type))!;
    const minAge = product.min_age == null ? null : Number(product.min_age);
    const maxAge = product.max_age == null ? null : Number(product.max_age);
    const last = decided.find((row) => Number(row.product_id) === base.productId);
    if (last) {
      excluded.push({ ...base, reason: 'recently_decided', data: { outcome: last.outcome, at: last.decided_at } });
      continue;
    }
    if (age !== null && ((minAge !== null && age < minAge) || (maxAge !== null && age > maxAge))) {
      excluded.push({ ...base, reason: 'age', data: { age, minAge, maxAge } });
      continue;
    }
    const required = product.required_qualification == null ? null : String(product.required_qualification);
    if (required && !qualifications.some((row) => row.type === required && day(row.expires_on)! >= today && (day(row.issued_on) === null || day(row.issued_on)! <= today))) {
      excluded.push({ ...base, reason: 'owner_not_qualified', data: { qualification: required } });
      continue;
    }
    // Age unknown: still suggested, ranked a little lower (eligibility to be checked at signing).
    const score = (gapWeight[gap.code] ?? 40) - (age === null ? 10 : 0);
    items.push({
      ...base,
      insuranceType: String(product.insurance_type),
      basePremium: product.base_premium == null ? null : Number(product.base_premium) / 100,
      score,
      gapCode: gap.code,
      why: { rule: age === null ? 'suggest_gap_age_unknown' : 'suggest_gap', data: { gap: gap.code, lifeStage: profile?.life_stage ?? null, age, minAge, maxAge, qualification: required } },
    });
  }
  items.sort((a, b) => b.score - a.score || (a.basePremium ?? 0) - (b.basePremium ?? 0) || a.productId - b.productId);
  return { items: items.slice(0, 5), excluded };
}

async function currentSuggestion(ctx: WriteContext, customerId: number, productId: number): Promise<Suggestion> {
  const { items } = await suggestionsFor(ctx.trx, customerId, ctx.now.toISOString().slice(0, 10));
  const found = items.find((item) => item.productId === productId);
  if (!found) throw new AppError('VALIDATION', {}, { productId: { reason: 'invalid_option' } });
  return found;
}

/** Accepting a suggestion opens a sales opportunity for the customer's owner and records the outcome. */
export async function acceptSuggestion(ctx: WriteContext, customer: Record<string, unknown>, productId: number): Promise<number> {
  const customerId = Number(customer.id);
  const suggestion = await currentSuggestion(ctx, customerId, productId);
  const opportunityId = await createRecord(ctx, getEntity('opportunity'), {
    title: `${suggestion.productName} · ${String(customer.name)}`.slice(0, 100),
    customerId,
    productId,
    ownerId: customer.owner_id == null ? null : Number(customer.owner_id),
    orgId: Number(customer.org_id),
    expectedAmount: suggestion.basePremium ?? undefined,
  });
  await record(ctx, customerId, suggestion, 'accepted', null, opportunityId);
  return opportunityId;
}

export async function skipSuggestion(ctx: WriteContext, customerId: number, productId: number, reason: string): Promise<void> {
  await record(ctx, customerId, await currentSuggestion(ctx, customerId, productId), 'skipped', reason, null);
}

async function record(ctx: WriteContext, customerId: number, suggestion: Suggestion, outcome: string, reason: string | null, opportunityId: number | null) {
  await ctx.trx
    .insertInto('product_suggestion_outcomes')
    .values({
      customer_id: customerId,
      product_id: suggestion.productId,
      outcome,
      reason,
      gap_code: suggestion.gapCode,
      score: suggestion.score,
      opportunity_id: opportunityId,
      decided_by: ctx.actor.accountId || null,
      decider_name: ctx.actor.displayName,
      decided_at: ctx.now.toISOString(),
    })
    .execute();
}

/** Accepted / skipped outcomes of customers in the actor's scope (a period if given), the rate and the skip reasons. */
export async function suggestionStats(db: DB, actor: Actor, from: string | undefined, to: string | undefined) {
  let query = db
    .selectFrom('product_suggestion_outcomes as o')
    .innerJoin('customers', 'customers.id', 'o.customer_id')
    .where(scopePredicate(getEntity('customer'), actor));
  if (from) query = query.where('o.decided_at', '>=', `${from}T00:00:00.000Z`);
  if (to) query = query.where('o.decided_at', '<=', `${to}T23:59:59.999Z`);
  const [outcomes, reasons] = await Promise.all([
    query.select(['o.outcome', sql<number>`count(*)`.as('n')]).groupBy('o.outcome').execute(),
    query.select(['o.reason', sql<number>`count(*)`.as('n')]).where('o.outcome', '=', 'skipped').groupBy('o.reason').orderBy(sql`count(*)`, 'desc').limit(10).execute(),
  ]);
  const accepted = Number(outcomes.find((row) => row.outcome === 'accepted')?.n ?? 0);
  const skipped = Number(outcomes.find((row) => row.outcome === 'skipped')?.n ?? 0);
  return { accepted, skipped, acceptanceRate: accepted + skipped ? Math.round((accepted / (accepted + skipped)) * 1000) / 1000 : null, skipReasons: reasons.map((row) => ({ reason: row.reason, count: Number(row.n) })) };
}

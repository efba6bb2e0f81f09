import type { FastifyInstance } from 'fastify';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { getEntity } from '@insure/model/registry';
import { insuranceTypes } from '@insure/model/enums/insurance';
import { provinces } from '@insure/model/enums/common';
import { isValidIsoDate } from '@insure/model/validators';
import type { Services } from '../../entities/context.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { localeFrom } from '../../platform/i18n.ts';
import { parseInput, requirePermission } from '../../platform/http.ts';
import { orgPathInScope } from './reports.routes.ts';

/**
 * 客户分析: distributions of the customers in the caller's scope, computed from the customer records and
 * their opportunities and surveys. Each item carries `drill`: the customer-list filter that lists exactly
 * its customers (null where the list has no such filter).
 *
 * `analysisProviders` maps a dimension to its query. Value tiers and coverage gaps read the computed customer
 * profiles (customer_profiles, docs/profiles.md); the customer list has no filter for them, so no drill-down.
 */
export interface AnalysisContext {
  db: Kysely<any>;
  actor: Actor;
  today: string;
  language: 'zh' | 'en';
  filters: AnalysisFilters;
  /** Applies the scope and filters to a query over `customers as c`. */
  scoped(query: any): any;
}
export interface AnalysisFilters {
  orgPath: string | null;
  from: string | null;
  to: string | null;
  productType: string | null;
}
export interface AnalysisItem {
  key: string;
  label: string;
  count: number;
  drill: Record<string, unknown> | null;
}
export type AnalysisProvider = (context: AnalysisContext) => Promise<AnalysisItem[]>;

const ageBands = [
  { key: '0-17', min: 0, max: 17 },
  { key: '18-25', min: 18, max: 25 },
  { key: '26-35', min: 26, max: 35 },
  { key: '36-45', min: 36, max: 45 },
  { key: '46-55', min: 46, max: 55 },
  { key: '56-65', min: 56, max: 65 },
  { key: '66+', min: 66, max: null },
];

/** The date N years before `today` (29 February → 28 February). */
export function yearsBefore(today: string, years: number): string {
  const year = Number(today.slice(0, 4)) - years;
  const monthDay = today.slice(5) === '02-29' ? '02-28' : today.slice(5);
  return `${year}-${monthDay}`;
}
const dayAfter = (value: string) => new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const unknownLabel = (language: 'zh' | 'en') => (language === 'zh' ? '未填写' : 'Not set');
const unknownKey = 'unknown';

const grouped = async (context: AnalysisContext, key: RawBuilder<unknown>, build: (query: any) => any = (query) => query) =>
  ((await build(context.scoped(context.db.selectFrom('customers as c')).select([key.as('key'), sql<number>`count(*)`.as('count')]).groupBy(key)).execute()) as { key: unknown; count: unknown }[]).map((row) => ({
    key: row.key == null ? null : String(row.key),
    count: Number(row.count),
  }));

export const analysisProviders: Record<string, AnalysisProvider> = {
  async age(context) {
    // An age band is a birth-date range (literals, not parameters: PostgreSQL must see the grouped expression
    // in the select list as the same text). : aged ≥ N ⇔ born on or before today minus N years.
    // Counted per birth date first (in the order of `customers_by_birth_date`, no sort), then per band: the band's
    // comparisons run once per date instead of once per customer (750 → 250 ms at 1M on SQLite).
    const cases = ageBands
      .filter((band) => band.max !== null)
      .map((band) => sql`when born.birth_date > ${sql.lit(yearsBefore(context.today, band.max! + 1))} then ${sql.lit(band.key)}`);
    const key = sql`case when born.birth_date is null then ${sql.lit(unknownKey)} ${sql.join(cases, sql` `)} else '66+' end`;
    const perDay = context.scoped(context.db.selectFrom('customers as c')).select(['c.birth_date', sql<number>`count(*)`.as('n')]).groupBy('c.birth_date');
    const rows = ((await context.db.selectFrom(perDay.as('born')).select([key.as('key'), sql<number>`sum(born.n)`.as('count')]).groupBy(key).execute()) as { key: unknown; count: unknown }[]).map((row) => ({
      key: String(row.key),
      count: Number(row.count),
    }));
    const countOf = (name: string) => rows.find((row) => row.key === name)?.count ?? 0;
    return [
      ...ageBands.map((band) => ({
        key: band.key,
        label: band.key,
        count: countOf(band.key),
        drill: { birthDate: [band.max === null ? null : dayAfter(yearsBefore(context.today, band.max + 1)), yearsBefore(context.today, band.min)] },
      })),
      { key: unknownKey, label: unknownLabel(context.language), count: countOf(unknownKey), drill: null },
    ];
  },
  async region(context) {
    const rows = await grouped(context, sql`c.province`);
    return rows
      .map((row) => ({
        key: row.key ?? unknownKey,
        label: row.key == null ? unknownLabel(context.language) : provinces.find((option) => option.value === row.key)?.label[context.language] ?? row.key,
        count: row.count,
        drill: row.key == null ? null : { province: [row.key] },
      }))
      .sort((a, b) => b.count - a.count);
  },
  async occupation(context) {
    const rows = (await grouped(context, sql`c.occupation`)).sort((a, b) => b.count - a.count);
    const known = rows.filter((row) => row.key != null && row.key !== '');
    const top = known.slice(0, 15);
    const rest = known.slice(15).reduce((sum, row) => sum + row.count, 0);
    const unknown = rows.filter((row) => row.key == null || row.key === '').reduce((sum, row) => sum + row.count, 0);
    return [
      ...top.map((row) => ({ key: row.key!, label: row.key!, count: row.count, drill: { occupation: row.key } })),
      ...(rest ? [{ key: 'other', label: context.language === 'zh' ? '其他' : 'Other', count: rest, drill: null }] : []),
      ...(unknown ? [{ key: unknownKey, label: unknownLabel(context.language), count: unknown, drill: null }] : []),
    ];
  },
  async intent(context) {
    // Purchase intent: the highest attention among the customer's open opportunities (none: no open one). One
    // grouped pass over the open opportunities joined to the customers, not a lookup per customer (1.1 s at 1M).
    const open = context.db
      .selectFrom('opportunities as o')
      .select(['o.customer_id', sql<number>`max(case o.attention when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end)`.as('level')])
      .where('o.deleted_at', 'is', null)
      .where('o.stage', 'not in', ['won', 'lost'])
      .groupBy('o.customer_id')
      .as('intent');
    const key = sql`case intent.level when 3 then 'high' when 2 then 'medium' when 1 then 'low' when 0 then 'unrated' else 'none' end`;
    const rows = await grouped(context, key, (query) => query.leftJoin(open, 'intent.customer_id', 'c.id'));
    const labels: Record<string, [string, string]> = { high: ['高', 'High'], medium: ['中', 'Medium'], low: ['低', 'Low'], unrated: ['未评估', 'Not rated'], none: ['无在跟机会', 'No open opportunity'] };
    return Object.entries(labels).map(([name, label]) => ({ key: name, label: label[context.language === 'zh' ? 0 : 1], count: rows.find((row) => row.key === name)?.count ?? 0, drill: null }));
  },
  async satisfaction(context) {
    // The customer's average CSAT over answered surveys: low < 2.5 ≤ neutral < 3.5 ≤ high; none without answers.
    const answered = context.db
      .selectFrom('surveys as s')
      .select(['s.customer_id', sql<number>`avg(s.csat)`.as('average')])
      .where('s.deleted_at', 'is', null)
      .where('s.csat', 'is not', null)
      .groupBy('s.customer_id')
      .as('answered');
    const key = sql`case when answered.average is null then 'none' when answered.average < 2.5 then 'low' when answered.average < 3.5 then 'neutral' else 'high' end`;
    const rows = await grouped(context, key, (query) => query.leftJoin(answered, 'answered.customer_id', 'c.id'));
    const labels: Record<string, [string, string]> = { high: ['满意(≥3.5)', 'Satisfied (≥3.5)'], neutral: ['一般', 'Neutral'], low: ['不满意(<2.5)', 'Dissatisfied (<2.5)'], none: ['无回访答复', 'No answers'] };
    return Object.entries(labels).map(([name, label]) => ({ key: name, label: label[context.language === 'zh' ? 0 : 1], count: rows.find((row) => row.key === name)?.count ?? 0, drill: null }));
  },
  async value(context) {
    // Value tiers come from the computed profiles (RFM over premiums, tenure and policy count; docs/profiles.md).
    const rows = await grouped(context, sql`coalesce(p.value_tier, ${sql.lit(unknownKey)})`, (query) => query.leftJoin('customer_profiles as p', 'p.customer_id', 'c.id'));
    const known: Record<string, [string, string]> = { platinum: ['白金', 'Platinum'], gold: ['黄金', 'Gold'], silver: ['白银', 'Silver'], bronze: ['青铜', 'Bronze'], prospect: ['潜在客户（无保单）', 'Prospect (no policy)'], [unknownKey]: ['未计算画像', 'Profile not computed'] };
    const rank = (key: string) => { const index = Object.keys(known).indexOf(key); return index < 0 ? Object.keys(known).length - 1.5 : index; };
    return rows
      .map((row) => ({ key: row.key ?? unknownKey, label: known[row.key ?? unknownKey]?.[context.language === 'zh' ? 0 : 1] ?? String(row.key), count: row.count, drill: null }))
      .sort((a, b) => rank(a.key) - rank(b.key));
  },
  async gaps(context) {
    // Coverage gaps from the profiles: customers are counted once per gap they have (a customer may have several).
    const rows = await grouped(context, sql`coalesce(p.gap_codes, ${sql.lit('?')})`, (query) => query.leftJoin('customer_profiles as p', 'p.customer_id', 'c.id'));
    const counts = new Map<string, number>();
    for (const row of rows) {
      const codes = row.key === '?' ? [unknownKey] : String(row.key ?? '').split(',').filter(Boolean);
      for (const code of codes.length ? codes : ['none']) counts.set(code, (counts.get(code) ?? 0) + row.count);
    }
    const zh = context.language === 'zh';
    const typeLabel = (type: string) => insuranceTypes.find((option) => option.value === type)?.label[context.language] ?? type;
    const label = (code: string) =>
      code === 'no_medical' ? (zh ? '无医疗保障' : 'No medical cover')
      : code === 'parent_no_life' ? (zh ? '有未成年子女但无寿险' : 'Parent without life cover')
      : code === 'accident_below_income' ? (zh ? '意外险保额低于收入倍数' : 'Accident cover below income multiple')
      : code.startsWith('missing_') ? (zh ? `缺少${typeLabel(code.slice(8))}` : `No ${typeLabel(code.slice(8))}`)
      : code === 'none' ? (zh ? '无保障缺口' : 'No gap')
      : code === unknownKey ? (zh ? '未计算画像' : 'Profile not computed')
      : code;
    const last = new Set(['none', unknownKey]);
    return [...counts]
      .map(([code, count]) => ({ key: code, label: label(code), count, drill: null }))
      .sort((a, b) => Number(last.has(a.key)) - Number(last.has(b.key)) || b.count - a.count);
  },
};

export const analysisDimensionKeys = ['age', 'region', 'occupation', 'intent', 'satisfaction', 'value', 'gaps'] as const;
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const analysisQuery = z.strictObject({
  dimension: z.enum(analysisDimensionKeys),
  from: date.optional(),
  to: date.optional(),
  orgId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  productType: z.enum(insuranceTypes.map((option) => option.value) as [string, ...string[]]).optional(),
});

export function registerAnalysisRoutes(app: FastifyInstance, services: Services): void {
  const db = services.database.reports as unknown as Kysely<any>;

  app.get('/api/customer-analysis', { schema: { tags: ['customerAnalysis'], summary: 'Distribution of the customers in scope by age, region, occupation, purchase intent or satisfaction, with the customer-list filter of each item' } }, async (request) => {
    const actor = requirePermission(request, 'customerAnalysis:view');
    const input = parseInput(analysisQuery, request.query);
    const provider = analysisProviders[input.dimension];
    if (!provider) throw new AppError('VALIDATION', {}, { dimension: { reason: 'requires_profiles' } });
    if (input.from && input.to && input.to < input.from) throw new AppError('VALIDATION', {}, { to: { reason: 'end_before_start' } });
    const filters: AnalysisFilters = {
      orgPath: input.orgId ? await orgPathInScope(db, actor, input.orgId) : null,
      from: input.from ?? null,
      to: input.to ?? null,
      productType: input.productType ?? null,
    };
    const customer = getEntity('customer');
    const scoped = (query: any) => {
      let result = query.where('c.deleted_at', 'is', null).where(scopePredicate(customer, actor, 'c'));
      if (filters.orgPath) result = result.where('c.org_id', 'in', (eb: any) => eb.selectFrom('organisations as slice_org').select('slice_org.id').where('slice_org.path', 'like', `${filters.orgPath}%`));
      if (filters.from) result = result.where('c.created_at', '>=', `${filters.from}T00:00:00.000Z`);
      if (filters.to) result = result.where('c.created_at', '<=', `${filters.to}T23:59:59.999Z`);
      if (filters.productType) {
        result = result.where((eb: any) =>
          eb.exists(eb.selectFrom('policies as hp').select('hp.id').whereRef('hp.applicant_id', '=', 'c.id').where('hp.deleted_at', 'is', null).where('hp.status', '<>', 'cancelled').where('hp.insurance_type', '=', filters.productType)),
        );
      }
      return result;
    };
    const language = localeFrom(request.headers['accept-language'], actor.locale) === 'en-US' ? 'en' : 'zh';
    const items = await provider({ db, actor, today: services.clock.now().toISOString().slice(0, 10), language, filters, scoped });
    // The customer list has no filter for the creation period, the product type held or an organisation
    // subtree: with any of those set the items have no drill-down filter.
    const drillable = !filters.productType && !filters.from && !filters.to && !filters.orgPath;
    return {
      dimension: input.dimension,
      filters: { ...filters, orgId: input.orgId ?? null },
      total: items.reduce((sum, item) => sum + item.count, 0),
      items: items.map((item) => ({ ...item, drill: drillable ? item.drill : null })),
    };
  });
}

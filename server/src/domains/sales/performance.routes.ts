import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isValidIsoDate } from '@insure/model/validators';
import type { Services } from '../../entities/context.ts';
import { AppError } from '../../platform/errors.ts';
import { parseInput, requirePermission } from '../../platform/http.ts';
import { type GroupedRow, closeRate, groupedFigures } from './figures.ts';
import { bucketOf, bucketsBetween } from './periods.ts';

const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const rankingQuery = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  groupBy: z.enum(['salesperson', 'org']).default('salesperson'),
  /** groupBy=org: rank this organisation's direct children (default: the actor's organisation). */
  orgId: id.optional(),
  sort: z.enum(['premium', 'policyCount', 'newCustomers', 'closeRate']).default('premium'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const trendQuery = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  granularity: z.enum(['month', 'quarter', 'year']).default('month'),
  salespersonId: id.optional(),
  orgId: id.optional(),
});

function checkRange(from: string, to: string) {
  if (to < from) throw new AppError('VALIDATION', {}, { to: { reason: 'end_before_start' } });
}

const present = (row: Omit<GroupedRow, 'key' | 'month'>) => ({
  premium: row.premium / 100,
  policyCount: row.policyCount,
  newCustomers: row.newCustomers,
  won: row.won,
  lost: row.lost,
  closeRate: closeRate(row.won, row.lost),
});
const add = (into: Omit<GroupedRow, 'key' | 'month'>, row: Omit<GroupedRow, 'key' | 'month'>) => {
  into.premium += row.premium;
  into.policyCount += row.policyCount;
  into.newCustomers += row.newCustomers;
  into.won += row.won;
  into.lost += row.lost;
};
const zero = () => ({ premium: 0, policyCount: 0, newCustomers: 0, won: 0, lost: 0 });

/** Sales performance (SPEC §2.16): computed from policies, opportunities and customers in the actor's scope. */
export function registerPerformanceRoutes(app: FastifyInstance, services: Services): void {
  const { db, dialect } = services.database;

  async function orgPathOf(orgId: number): Promise<string> {
    const org = await db.selectFrom('organisations').select('path').where('id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!org) throw new AppError('VALIDATION', {}, { orgId: { reason: 'reference_unavailable' } });
    return String(org.path);
  }

  app.get('/api/sales-performance/ranking', { schema: { tags: ['salesPerformance'], summary: 'Amount, count, close rate and new customers per salesperson or organisation, ranked' } }, async (request) => {
    const actor = requirePermission(request, 'salesPerformance:view');
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31`, groupBy, orgId, sort, limit } = parseInput(rankingQuery, request.query);
    checkRange(from, to);
    let items: { id: number; name: string }[] = [];
    const totals = new Map<number, Omit<GroupedRow, 'key' | 'month'>>();
    if (groupBy === 'salesperson') {
      const rows = await groupedFigures(db, dialect, actor, 'salesperson', { orgPath: orgId ? await orgPathOf(orgId) : null }, from, to, false);
      for (const row of rows) totals.set(row.key, row);
      const ids = [...totals.keys()];
      const names = ids.length ? await db.selectFrom('salespeople').select(['id', 'name']).where('id', 'in', ids).execute() : [];
      items = names.map((row) => ({ id: Number(row.id), name: String(row.name) }));
    } else {
      // Each child organisation's subtree, rolled up from figures grouped by the records' own organisation.
      const parentId = orgId ?? actor.orgId;
      const children = await db.selectFrom('organisations').select(['id', 'name', 'path']).where('parent_id', '=', parentId).where('deleted_at', 'is', null).execute();
      const rows = await groupedFigures(db, dialect, actor, 'org', { orgPath: await orgPathOf(parentId) }, from, to, false);
      const paths = rows.length ? await db.selectFrom('organisations').select(['id', 'path']).where('id', 'in', [...new Set(rows.map((row) => row.key))]).execute() : [];
      const pathOf = new Map(paths.map((row) => [Number(row.id), String(row.path)]));
      for (const childOrg of children) totals.set(Number(childOrg.id), zero());
      for (const row of rows) {
        const owner = children.find((childOrg) => (pathOf.get(row.key) ?? '').startsWith(String(childOrg.path)));
        if (owner) add(totals.get(Number(owner.id))!, row);
      }
      items = children.map((row) => ({ id: Number(row.id), name: String(row.name) }));
    }
    const ranked = items
      .map((item) => ({ ...item, ...present(totals.get(item.id) ?? zero()) }))
      .sort((a, b) => (b[sort] ?? -1) - (a[sort] ?? -1) || b.premium - a.premium || a.id - b.id)
      .slice(0, limit)
      .map((item, index) => ({ rank: index + 1, ...item }));
    const overall = zero();
    for (const row of totals.values()) add(overall, row);
    return { from, to, groupBy, sort, items: ranked, total: present(overall) };
  });

  app.get('/api/sales-performance/trend', { schema: { tags: ['salesPerformance'], summary: 'Month, quarter or year trend of the sales figures for a salesperson, an organisation subtree or the whole scope' } }, async (request) => {
    const actor = requirePermission(request, 'salesPerformance:view');
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31`, granularity, salespersonId, orgId } = parseInput(trendQuery, request.query);
    checkRange(from, to);
    const rows = await groupedFigures(db, dialect, actor, 'org', { salespersonId: salespersonId ?? null, orgPath: orgId ? await orgPathOf(orgId) : null }, from, to, true);
    const buckets = new Map(bucketsBetween(from, to, granularity).map((bucket) => [bucket, zero()]));
    for (const row of rows) {
      const bucket = buckets.get(bucketOf(`${row.month}-01`, granularity));
      if (bucket) add(bucket, row);
    }
    return { from, to, granularity, items: [...buckets.entries()].map(([period, figures]) => ({ period, ...present(figures) })) };
  });
}

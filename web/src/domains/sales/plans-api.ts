import { z } from 'zod';
import { api } from '../../app/api-client.ts';

const metricSchema = z.looseObject({
  achieved: z.number(),
  target: z.number().nullable(),
  stretch: z.number().nullable(),
  challenge: z.number().nullable(),
  percent: z.number().nullable(),
  expected: z.number().nullable(),
  behind: z.boolean(),
  levelReached: z.string().nullable(),
});
export type MetricProgress = z.infer<typeof metricSchema>;

export interface PlanNode {
  id: number;
  code: string;
  name: string;
  periodType: string;
  periodStart: string;
  periodEnd: string;
  orgId: number;
  orgName: string | null;
  salespersonId: number | null;
  salespersonName: string | null;
  ownerNotes: string | null;
  version: number;
  elapsedPercent: number;
  behind: boolean;
  figures: { premium: number; policyCount: number; newCustomers: number; pendingSignings: number; pendingSigningAmount: number };
  progress: { premium: MetricProgress; policyCount: MetricProgress; newCustomer: MetricProgress };
  sums: Record<string, number | null> | null;
  mismatches: string[];
  children: PlanNode[];
}
const planNodeSchema: z.ZodType<PlanNode> = z.lazy(() =>
  z.looseObject({
    id: z.number(),
    code: z.string(),
    name: z.string(),
    periodType: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    orgId: z.number(),
    orgName: z.string().nullable(),
    salespersonId: z.number().nullable(),
    salespersonName: z.string().nullable(),
    ownerNotes: z.string().nullable().catch(null),
    version: z.number(),
    elapsedPercent: z.number(),
    behind: z.boolean(),
    figures: z.looseObject({ premium: z.number(), policyCount: z.number(), newCustomers: z.number(), pendingSignings: z.number(), pendingSigningAmount: z.number() }),
    progress: z.looseObject({ premium: metricSchema, policyCount: metricSchema, newCustomer: metricSchema }),
    sums: z.record(z.string(), z.number().nullable()).nullable(),
    mismatches: z.array(z.string()),
    children: z.array(planNodeSchema),
  }),
) as z.ZodType<PlanNode>;
const treeSchema = z.looseObject({ from: z.string(), to: z.string(), items: z.array(planNodeSchema) });

const figuresSchema = z.looseObject({ premium: z.number(), policyCount: z.number(), newCustomers: z.number(), won: z.number(), lost: z.number(), closeRate: z.number().nullable() });
export type SalesFigures = z.infer<typeof figuresSchema>;
const rankingSchema = z.looseObject({ items: z.array(figuresSchema.extend({ rank: z.number(), id: z.number(), name: z.string() })), total: figuresSchema });
export type RankingRow = z.infer<typeof rankingSchema>['items'][number];
const trendSchema = z.looseObject({ items: z.array(figuresSchema.extend({ period: z.string() })) });

const runSchema = z.looseObject({ period: z.string(), status: z.string(), runCount: z.number(), lastRunAt: z.string().nullable(), lastRunBy: z.string().nullable(), approvedAt: z.string().nullable(), approvedBy: z.string().nullable() });
export type IncentiveRun = z.infer<typeof runSchema>;
const runsSchema = z.looseObject({ items: z.array(runSchema) });
const statementsSchema = z.looseObject({
  period: z.string(),
  status: z.string().nullable(),
  items: z.array(z.looseObject({ salespersonId: z.number(), salespersonName: z.unknown(), orgId: z.number(), total: z.number(), lines: z.number(), byKind: z.record(z.string(), z.number()) })),
});
export type StatementTotal = z.infer<typeof statementsSchema>['items'][number];
const lineSchema = z.looseObject({
  id: z.number(),
  kind: z.string(),
  policyId: z.number().nullable(),
  ruleId: z.number().nullable(),
  ruleName: z.unknown(),
  ruleVersion: z.number().nullable(),
  base: z.number(),
  ratePercent: z.number().nullable(),
  amount: z.number(),
  sourcePeriod: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type StatementLine = z.infer<typeof lineSchema>;
const statementSchema = z.looseObject({
  period: z.string(),
  status: z.string().nullable(),
  approvedAt: z.string().nullable(),
  salesperson: z.looseObject({ id: z.number(), name: z.unknown(), orgId: z.number() }),
  total: z.number(),
  items: z.array(lineSchema),
});
export type Statement = z.infer<typeof statementSchema>;
const runResultSchema = z.looseObject({ period: z.string() });

const query = (values: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string | number] => entry[1] !== undefined).map(([key, value]) => [key, String(value)])).toString();

export const salesApi = {
  planTree: (from: string, to: string, signal?: AbortSignal) => api.get(treeSchema, `/api/sales-plans/tree?${query({ from, to })}`, signal),
  split: (id: number, children: Record<string, unknown>[]) => api.post(z.looseObject({ items: z.array(z.looseObject({ id: z.number() })) }), `/api/sales-plans/${id}/split`, { children }),
  saveNotes: (id: number, ownerNotes: string | null) => api.post(z.looseObject({ id: z.number() }), `/api/sales-plans/${id}/notes`, { ownerNotes }),
  ranking: (params: { from: string; to: string; groupBy: 'salesperson' | 'org'; sort: string }, signal?: AbortSignal) => api.get(rankingSchema, `/api/sales-performance/ranking?${query(params)}`, signal),
  trend: (params: { from: string; to: string; granularity: string; salespersonId?: number; orgId?: number }, signal?: AbortSignal) => api.get(trendSchema, `/api/sales-performance/trend?${query(params)}`, signal),
  runs: (signal?: AbortSignal) => api.get(runsSchema, '/api/incentives/runs', signal),
  run: (period: string) => api.post(runResultSchema, '/api/incentives/runs', { period }),
  approve: (period: string) => api.post(runResultSchema, `/api/incentives/runs/${period}/approve`),
  statements: (period: string, signal?: AbortSignal) => api.get(statementsSchema, `/api/incentives/statements?${query({ period })}`, signal),
  statement: (period: string, salespersonId: number, signal?: AbortSignal) => api.get(statementSchema, `/api/incentives/statements/${period}/${salespersonId}`, signal),
};

export const salesKeys = {
  all: ['sales'] as const,
  planTree: (from: string, to: string) => ['sales', 'plan-tree', from, to] as const,
  ranking: (params: Record<string, unknown>) => ['sales', 'ranking', params] as const,
  trend: (params: Record<string, unknown>) => ['sales', 'trend', params] as const,
  runs: () => ['sales', 'runs'] as const,
  statements: (period: string) => ['sales', 'statements', period] as const,
  statement: (period: string, salespersonId: number) => ['sales', 'statement', period, salespersonId] as const,
};

/** Yuan with two decimals, grouped (amounts arrive in yuan). */
export const formatYuan = (value: number, locale: string) => new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);

const targetFields = ['premiumTarget', 'premiumStretch', 'premiumChallenge', 'policyCountTarget', 'policyCountStretch', 'policyCountChallenge', 'newCustomerTarget', 'newCustomerStretch', 'newCustomerChallenge'] as const;

/**
 * Child plans splitting a plan evenly over its quarters or months (same organisation and salesperson);
 * amounts in fen and counts are divided whole, the remainder going to the last child so the sums match.
 */
export function evenTimeSplit(plan: PlanNode & Record<string, unknown>, into: 'quarter' | 'month'): Record<string, unknown>[] {
  const pieces: { start: string; end: string }[] = [];
  let cursor = new Date(`${plan.periodStart}T00:00:00Z`);
  const step = into === 'quarter' ? 3 : 1;
  while (cursor.toISOString().slice(0, 10) <= plan.periodEnd) {
    const next = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + step, 1));
    const last = new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10);
    pieces.push({ start: cursor.toISOString().slice(0, 10), end: last > plan.periodEnd ? plan.periodEnd : last });
    cursor = next;
  }
  return pieces.map((piece, index) => {
    const child: Record<string, unknown> = { name: `${plan.name} ${piece.start.slice(0, 7)}`, periodType: into, periodStart: piece.start, periodEnd: piece.end, orgId: plan.orgId, salespersonId: plan.salespersonId };
    for (const field of targetFields) {
      const total = plan[field] as number | null | undefined;
      if (total === null || total === undefined) continue;
      const money = field.startsWith('premium');
      const units = money ? Math.round(total * 100) : total;
      const share = Math.floor(units / pieces.length);
      const value = index === pieces.length - 1 ? units - share * (pieces.length - 1) : share;
      child[field] = money ? value / 100 : value;
    }
    return child;
  });
}

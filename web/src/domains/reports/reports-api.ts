import { z } from 'zod';
import { api } from '../../app/api-client.ts';

export const reportTypeKeys = ['sales', 'sumInsured', 'productPurchase', 'policyStatus', 'claims', 'settlement', 'salespersonPerformance', 'satisfaction'] as const;
export type ReportType = (typeof reportTypeKeys)[number];
export const dimensionKeys = ['period', 'productType', 'region', 'org', 'salesperson'] as const;
export type Dimension = (typeof dimensionKeys)[number];
export type Granularity = 'month' | 'quarter' | 'year';

/** Dimensions a report has no data for (payouts carry no product or customer; performance mixes sources). */
export const unsupported: Partial<Record<ReportType, Dimension[]>> = {
  settlement: ['productType', 'region'],
  salespersonPerformance: ['productType', 'region'],
};

const values = z.record(z.string(), z.number().nullable());
const reportSchema = z.looseObject({
  type: z.string(),
  dimension: z.string(),
  granularity: z.string(),
  from: z.string(),
  to: z.string(),
  measures: z.array(z.looseObject({ key: z.string(), kind: z.enum(['money', 'count', 'ratio', 'score']) })),
  primary: z.string(),
  rows: z.array(z.looseObject({ key: z.union([z.string(), z.number(), z.null()]), label: z.string(), values })),
  trend: z.array(z.looseObject({ period: z.string(), values })),
  totals: values,
});
export type Report = z.infer<typeof reportSchema>;

export interface ReportParams {
  dimension: Dimension;
  granularity: Granularity;
  from: string;
  to: string;
  orgId?: number;
  productType?: string;
}

const analysisSchema = z.looseObject({
  dimension: z.string(),
  total: z.number(),
  items: z.array(z.looseObject({ key: z.string(), label: z.string(), count: z.number(), drill: z.record(z.string(), z.unknown()).nullable() })),
});
export type Analysis = z.infer<typeof analysisSchema>;
export const analysisDimensionKeys = ['age', 'region', 'occupation', 'intent', 'satisfaction', 'value', 'gaps'] as const;
export type AnalysisDimension = (typeof analysisDimensionKeys)[number];
/** Dimensions computed from customer profiles (not built yet): shown disabled. */

export interface AnalysisParams {
  dimension: AnalysisDimension;
  from?: string;
  to?: string;
  orgId?: number;
  productType?: string;
}

const item = z.looseObject({ id: z.number(), date: z.string().nullable().optional(), customerId: z.number().nullable().optional(), customerName: z.string().nullable().optional() });
const progress = z.looseObject({ achieved: z.number(), target: z.number().nullable(), percent: z.number().nullable() });
const workbenchSchema = z.looseObject({
  today: z.string(),
  team: z.boolean(),
  followUps: z.looseObject({ count: z.number(), overdue: z.number(), items: z.array(item.extend({ subject: z.string() })) }).nullable(),
  renewals: z.looseObject({ count: z.number(), items: z.array(item.extend({ policyNo: z.string() })) }).nullable(),
  claims: z.looseObject({ count: z.number(), team: z.number(), items: z.array(item.extend({ title: z.string(), status: z.string() })) }).nullable(),
  tickets: z.looseObject({ count: z.number(), team: z.number(), items: z.array(item.extend({ title: z.string(), status: z.string() })) }).nullable(),
  plan: z.looseObject({ id: z.number(), name: z.string(), periodStart: z.string(), periodEnd: z.string(), premium: progress, policyCount: progress, newCustomers: progress }).nullable(),
  ranking: z
    .looseObject({
      month: z.string(),
      ranked: z.number(),
      mine: z.looseObject({ rank: z.number(), premium: z.number(), policyCount: z.number() }).nullable(),
      top: z.array(z.looseObject({ rank: z.number(), salespersonId: z.number(), name: z.string(), premium: z.number(), policyCount: z.number() })),
    })
    .nullable(),
  recent: z.array(z.looseObject({ id: z.number(), at: z.string(), module: z.string(), recordId: z.number().nullable(), action: z.string() })),
});
export type Workbench = z.infer<typeof workbenchSchema>;

export const query = (params: object) =>
  new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '').map(([key, value]) => [key, String(value)])).toString();

export const reportsApi = {
  report: (type: ReportType, params: ReportParams, signal?: AbortSignal) => api.get(reportSchema, `/api/reports/${type}?${query(params)}`, signal),
  exportUrl: (type: ReportType, params: ReportParams) => `/api/reports/${type}/export?${query(params)}`,
  analysis: (params: AnalysisParams, signal?: AbortSignal) => api.get(analysisSchema, `/api/customer-analysis?${query(params)}`, signal),
  workbench: (signal?: AbortSignal) => api.get(workbenchSchema, '/api/workbench', signal),
};

export const reportKeys = {
  report: (type: ReportType, params: ReportParams) => ['reports', type, params] as const,
  analysis: (params: AnalysisParams) => ['customer-analysis', params] as const,
  workbench: ['workbench'] as const,
};

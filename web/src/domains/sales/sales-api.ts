import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { rowSchema } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

export const opportunityEntity = getEntity('opportunity');
export const customerEntity = getEntity('customer');
export const competitorEntity = getEntity('competitor');
export const signingEntity = getEntity('signing');

const rate = z.number().nullable().catch(null);
const money = z.number().catch(0);
const outcomeSchema = z.looseObject({
  count: z.number().catch(0),
  open: z.number().catch(0),
  won: z.number().catch(0),
  lost: z.number().catch(0),
  winRate: rate,
  wonAmount: money,
  lostAmount: money,
  openAmount: money,
  weightedAmount: money,
});
export type OutcomeFigures = z.infer<typeof outcomeSchema>;

const boardSchema = z.looseObject({
  columns: z.array(
    z.looseObject({
      stage: z.string(),
      probability: z.number(),
      active: z.boolean(),
      closed: z.boolean(),
      count: z.number(),
      amount: money,
      weightedAmount: money,
      items: z.array(rowSchema),
    }),
  ),
});
export type Board = z.infer<typeof boardSchema>;
export type BoardColumn = Board['columns'][number];

const signingPrefillSchema = z.looseObject({
  customerId: z.number(),
  productId: z.number().nullable(),
  insuranceType: z.string().nullable(),
  amount: z.number().nullable(),
  salespersonId: z.number().nullable(),
  orgId: z.number(),
  signingDate: z.string(),
  startDate: z.string(),
  remarks: z.string(),
});
export type SigningPrefill = z.infer<typeof signingPrefillSchema>;
const moveResultSchema = z.looseObject({ opportunity: rowSchema, signingPrefill: signingPrefillSchema.nullable() });

const statisticsSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  total: outcomeSchema,
  byStage: z.array(z.looseObject({ stage: z.string(), probability: z.number(), count: z.number(), amount: money, weightedAmount: money })),
  funnel: z.array(z.looseObject({ stage: z.string(), reached: z.number(), conversionToNext: rate, shareOfAll: rate })),
  bySource: z.array(outcomeSchema.extend({ source: z.string().nullable() })),
  byOwner: z.array(outcomeSchema.extend({ ownerId: z.number().nullable(), ownerName: z.string().nullable() })),
  byMonth: z.array(outcomeSchema.extend({ month: z.string() })),
  forecast: z.looseObject({
    count: z.number(),
    amount: money,
    weightedAmount: money,
    byMonth: z.array(z.looseObject({ month: z.string().nullable(), count: z.number(), amount: money, weightedAmount: money })),
  }),
});
export type PipelineStatistics = z.infer<typeof statisticsSchema>;

const poolSchema = z.looseObject({
  items: z.array(
    rowSchema.extend({
      pool: z
        .looseObject({ action: z.string(), at: z.string(), reason: z.string().nullable(), previousOwnerId: z.number().nullable(), previousOwnerName: z.string().nullable() })
        .nullable()
        .catch(null),
    }),
  ),
  total: z.number(),
  claimLimit: z.number().nullable(),
  claimedToday: z.number().nullable(),
});
export type PoolPage = z.infer<typeof poolSchema>;

const reasonCount = z.looseObject({ reason: z.string().nullable(), count: z.number() });
const competitorReportSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.looseObject({
      competitorId: z.number(),
      name: z.string(),
      type: z.string().nullable(),
      decided: z.number(),
      won: z.number(),
      lost: z.number(),
      winRate: rate,
      wonAmount: money,
      lostAmount: money,
      lossReasons: z.array(reasonCount),
      winReasons: z.array(reasonCount),
      comparisons: z.number(),
      comparedProducts: z.number(),
    }),
  ),
});
export type CompetitorReport = z.infer<typeof competitorReportSchema>;

export interface MoveInput {
  stage: string;
  version?: number;
  lostReason?: string;
  outcomeReason?: string | null;
  competitorId?: number | null;
}

const period = (from?: string, to?: string) => new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();

export const salesApi = {
  board: (signal?: AbortSignal): Promise<Board> => api.get(boardSchema, '/api/opportunities/board', signal),
  move: (id: number, input: MoveInput) => api.post(moveResultSchema, `/api/opportunities/${id}/move`, input),
  statistics: (from?: string, to?: string, signal?: AbortSignal): Promise<PipelineStatistics> => api.get(statisticsSchema, `/api/opportunities/statistics?${period(from, to)}`, signal),
  pool: (page: number, pageSize: number, q: string, signal?: AbortSignal): Promise<PoolPage> =>
    api.get(poolSchema, `/api/customers/pool?${new URLSearchParams({ page: String(page), pageSize: String(pageSize), ...(q ? { q } : {}) }).toString()}`, signal),
  claim: (id: number) => api.post(rowSchema, `/api/customers/${id}/claim`),
  competitorReport: (from?: string, to?: string, signal?: AbortSignal): Promise<CompetitorReport> => api.get(competitorReportSchema, `/api/competitors/report?${period(from, to)}`, signal),
};

/** Under the entities' own keys, so any opportunity or customer change refreshes these views. */
export const salesKeys = {
  board: () => entityQueryKey(opportunityEntity, 'board'),
  statistics: (from?: string, to?: string) => entityQueryKey(opportunityEntity, 'statistics', from ?? '', to ?? ''),
  pool: (page: number, pageSize: number, q: string) => entityQueryKey(customerEntity, 'pool', page, pageSize, q),
  competitorReport: (from?: string, to?: string) => entityQueryKey(opportunityEntity, 'competitor-report', from ?? '', to ?? ''),
};

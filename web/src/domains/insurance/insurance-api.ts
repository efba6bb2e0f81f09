import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { rowSchema, type EntityRow } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

export const policyEntity = getEntity('policy');
export const claimEntity = getEntity('claim');

const figuresSchema = z.looseObject({
  count: z.number().catch(0),
  requested: z.number().catch(0),
  approved: z.number().catch(0),
  paid: z.number().catch(0),
});
export type ClaimFigures = z.infer<typeof figuresSchema>;
const claimSummarySchema = figuresSchema.extend({ byStatus: z.record(z.string(), figuresSchema).catch({}) });
export type ClaimSummary = z.infer<typeof claimSummarySchema>;

const renewalsSchema = z.looseObject({ items: z.array(rowSchema), total: z.number() });
export type RenewalDays = 30 | 60 | 90;

export interface RenewInput {
  startDate?: string;
  endDate?: string;
  premium?: number;
  sumInsured?: number;
}

export const insuranceApi = {
  claimSummary: (id: number, signal?: AbortSignal): Promise<ClaimSummary> => api.get(claimSummarySchema, `/api/policies/${id}/claim-summary`, signal),
  renewals: (days: RenewalDays, page: number, pageSize: number, signal?: AbortSignal) =>
    api.get(renewalsSchema, `/api/policies/renewals?days=${days}&page=${page}&pageSize=${pageSize}`, signal),
  renew: (id: number, input: RenewInput): Promise<EntityRow> => api.post(rowSchema, `/api/policies/${id}/renew`, input),
};

/** Cache keys live under the policy entity's, so any policy or claim change refreshes them. */
export const insuranceKeys = {
  claimSummary: (id: number) => entityQueryKey(policyEntity, 'claim-summary', id),
  renewals: (days: RenewalDays, page: number, pageSize: number) => entityQueryKey(policyEntity, 'renewals', days, page, pageSize),
};

import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

export const customerEntity = getEntity('customer');

const money = z.number().nullable().catch(0).transform((value) => value ?? 0);
const summarySchema = z.looseObject({
  policyCount: z.number().catch(0),
  inForceCount: z.number().catch(0),
  totalPremium: money,
  totalSumInsured: money,
  byInsuranceType: z
    .array(z.looseObject({ insuranceType: z.string().nullable(), count: z.number().catch(0), premium: money, sumInsured: money }))
    .catch([]),
  claimCount: z.number().catch(0),
  claimRequested: money,
  claimPaid: money,
  openTickets: z.number().catch(0),
  lastInteractionAt: z.string().nullable().optional(),
});
export type CustomerSummary = z.infer<typeof summarySchema>;

export const customerApi = {
  summary: (id: number, signal?: AbortSignal): Promise<CustomerSummary> => api.get(summarySchema, `/api/customers/${id}/summary`, signal),
};

/** Under the customer entity's key: any customer change refreshes it (policy and claim moves refresh all entities). */
export const summaryKey = (id: number) => entityQueryKey(customerEntity, 'summary', id);

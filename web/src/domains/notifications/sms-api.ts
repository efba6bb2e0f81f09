import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

export const smsMessageEntity = getEntity('smsMessage');

const ruleSchema = z.looseObject({
  kind: z.string(),
  enabled: z.boolean(),
  available: z.boolean(),
  settings: z.looseObject({ daysBefore: z.array(z.number()).optional() }),
});
export type SmsRule = z.infer<typeof ruleSchema>;
const rulesSchema = z.looseObject({ items: z.array(ruleSchema), variables: z.array(z.string()).optional() });

const statsSchema = z.looseObject({
  byStatus: z.record(z.string(), z.number()),
  byKind: z.record(z.string(), z.record(z.string(), z.number())),
  deliveryRate: z.number().nullable(),
  billedSegments: z.number(),
  costCents: z.number(),
});
export type SmsStats = z.infer<typeof statsSchema>;

const person = z.looseObject({ customerId: z.number(), name: z.string() });
const audienceSchema = z.looseObject({
  recipients: z.array(person),
  excluded: z.array(person.extend({ reason: z.string() })),
  recipientCount: z.number(),
  segmentsEach: z.number(),
  costCents: z.number(),
  sample: z.string(),
});
export type SmsAudience = z.infer<typeof audienceSchema>;
const sendSchema = z.looseObject({ queued: z.number(), costCents: z.number() });

const previewSchema = z.looseObject({ contentZh: z.string(), contentEn: z.string().nullable(), segments: z.number(), providerTemplateId: z.string().nullable(), unresolved: z.array(z.string()) });
export type SmsPreview = z.infer<typeof previewSchema>;

const optOutsSchema = z.looseObject({
  optedOut: z.boolean(),
  items: z.array(z.looseObject({ id: z.number(), optedOut: z.boolean(), source: z.string(), note: z.string().nullable(), at: z.string() })),
});

export interface AudienceInput {
  templateId: number;
  customerIds?: number[];
  groupId?: number;
  /** A saved segment's members (in the caller's scope). */
  segmentId?: number;
}

export const smsApi = {
  rules: (signal?: AbortSignal) => api.get(rulesSchema, '/api/sms/rules', signal),
  saveRule: (kind: string, body: { enabled: boolean; daysBefore?: number[] }) => api.send('PUT', `/api/sms/rules/${kind}`, body),
  stats: (signal?: AbortSignal) => api.get(statsSchema, '/api/sms/stats', signal),
  previewAudience: (input: AudienceInput) => api.post(audienceSchema, '/api/sms/manual/preview', input),
  send: (input: AudienceInput) => api.post(sendSchema, '/api/sms/manual/send', input),
  previewTemplate: (templateId: number, record: { customerId?: number; policyId?: number; claimId?: number; qualificationId?: number }) => api.post(previewSchema, `/api/sms/templates/${templateId}/preview`, record),
  optOuts: (customerId: number, signal?: AbortSignal) => api.get(optOutsSchema, `/api/sms/opt-outs/${customerId}`, signal),
  setOptOut: (customerId: number, optedOut: boolean, source: string, note?: string) => api.send('POST', '/api/sms/opt-outs', { customerId, optedOut, source, note }),
};

/** Under the message entity's keys, so list changes refresh the figures. */
export const smsKeys = {
  rules: () => entityQueryKey(smsMessageEntity, 'sms-rules'),
  stats: () => entityQueryKey(smsMessageEntity, 'sms-stats'),
  optOuts: (customerId: number) => entityQueryKey(smsMessageEntity, 'opt-outs', customerId),
};

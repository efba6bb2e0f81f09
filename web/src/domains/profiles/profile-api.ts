import { z } from 'zod';
import { api, requestParsed } from '../../app/api-client.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { customerEntity } from '../customers/customer-api.ts';

const why = z.looseObject({ rule: z.string(), data: z.record(z.string(), z.unknown()).catch({}) });
export type Why = z.infer<typeof why>;

const profileSchema = z.looseObject({
  customerId: z.number(),
  computedAt: z.string().nullable().catch(null),
  values: z.record(z.string(), z.unknown()),
  why: z.record(z.string(), why).catch({}),
  holdings: z.record(z.string(), z.looseObject({ own: z.number(), external: z.number(), sumInsured: z.number() })).catch({}),
  gaps: z.array(z.looseObject({ code: z.string(), insuranceType: z.string(), why })).catch([]),
  risk: z.array(z.looseObject({ signal: z.string(), points: z.number(), data: z.record(z.string(), z.unknown()).catch({}) })).catch([]),
  tags: z
    .array(z.looseObject({ tagId: z.number(), name: z.string(), color: z.string().nullable().catch(null), source: z.string(), since: z.string(), reason: z.unknown() }))
    .catch([]),
});
export type CustomerProfile = z.infer<typeof profileSchema>;

const fieldsSchema = z.looseObject({
  fields: z.array(
    z.looseObject({
      field: z.string(),
      /** profile, customer, tag, group or custom */
      group: z.string().catch('profile'),
      kind: z.string(),
      operators: z.array(z.string()),
      /** Custom fields carry their admin-defined label and (selects) options. */
      label: z.looseObject({ zh: z.string(), en: z.string() }).optional(),
      options: z.array(z.string()).optional(),
    }),
  ),
});
export type ConditionField = z.infer<typeof fieldsSchema>['fields'][number];

const previewSchema = z.looseObject({
  count: z.number(),
  items: z.array(
    z.looseObject({
      id: z.number(),
      code: z.string().nullable().catch(null),
      name: z.string().nullable().catch(null),
      province: z.string().nullable().catch(null),
      age: z.number().nullable().catch(null),
      valueTier: z.string().nullable().catch(null),
      lifeStage: z.string().nullable().catch(null),
      lapseRisk: z.number().nullable().catch(null),
      gapCodes: z.array(z.string()).catch([]),
    }),
  ),
});
export type SegmentPreview = z.infer<typeof previewSchema>;

export interface Condition {
  field: string;
  op: string;
  value?: string | number | (string | number)[] | null;
}
export interface ConditionGroup {
  op: 'and' | 'or';
  items: (Condition | ConditionGroup)[];
}
export const isGroup = (item: Condition | ConditionGroup): item is ConditionGroup => 'items' in item;

const suggestionsSchema = z.looseObject({
  items: z.array(z.looseObject({ productId: z.number(), productName: z.string(), insuranceType: z.string(), basePremium: z.number().nullable().catch(null), score: z.number(), gapCode: z.string(), why })),
  excluded: z.array(z.looseObject({ productId: z.number(), productName: z.string(), reason: z.string(), data: z.record(z.string(), z.unknown()).catch({}) })).catch([]),
});
export type Suggestions = z.infer<typeof suggestionsSchema>;
const statsSchema = z.looseObject({ accepted: z.number(), skipped: z.number(), acceptanceRate: z.number().nullable() });
const acceptedSchema = z.looseObject({ opportunityId: z.number() });

const rebuildSchema = z.looseObject({
  state: z.string(),
  requestedAt: z.string().nullable().catch(null),
  startedAt: z.string().nullable().catch(null),
  finishedAt: z.string().nullable().catch(null),
  customers: z.number().nullable().catch(null),
  settingsUpdatedAt: z.string().nullable().catch(null),
  settingsUpdatedBy: z.string().nullable().catch(null),
  nightlyAt: z.string().catch('01:45'),
});
export type RebuildStatus = z.infer<typeof rebuildSchema>;
/** The settings are edited as a whole; the server checks every field (see server/src/domains/profile/settings.ts). */
const settingsSchema = z.looseObject({}).transform((value) => value as unknown as ProfileSettings);
export interface ProfileSettings {
  ageBands: number[];
  adultAge: number;
  preRetirementAge: number;
  retirementAge: number;
  occupationClasses: { class: number; keywords: string[] }[];
  riskyOccupationClass: number;
  accidentIncomeMultiple: number;
  incomeByBand: Record<string, number>;
  needs: Record<string, string[]>;
  rfm: { recencyDays: number[]; frequency: number[]; monetaryYuan: number[]; tenureYears: number[] };
  tiers: { tier: string; minScore: number }[];
  risk: Record<string, number>;
  engagement: { activeDays: number; dormantDays: number };
}
const savedSettingsSchema = z.looseObject({ settings: settingsSchema, rebuild: rebuildSchema });

export interface SegmentOpportunitiesInput {
  productId: number;
  stage: string;
  owner: 'customerOwner' | 'me' | 'salesperson';
  ownerId?: number;
  expectedCloseDate?: string;
  dryRun: boolean;
}
const segmentOpportunitiesSchema = z.looseObject({
  members: z.number(),
  created: z.number(),
  skipped: z.number(),
  skippedByReason: z.record(z.string(), z.number()),
  opportunityIds: z.array(z.number()),
});
export type SegmentOpportunitiesResult = z.infer<typeof segmentOpportunitiesSchema>;

export const profileApi = {
  suggestions: (id: number, signal?: AbortSignal) => api.get(suggestionsSchema, `/api/customers/${id}/suggestions`, signal),
  accept: (id: number, productId: number) => api.post(acceptedSchema, `/api/customers/${id}/suggestions/${productId}/accept`),
  skip: (id: number, productId: number, reason: string) => api.send('POST', `/api/customers/${id}/suggestions/${productId}/skip`, { reason }),
  suggestionStats: (signal?: AbortSignal) => api.get(statsSchema, '/api/profiles/suggestion-stats', signal),
  profile: (id: number, signal?: AbortSignal) => api.get(profileSchema, `/api/customers/${id}/profile`, signal),
  fields: (signal?: AbortSignal) => api.get(fieldsSchema, '/api/customer-segments/fields', signal),
  preview: (definition: ConditionGroup) => api.post(previewSchema, '/api/customer-segments/preview', { definition, limit: 20 }),
  opportunities: (segmentId: number, input: SegmentOpportunitiesInput) => api.post(segmentOpportunitiesSchema, `/api/customer-segments/${segmentId}/opportunities`, input),
  settings: (signal?: AbortSignal) => api.get(settingsSchema, '/api/profiles/settings', signal),
  saveSettings: (settings: ProfileSettings, rebuild: 'now' | 'nightly') => requestParsed(savedSettingsSchema, 'PUT', `/api/profiles/settings?rebuild=${rebuild}`, { body: settings }),
  rebuildStatus: (signal?: AbortSignal) => api.get(rebuildSchema, '/api/profiles/rebuild', signal),
  rebuild: () => api.post(rebuildSchema, '/api/profiles/rebuild'),
};

/** Under the customer entity's key: any customer change (and policy/claim moves) refreshes it. */
export const profileKey = (id: number) => entityQueryKey(customerEntity, 'profile', id);

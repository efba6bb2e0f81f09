import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import { api, request } from '../../app/api-client.ts';
import { rowSchema } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

export const interactionEntity = getEntity('interaction');
export const surveyEntity = getEntity('survey');
export const campaignEntity = getEntity('campaign');
export const enrolmentEntity = getEntity('trainingEnrolment');

export const questionSchema = z.looseObject({
  key: z.string(),
  type: z.enum(['rating', 'nps', 'choice', 'text']),
  label: z.string(),
  options: z.array(z.string()).optional(),
  required: z.boolean().optional(),
});
export type Question = z.infer<typeof questionSchema>;
export type Answers = Record<string, string | number | null>;

const publicSurveySchema = z.looseObject({ title: z.string(), questions: z.array(questionSchema), expiresAt: z.string() });
const staffQuestionsSchema = z.looseObject({ title: z.string(), questions: z.array(questionSchema), answers: z.record(z.string(), z.unknown()).nullable() });
const followUpsSchema = z.looseObject({ items: z.array(rowSchema), total: z.number(), overdue: z.number() });
const linkSchema = z.looseObject({ link: z.string(), expiresAt: z.string() });
const sentSchema = z.looseObject({ items: z.array(z.looseObject({ surveyId: z.number(), customerId: z.number(), link: z.string(), expiresAt: z.string() })) });
const figuresSchema = z.looseObject({
  surveys: z.number(),
  rated: z.number(),
  csat: z.number().nullable(),
  averageRating: z.number().nullable(),
  npsAnswers: z.number(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  nps: z.number().nullable(),
});
const satisfactionSchema = z.looseObject({
  groupBy: z.string(),
  overall: figuresSchema,
  groups: z.array(figuresSchema.extend({ key: z.string().nullable(), label: z.string().nullable() })),
});
export type SatisfactionGroupBy = 'product' | 'salesperson' | 'org' | 'month';
export type SatisfactionRow = z.infer<typeof satisfactionSchema>['groups'][number];
const campaignResultsSchema = z.looseObject({
  window: z.looseObject({ from: z.string(), to: z.string() }),
  invited: z.number(),
  attended: z.number(),
  attendanceRate: z.number().nullable(),
  leads: z.number(),
  opportunities: z.number(),
  signings: z.number(),
  premium: z.number(),
  budget: z.number().nullable(),
  cost: z.number(),
  roi: z.number().nullable(),
});
export type CampaignResults = z.infer<typeof campaignResultsSchema>;
const myTrainingSchema = z.looseObject({
  enrolments: z.array(
    rowSchema.extend({
      course: z.looseObject({ name: z.string(), sessionAt: z.string().nullable(), location: z.string().nullable(), passMark: z.number().nullable(), durationHours: z.number().nullable() }).nullable(),
      session: z.looseObject({ name: z.string(), startsAt: z.string().nullable(), endsAt: z.string().nullable(), location: z.string().nullable(), trainer: z.string().nullable(), status: z.string() }).nullable().optional(),
    }),
  ),
  qualifications: z.array(rowSchema.extend({ valid: z.boolean(), daysLeft: z.number().nullable() })),
});

export type FollowUpState = 'open' | 'overdue' | 'due';

/** A one-time link as a full address the customer can open. */
export const absoluteLink = (path: string) => `${window.location.origin}${path}`;

export const serviceApi = {
  followUps: (state: FollowUpState, days: number, page: number, pageSize: number, type: string | undefined, signal?: AbortSignal) =>
    api.get(followUpsSchema, `/api/interactions/follow-ups?state=${state}&days=${days}&page=${page}&pageSize=${pageSize}${type ? `&type=${encodeURIComponent(type)}` : ''}`, signal),
  publicSurvey: (token: string, signal?: AbortSignal) => api.get(publicSurveySchema, `/api/public/surveys/${encodeURIComponent(token)}`, signal),
  answerPublic: (token: string, answers: Answers) => request('POST', `/api/public/surveys/${encodeURIComponent(token)}`, { body: { answers } }),
  surveyQuestions: (id: number, signal?: AbortSignal) => api.get(staffQuestionsSchema, `/api/surveys/${id}/questions`, signal),
  answerAsStaff: (id: number, answers: Answers) => api.post(rowSchema, `/api/surveys/${id}/answers`, { answers }),
  newLink: (id: number) => api.post(linkSchema, `/api/surveys/${id}/link`),
  send: (templateId: number, customerIds: number[]) => api.post(sentSchema, '/api/surveys/send', { templateId, customerIds }),
  satisfaction: (groupBy: SatisfactionGroupBy, from: string | undefined, to: string | undefined, signal?: AbortSignal) =>
    api.get(satisfactionSchema, `/api/surveys/satisfaction?groupBy=${groupBy}${from ? `&from=${from}` : ''}${to ? `&to=${to}` : ''}`, signal),
  campaignResults: (id: number, signal?: AbortSignal) => api.get(campaignResultsSchema, `/api/campaigns/${id}/results`, signal),
  inviteAudience: (id: number, segmentId?: number) => api.post(z.looseObject({ added: z.number() }), `/api/campaigns/${id}/participants/from-audience`, segmentId ? { segmentId } : undefined),
  myTraining: (signal?: AbortSignal) => api.get(myTrainingSchema, '/api/training/mine', signal),
};

/** Keys under the entities whose writes change them, so any change there refreshes them. */
export const serviceKeys = {
  followUps: (...parts: (string | number)[]) => entityQueryKey(interactionEntity, 'follow-ups', ...parts),
  satisfaction: (...parts: (string | number)[]) => entityQueryKey(surveyEntity, 'satisfaction', ...parts),
  surveyQuestions: (id: number) => entityQueryKey(surveyEntity, 'questions', id),
  campaignResults: (id: number) => entityQueryKey(campaignEntity, 'results', id),
  myTraining: () => entityQueryKey(enrolmentEntity, 'mine'),
};

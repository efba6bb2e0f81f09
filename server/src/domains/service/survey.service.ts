import { refreshProfiles } from '../profile/refresh.ts';
import { createHash, randomBytes } from 'node:crypto';
import { getEntity } from '@insure/model/registry';
import { systemContext } from '../../bootstrap.ts';
import type { Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { registerWorkflowHooks } from '../../entities/workflow.ts';
import { audit, createRecord } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { isLowScore, isScored, parseQuestions, questionsProblem, scoreAnswers } from './service.rules.ts';

/** A survey link token: 256 random bits, URL-safe. Only its SHA-256 is stored. */
export const newLinkToken = () => randomBytes(32).toString('base64url');
export const hashLinkToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** Tokens have exactly this shape; anything else is refused before a lookup. */
export const linkTokenPattern = /^[A-Za-z0-9_-]{43}$/;

export interface SurveyOrigin {
  templateId: number;
  customerId: number;
  trigger: 'signing' | 'claimPaid' | 'manual';
  productId?: number | null;
  policyId?: number | null;
  claimId?: number | null;
  salespersonId?: number | null;
  orgId?: number | null;
}

/** Creates a sent survey (generic create: references, scope, audit) and fills what only the server sets. */
export async function createSurvey(ctx: WriteContext, origin: SurveyOrigin): Promise<number> {
  const id = await createRecord(ctx, getEntity('survey'), {
    templateId: origin.templateId,
    customerId: origin.customerId,
    productId: origin.productId ?? null,
    salespersonId: origin.salespersonId ?? null,
    ...(origin.orgId ? { orgId: origin.orgId } : {}),
  });
  await ctx.trx.updateTable('surveys').set({ trigger: origin.trigger, policy_id: origin.policyId ?? null, claim_id: origin.claimId ?? null }).where('id', '=', id).execute();
  return id;
}

/** A fresh one-time link for a survey still awaiting its answer; an earlier link stops working. */
export async function issueLink(ctx: WriteContext, surveyId: number): Promise<{ token: string; expiresAt: string }> {
  const row = await ctx.trx
    .selectFrom('surveys')
    .innerJoin('survey_templates', 'survey_templates.id', 'surveys.template_id')
    .select(['surveys.status', 'survey_templates.link_valid_days'])
    .where('surveys.id', '=', surveyId)
    .executeTakeFirstOrThrow();
  if (row.status !== 'sent') throw new AppError('INVALID_TRANSITION', { status: row.status, action: 'link', allowed: [] });
  const token = newLinkToken();
  const expiresAt = new Date(ctx.now.getTime() + Number(row.link_valid_days ?? 14) * 86_400_000).toISOString();
  await ctx.trx.updateTable('surveys').set({ link_token_hash: hashLinkToken(token), link_expires_at: expiresAt }).where('id', '=', surveyId).execute();
  await audit(ctx, 'survey', surveyId, 'issue-link', { expiresAt });
  return { token, expiresAt };
}

/**
 * Records the answers of a survey once: checked against the template, scored (CSAT, NPS), the link burnt;
 * a low score opens a complaint ticket for the customer's service team. The conditional update on
 * status = 'sent' makes a second answer (a replayed link, two agents at once) fail.
 */
export async function answerSurvey(ctx: WriteContext, survey: Row, input: Record<string, unknown>, via: 'staff' | 'link') {
  if (survey.status !== 'sent') throw new AppError('INVALID_TRANSITION', { status: survey.status, action: 'answer', allowed: [] });
  const template = await ctx.trx.selectFrom('survey_templates').select(['name', 'questions', 'low_score_threshold']).where('id', '=', Number(survey.template_id)).executeTakeFirstOrThrow();
  const scored = scoreAnswers(parseQuestions(String(template.questions)), input);
  if (!isScored(scored)) throw new AppError('VALIDATION', {}, scored);
  const now = ctx.now.toISOString();
  const updated = await ctx.trx
    .updateTable('surveys')
    .set({ status: 'answered', answers: JSON.stringify(scored.answers), csat: scored.csat, nps: scored.nps, answered_at: now, answered_via: via, link_token_hash: null, version: Number(survey.version) + 1, updated_at: now })
    .where('id', '=', Number(survey.id))
    .where('status', '=', 'sent')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', { status: 'answered', action: 'answer', allowed: [] });
  await audit(ctx, 'survey', Number(survey.id), 'answer', { via, csat: scored.csat, nps: scored.nps });
  await refreshProfiles(ctx.trx, ctx.services.database.dialect, [Number(survey.customer_id)], ctx.now);
  let ticketId: number | null = null;
  if (isLowScore(scored.csat, scored.nps, Number(template.low_score_threshold ?? 2))) {
    // Opened by the system: the customer (link) has no account, and the ticket belongs to the survey's organisation.
    const system = { ...systemContext(ctx.services, ctx.trx, Number(survey.org_id)), ip: ctx.ip, requestId: ctx.requestId };
    const comment = Object.values(scored.answers).filter((value) => typeof value === 'string').join('；').slice(0, 1000);
    ticketId = await createRecord(system, getEntity('feedback'), {
      subject: `回访低分：${String(template.name)}`.slice(0, 100),
      customerId: Number(survey.customer_id),
      type: 'complaint',
      priority: 'high',
      content: `回访 ${String(survey.code)} 满意度 ${scored.csat ?? '-'}，推荐值 ${scored.nps ?? '-'}${comment ? `。客户意见：${comment}` : ''}`,
      productId: survey.product_id == null ? null : Number(survey.product_id),
      salespersonId: survey.salesperson_id == null ? null : Number(survey.salesperson_id),
      orgId: Number(survey.org_id),
    });
    await ctx.trx.updateTable('surveys').set({ ticket_id: ticketId }).where('id', '=', Number(survey.id)).execute();
  }
  return { csat: scored.csat, nps: scored.nps, ticketId };
}

/** The active template for an automatic survey: matching trigger and customer category, nearest organisation first. */
async function templateFor(ctx: WriteContext, trigger: 'signing' | 'claimPaid', orgId: number, customerId: number) {
  const [org, customer] = await Promise.all([
    ctx.trx.selectFrom('organisations').select('path').where('id', '=', orgId).executeTakeFirst(),
    ctx.trx.selectFrom('customers').select('category').where('id', '=', customerId).executeTakeFirst(),
  ]);
  if (!org || !customer) return null;
  const chain = String(org.path).split('/').filter(Boolean).map(Number);
  const templates = await ctx.trx
    .selectFrom('survey_templates')
    .select(['id', 'org_id', 'customer_category'])
    .where('trigger', '=', trigger)
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .where('org_id', 'in', chain)
    .where((eb) => eb.or([eb('customer_category', 'is', null), eb('customer_category', '=', String(customer.category))]))
    .execute();
  // Deepest organisation wins; within one, a template for the customer's category beats a general one.
  const rank = (row: (typeof templates)[number]) => chain.indexOf(Number(row.org_id)) * 2 + (row.customer_category ? 1 : 0);
  return templates.sort((a, b) => rank(b) - rank(a) || Number(b.id) - Number(a.id))[0] ?? null;
}

async function autoSurvey(ctx: WriteContext, origin: Omit<SurveyOrigin, 'templateId'> & { orgId: number }) {
  const template = await templateFor(ctx, origin.trigger as 'signing' | 'claimPaid', origin.orgId, origin.customerId);
  if (!template) return;
  // The approver may not see the template of a parent organisation: the system sends it.
  await createSurvey({ ...systemContext(ctx.services, ctx.trx, origin.orgId), ip: ctx.ip, requestId: ctx.requestId }, { ...origin, templateId: Number(template.id) });
}

export function registerSurveyHooks(): void {
  registerHooks('surveyTemplate', {
    async beforeWrite(_ctx, _entity, input) {
      if (input.questions === undefined) return;
      const problem = questionsProblem(String(input.questions));
      if (problem) throw new AppError('VALIDATION', {}, { questions: { reason: problem } });
    },
  });
  registerHooks('survey', {
    async beforeWrite(ctx, _entity, input, existing) {
      if (existing && existing.status !== 'sent') throw new AppError('INVALID_TRANSITION', { status: existing.status, action: 'edit', allowed: [] });
      const templateId = (input.templateId ?? existing?.template_id) as number | undefined;
      const customerId = (input.customerId ?? existing?.customer_id) as number | undefined;
      if (templateId == null || customerId == null) return;
      const [template, customer] = await Promise.all([
        ctx.trx.selectFrom('survey_templates').select('customer_category').where('id', '=', Number(templateId)).executeTakeFirst(),
        ctx.trx.selectFrom('customers').select(['category', 'owner_id']).where('id', '=', Number(customerId)).executeTakeFirst(),
      ]);
      if (template?.customer_category && customer && template.customer_category !== customer.category) {
        throw new AppError('VALIDATION', {}, { templateId: { reason: 'template_other_customer_category' } });
      }
      if (!existing && input.salespersonId == null && customer?.owner_id != null) input.salespersonId = Number(customer.owner_id);
    },
    async afterWrite(ctx, _entity, id, _input, existing) {
      if (!existing) await ctx.trx.updateTable('surveys').set({ sent_at: ctx.now.toISOString(), trigger: 'manual' }).where('id', '=', id).execute();
    },
  });
  registerWorkflowHooks('signing', {
    async after(ctx, _entity, id, transition) {
      if (transition.action !== 'issue') return;
      const row = await ctx.trx.selectFrom('signings').select(['customer_id', 'product_id', 'policy_id', 'salesperson_id', 'org_id']).where('id', '=', id).executeTakeFirstOrThrow();
      await autoSurvey(ctx, {
        trigger: 'signing',
        customerId: Number(row.customer_id),
        productId: row.product_id == null ? null : Number(row.product_id),
        policyId: row.policy_id == null ? null : Number(row.policy_id),
        salespersonId: row.salesperson_id == null ? null : Number(row.salesperson_id),
        orgId: Number(row.org_id),
      });
    },
  });
  registerWorkflowHooks('claim', {
    async after(ctx, _entity, id, transition) {
      if (transition.action !== 'pay') return;
      const row = await ctx.trx
        .selectFrom('claims')
        .innerJoin('policies', 'policies.id', 'claims.policy_id')
        .select(['policies.applicant_id', 'policies.product_id', 'policies.id as policy_id', 'policies.salesperson_id', 'claims.org_id'])
        .where('claims.id', '=', id)
        .executeTakeFirst();
      if (!row) return;
      await autoSurvey(ctx, {
        trigger: 'claimPaid',
        customerId: Number(row.applicant_id),
        productId: row.product_id == null ? null : Number(row.product_id),
        policyId: Number(row.policy_id),
        claimId: id,
        salespersonId: row.salesperson_id == null ? null : Number(row.salesperson_id),
        orgId: Number(row.org_id),
      });
    },
  });
}

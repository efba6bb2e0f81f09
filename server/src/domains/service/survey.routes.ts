import { getEntity } from '@insure/model/registry';
import { isValidIsoDate } from '@insure/model/validators';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { joinTableName } from '../../db/entity-tables.ts';
import type { Services } from '../../entities/context.ts';
import { getRecord, loadRow, scopedRows } from '../../entities/read.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { systemContext } from '../../bootstrap.ts';
import { segmentCustomerIds } from '../profile/profile.routes.ts';
import { answerSurvey, createSurvey, hashLinkToken, issueLink, linkTokenPattern } from './survey.service.ts';
import { parseQuestions, satisfactionFigures } from './service.rules.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const tokenParams = z.strictObject({ token: z.string().max(100) });
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const sendBody = z
  .strictObject({ templateId: id, customerIds: z.array(id).min(1).max(500).optional(), customerGroupId: id.optional(), segmentId: id.optional() })
  .refine((body) => body.customerIds || body.customerGroupId || body.segmentId, { path: ['customerIds'], error: 'required' });
const answersBody = z.strictObject({ answers: z.record(z.string().max(40), z.union([z.string().max(2000), z.number(), z.null()])) });
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const statsQuery = z.strictObject({ groupBy: z.enum(['product', 'salesperson', 'org', 'month']).default('product'), from: date.optional(), to: date.optional() });

/** The public link page shows "not available" for unknown, used and expired links alike: nothing to tell them apart. */
const unavailable = () => new AppError('NOT_FOUND');
const linkPath = (token: string) => `/s/${token}`;

export function registerSurveyRoutes(app: FastifyInstance, services: Services): void {
  const survey = getEntity('survey');
  const { db } = services.database;

  app.post('/api/surveys/send', { schema: { tags: ['survey'], summary: 'Send a survey to customers (a list or a customer group); returns each one-time link once' } }, async (request, reply) => {
    const actor = requirePermission(request, 'survey:create');
    const body = parseInput(sendBody, request.body);
    // A segment's members (within the caller's scope) are read before the transaction: one connection on SQLite.
    let segmentMembers: number[] | undefined;
    if (body.segmentId) {
      if (!actor.permissions.has('customerSegment:view')) throw new AppError('FORBIDDEN', { permission: 'customerSegment:view' });
      segmentMembers = await segmentCustomerIds(services, actor, body.segmentId, 5001);
    }
    const items = await inTransaction(request, services, async (ctx) => {
      const customer = getEntity('customer');
      let customers = scopedRows(ctx.trx, customer, ctx.actor).select(['customers.id', 'customers.org_id']);
      if (body.customerIds) customers = customers.where('customers.id', 'in', body.customerIds);
      if (segmentMembers) customers = customers.where('customers.id', 'in', segmentMembers.length ? segmentMembers : [0]);
      if (body.customerGroupId) {
        const join = joinTableName(customer, 'groupIds');
        customers = customers.where('customers.id', 'in', ctx.trx.selectFrom(join).select(`${join}.owner_id`).where(`${join}.target_id`, '=', body.customerGroupId!));
      }
      const found = await customers.orderBy('customers.id').limit(5001).execute();
      if (body.customerIds && found.length !== new Set(body.customerIds).size) throw new AppError('INVALID_REFERENCE', {}, { customerIds: { reason: 'reference_unavailable' } });
      if (found.length > 5000) throw new AppError('VALIDATION', {}, { customerGroupId: { reason: 'too_many_rows' } });
      const sent = [];
      for (const row of found) {
        const surveyId = await createSurvey(ctx, { templateId: body.templateId, customerId: Number(row.id), trigger: 'manual', orgId: Number(row.org_id) });
        const link = await issueLink(ctx, surveyId);
        sent.push({ surveyId, customerId: Number(row.id), link: linkPath(link.token), expiresAt: link.expiresAt });
      }
      return sent;
    });
    reply.code(201);
    return { items };
  });

  app.post('/api/surveys/:id/link', { schema: { tags: ['survey'], summary: 'A new one-time answer link for a survey awaiting its answer (the earlier link stops working)' } }, async (request) => {
    requirePermission(request, 'survey:edit');
    const { id: surveyId } = parseInput(idParams, request.params);
    const link = await inTransaction(request, services, async (ctx) => {
      await loadRow(ctx.trx, survey, ctx.actor, surveyId, ctx.services.database.dialect === 'postgres');
      return issueLink(ctx, surveyId);
    });
    return { link: linkPath(link.token), expiresAt: link.expiresAt };
  });

  app.post('/api/surveys/:id/answers', { schema: { tags: ['survey'], summary: 'Record the answers of a survey on the customer’s behalf (once)' } }, async (request) => {
    requirePermission(request, 'survey:edit');
    const { id: surveyId } = parseInput(idParams, request.params);
    const body = parseInput(answersBody, request.body);
    await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, survey, ctx.actor, surveyId, ctx.services.database.dialect === 'postgres');
      await answerSurvey(ctx, row, body.answers, 'staff');
    });
    return getRecord(services, survey, request.actor!, surveyId);
  });

  app.get('/api/surveys/:id/questions', { schema: { tags: ['survey'], summary: 'The questions of a survey (for staff recording answers)' } }, async (request) => {
    const actor = requirePermission(request, 'survey:view');
    const { id: surveyId } = parseInput(idParams, request.params);
    const row = await loadRow(db, survey, actor, surveyId);
    const template = await db.selectFrom('survey_templates').select(['name', 'questions']).where('id', '=', Number(row.template_id)).executeTakeFirstOrThrow();
    return { title: template.name, questions: parseQuestions(String(template.questions)), answers: row.answers ? JSON.parse(String(row.answers)) : null };
  });

  app.get('/api/surveys/satisfaction', { schema: { tags: ['survey'], summary: 'CSAT and NPS of answered surveys per product, salesperson, organisation or month, in scope' } }, async (request) => {
    const actor = requirePermission(request, 'survey:view');
    const query = parseInput(statsQuery, request.query);
    let base = scopedRows(db, survey, actor).where('surveys.status', '=', 'answered');
    if (query.from) base = base.where('surveys.answered_at', '>=', `${query.from}T00:00:00.000Z`);
    if (query.to) base = base.where('surveys.answered_at', '<=', `${query.to}T23:59:59.999Z`);
    const rows = await base.select(['surveys.csat', 'surveys.nps', 'surveys.product_id', 'surveys.salesperson_id', 'surveys.org_id', 'surveys.answered_at']).execute();
    const keyOf = (row: (typeof rows)[number]): string | null => {
      if (query.groupBy === 'month') return new Date(String(row.answered_at)).toISOString().slice(0, 7);
      const value = row[`${query.groupBy === 'org' ? 'org' : query.groupBy}_id` as 'org_id'];
      return value == null ? null : String(Number(value));
    };
    const groups = new Map<string | null, { csat: number | null; nps: number | null }[]>();
    for (const row of rows) {
      const key = keyOf(row);
      groups.set(key, [...(groups.get(key) ?? []), { csat: row.csat == null ? null : Number(row.csat), nps: row.nps == null ? null : Number(row.nps) }]);
    }
    const labels = new Map<string, string>();
    const ids = [...groups.keys()].filter((key): key is string => key !== null).map(Number);
    if (query.groupBy !== 'month' && ids.length) {
      const table = { product: 'products', salesperson: 'salespeople', org: 'organisations' }[query.groupBy];
      for (const row of await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute()) labels.set(String(Number(row.id)), String(row.name));
    }
    const all = rows.map((row) => ({ csat: row.csat == null ? null : Number(row.csat), nps: row.nps == null ? null : Number(row.nps) }));
    return {
      groupBy: query.groupBy,
      overall: satisfactionFigures(all),
      groups: [...groups.entries()]
        .map(([key, members]) => ({ key, label: key === null ? null : (labels.get(key) ?? key), ...satisfactionFigures(members) }))
        .sort((a, b) => String(a.key).localeCompare(String(b.key))),
    };
  });

  // Public, no login: the token is the only key, and the page learns the questions and nothing else.
  const openLink = async (token: string, source = db) => {
    if (!linkTokenPattern.test(token)) throw unavailable();
    const row = await source.selectFrom('surveys').selectAll().where('link_token_hash', '=', hashLinkToken(token)).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row || row.status !== 'sent' || !row.link_expires_at || new Date(String(row.link_expires_at)) <= services.clock.now()) throw unavailable();
    return row;
  };

  app.get('/api/public/surveys/:token', { schema: { tags: ['survey'], summary: 'Public: the questions behind a one-time survey link' } }, async (request, reply) => {
    const { token } = parseInput(tokenParams, request.params);
    const row = await openLink(token);
    const template = await db.selectFrom('survey_templates').select(['name', 'questions']).where('id', '=', Number(row.template_id)).executeTakeFirstOrThrow();
    reply.header('cache-control', 'no-store');
    return { title: template.name, questions: parseQuestions(String(template.questions)), expiresAt: new Date(String(row.link_expires_at)).toISOString() };
  });

  app.post('/api/public/surveys/:token', { schema: { tags: ['survey'], summary: 'Public: answer a survey through its one-time link (accepted once)' } }, async (request, reply) => {
    const { token } = parseInput(tokenParams, request.params);
    const body = parseInput(answersBody, request.body);
    await services.database.db.transaction().execute(async (trx) => {
      const row = await openLink(token, trx);
      const ctx = { ...systemContext(services, trx, Number(row.org_id)), ip: request.ip, requestId: String(request.id) };
      await answerSurvey(ctx, row, body.answers, 'link');
    });
    reply.header('cache-control', 'no-store');
    return { thanks: true };
  });
}

import { randomUUID, timingSafeEqual } from 'node:crypto';
import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { segmentCustomerIds } from '../profile/profile.routes.ts';
import type { Services } from '../../entities/context.ts';
import { loadRow, scopedRows } from '../../entities/read.ts';
import { revealField } from '../../entities/row-mapper.ts';
import { audit } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { isOptedOut } from './dispatch.ts';
import { queueMessage, renderTemplate, templateFor, templateVariableNames, variablesFor } from './sms-messages.ts';
import { loadRules, localDate, reminderKindList, smsSegments } from './sms-rules.ts';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const kindParams = z.strictObject({ kind: z.enum(reminderKindList as [string, ...string[]]) });
const ruleBody = z.strictObject({ enabled: z.boolean(), daysBefore: z.array(z.number().int().min(0).max(365)).min(1).max(6).optional() });
const previewBody = z.strictObject({ customerId: id.optional(), policyId: id.optional(), claimId: id.optional(), salespersonId: id.optional(), qualificationId: id.optional() });
const audienceBody = z.strictObject({
  templateId: id,
  customerIds: z.array(id).max(5000).optional(),
  groupId: id.optional(),
  /** A saved segment (客户分群): its members in the asker's scope. */
  segmentId: id.optional(),
});
export const optOutSources = ['customerRequest', 'smsReply', 'staff', 'consentWithdrawn'] as const;
const optOutBody = z.strictObject({ customerId: id, optedOut: z.boolean(), source: z.enum(optOutSources), note: z.string().max(500).optional() });
const statsQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });

/** The day a reminder of this kind is about for the previewed policy (its end or next due date), if any. */
async function previewDay(db: Services['database']['db'], kind: string, body: { policyId?: number }): Promise<string | undefined> {
  if (!body.policyId || !['policyExpiry', 'premiumDue'].includes(kind)) return undefined;
  const policy = await db.selectFrom('policies').select(['end_date', 'next_due_date']).where('id', '=', body.policyId).executeTakeFirst();
  const value = kind === 'policyExpiry' ? policy?.end_date : policy?.next_due_date;
  return value == null ? undefined : String(value instanceof Date ? value.toISOString() : value).slice(0, 10);
}

export function registerSmsRoutes(app: FastifyInstance, services: Services): void {
  // SQLite keeps booleans as 0/1.
  const dbBoolean = (value: boolean) => (services.database.dialect === 'postgres' ? value : value ? 1 : 0) as boolean;
  const customer = getEntity('customer');
  const smsMessage = getEntity('smsMessage');
  const smsTemplate = getEntity('smsTemplate');

  app.get('/api/sms/rules', { schema: { tags: ['sms'], summary: 'Reminder rules (switches and settings)' } }, async (request) => {
    requirePermission(request, 'smsTemplate:view');
    return { items: await loadRules(services.database.db), variables: templateVariableNames };
  });

  app.put('/api/sms/rules/:kind', { schema: { tags: ['sms'], summary: 'Switch or tune one reminder rule' } }, async (request) => {
    requirePermission(request, 'smsTemplate:edit');
    const { kind } = parseInput(kindParams, request.params);
    const body = parseInput(ruleBody, request.body ?? {});
    await inTransaction(request, services, async (ctx) => {
      const rule = (await loadRules(ctx.trx)).find((candidate) => candidate.kind === kind)!;
      if (!rule.available && body.enabled) throw new AppError('VALIDATION', {}, { enabled: { reason: 'rule_unavailable' } });
      const settings = { ...rule.settings, ...(body.daysBefore ? { daysBefore: [...new Set(body.daysBefore)].sort((a, b) => b - a) } : {}) };
      const values = { enabled: dbBoolean(body.enabled), settings: JSON.stringify(settings), updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId };
      await ctx.trx.insertInto('sms_rules').values({ kind, ...values }).onConflict((conflict) => conflict.column('kind').doUpdateSet(values)).execute();
      await audit(ctx, 'smsTemplate', null, 'rule', { kind, before: { enabled: rule.enabled, settings: rule.settings }, after: { enabled: body.enabled, settings } });
    });
    return { items: await loadRules(services.database.db) };
  });

  app.post('/api/sms/templates/:id/preview', { schema: { tags: ['sms'], summary: 'A template filled with a real record' } }, async (request) => {
    const actor = requirePermission(request, 'smsTemplate:view');
    const templateId = parseInput(z.strictObject({ id }), request.params).id;
    const body = parseInput(previewBody, request.body ?? {});
    const db = services.database.db;
    const template = await loadRow(db, smsTemplate, actor, templateId);
    // Records named must be ones the asker may read.
    if (body.customerId) await loadRow(db, customer, actor, body.customerId);
    if (body.policyId) await loadRow(db, getEntity('policy'), actor, body.policyId);
    if (body.claimId) await loadRow(db, getEntity('claim'), actor, body.claimId);
    if (body.salespersonId) await loadRow(db, getEntity('salesperson'), actor, body.salespersonId);
    if (body.qualificationId) await loadRow(db, getEntity('qualification'), actor, body.qualificationId);
    // {date} and {days} as the reminder would fill them: a policy's end (expiry) or next due date (premium due),
    // a licence's expiry, counted from today; other records get today's date.
    const today = localDate(services.config, services.clock.now());
    const recordDay = await previewDay(db, String(template.kind), body);
    const variables = await variablesFor({ trx: db }, { ...body, date: recordDay ?? (body.qualificationId ? undefined : today) });
    const due = recordDay ?? (body.qualificationId ? variables.date : undefined);
    if (due && variables.days === undefined) variables.days = String(Math.round((Date.parse(due) - Date.parse(today)) / 86_400_000));
    const contentZh = renderTemplate(String(template.content_zh), variables);
    const contentEn = template.content_en ? renderTemplate(String(template.content_en), variables) : null;
    return { contentZh, contentEn, variables, segments: smsSegments(contentZh), providerTemplateId: template.provider_template_id ?? null, unresolved: [...contentZh.matchAll(/\{(\w+)\}/g)].map((match) => match[1]) };
  });

  /** Customers of a manual send, in the asker's scope: who gets it, who is left out and why, and the cost. */
  async function audience(actor: Parameters<typeof scopedRows>[2], body: z.output<typeof audienceBody>) {
    if (!body.customerIds?.length && !body.groupId && !body.segmentId) throw new AppError('VALIDATION', {}, { customerIds: { reason: 'required' } });
    const db = services.database.db;
    const template = await loadRow(db, smsTemplate, actor, body.templateId);
    let query = scopedRows(db, customer, actor).selectAll('customers');
    if (body.customerIds?.length) query = query.where('customers.id', 'in', body.customerIds);
    if (body.groupId) query = query.where('customers.id', 'in', db.selectFrom('customers__group_ids').select('owner_id').where('target_id', '=', body.groupId));
    if (body.segmentId) {
      if (!actor.permissions.has('customerSegment:view')) throw new AppError('FORBIDDEN', { permission: 'customerSegment:view' });
      const members = await segmentCustomerIds(services, actor, body.segmentId, 5000);
      query = query.where('customers.id', 'in', members.length ? members : [0]);
    }
    const rows = await query.orderBy('customers.id').limit(5000).execute();
    const recipients: { customerId: number; name: string }[] = [];
    const excluded: { customerId: number; name: string; reason: string }[] = [];
    for (const row of rows) {
      const entry = { customerId: Number(row.id), name: String(row.name) };
      if (!revealField(customer.fields.phone!, 'phone', row, services.cipher)) excluded.push({ ...entry, reason: 'no_phone' });
      else if (await isOptedOut(db, entry.customerId)) excluded.push({ ...entry, reason: 'opted_out' });
      else recipients.push(entry);
    }
    const sample = renderTemplate(String(template.content_zh), recipients[0] ? await variablesFor({ trx: db }, { customerId: recipients[0].customerId }) : {});
    const segments = smsSegments(sample);
    return { template, recipients, excluded, segmentsEach: segments, costCents: recipients.length * segments * services.config.SMS_PRICE_CENTS, sample };
  }

  app.post('/api/sms/manual/preview', { schema: { tags: ['sms'], summary: 'Recipients and cost of a manual send' } }, async (request) => {
    const actor = requirePermission(request, 'smsMessage:create');
    const { template: _template, ...rest } = await audience(actor, parseInput(audienceBody, request.body ?? {}));
    return { ...rest, recipientCount: rest.recipients.length };
  });

  app.post('/api/sms/manual/send', { schema: { tags: ['sms'], summary: 'Queue a manual send to customers or a group' } }, async (request, reply) => {
    const actor = requirePermission(request, 'smsMessage:create');
    const body = parseInput(audienceBody, request.body ?? {});
    const { template, recipients, costCents } = await audience(actor, body);
    const batch = randomUUID();
    const ids = await inTransaction(request, services, async (ctx) => {
      const created: number[] = [];
      for (const recipient of recipients) {
        const variables = await variablesFor(ctx, { customerId: recipient.customerId, date: ctx.now.toISOString().slice(0, 10) });
        const messageId = await queueMessage(ctx, { kind: 'manual', customerId: recipient.customerId, template, variables, dedupeKey: `manual:${batch}:${recipient.customerId}` });
        if (messageId) created.push(messageId);
      }
      await audit(ctx, 'smsMessage', null, 'manualSend', { batch, templateId: body.templateId, recipients: created.length, costCents });
      return created;
    });
    return reply.code(201).send({ batch, queued: ids.length, costCents });
  });

  /**
   * A person settles a message the dispatcher holds as unacknowledged (the gateway cannot be asked): after
   * checking the gateway's console, `sent` records it as sent (never sent again), `resend` queues it to go out
   * again under the same code. Only a message still "sending" past the lease can be settled; audited.
   */
  app.post('/api/sms/messages/:id/resolve', { schema: { tags: ['sms'], summary: 'Settle an unacknowledged send by hand' } }, async (request) => {
    const actor = requirePermission(request, 'smsMessage:edit');
    const messageId = parseInput(z.strictObject({ id }), request.params).id;
    const body = parseInput(z.strictObject({ outcome: z.enum(['sent', 'resend']), note: z.string().max(500).optional() }), request.body ?? {});
    await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, smsMessage, actor, messageId);
      const leaseStart = new Date(ctx.now.getTime() - services.config.SMS_SEND_LEASE_SECONDS * 1000);
      const claimedAt = row.claimed_at == null ? null : new Date(row.claimed_at instanceof Date ? row.claimed_at : String(row.claimed_at));
      if (row.status !== 'sending' || row.provider_message_id != null || !claimedAt || claimedAt >= leaseStart) throw new AppError('INVALID_TRANSITION', { status: row.status, action: 'resolve', allowed: [] });
      const at = ctx.now.toISOString();
      const set =
        body.outcome === 'sent'
          ? { status: 'sent', sent_at: claimedAt.toISOString(), claimed_at: null, error: `confirmed sent by staff${body.note ? `: ${body.note}` : ''}`.slice(0, 500), updated_at: at }
          : { status: 'queued', claimed_at: null, scheduled_at: at, error: `unacknowledged: staff chose to send again${body.note ? `: ${body.note}` : ''}`.slice(0, 500), updated_at: at };
      const updated = await ctx.trx.updateTable('sms_messages').set(set).where('id', '=', messageId).where('status', '=', 'sending').where('claimed_at', '=', claimedAt.toISOString()).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new AppError('VERSION_CONFLICT');
      await audit(ctx, 'smsMessage', messageId, 'resolveUnacknowledged', { outcome: body.outcome, note: body.note ?? null, claimedAt: claimedAt.toISOString() });
    });
    return { id: messageId, status: body.outcome === 'sent' ? 'sent' : 'queued' };
  });

  app.get('/api/sms/opt-outs/:customerId', { schema: { tags: ['sms'], summary: 'Opt-out history of a customer' } }, async (request) => {
    const actor = requirePermission(request, 'smsMessage:view');
    const customerId = parseInput(z.strictObject({ customerId: id }), request.params).customerId;
    await loadRow(services.database.db, customer, actor, customerId);
    const items = await services.database.db.selectFrom('sms_opt_outs').selectAll().where('customer_id', '=', customerId).orderBy('id', 'desc').execute();
    return {
      optedOut: Boolean(items[0]?.opted_out),
      items: items.map((row) => ({ id: Number(row.id), optedOut: Boolean(row.opted_out), source: row.source, note: row.note ?? null, actorId: row.actor_id == null ? null : Number(row.actor_id), at: row.at })),
    };
  });

  app.post('/api/sms/opt-outs', { schema: { tags: ['sms'], summary: 'Record an opt-out (or opt back in) with its source' } }, async (request, reply) => {
    const actor = requirePermission(request, 'smsMessage:edit');
    const body = parseInput(optOutBody, request.body ?? {});
    await inTransaction(request, services, async (ctx) => {
      await loadRow(ctx.trx, customer, actor, body.customerId);
      await ctx.trx.insertInto('sms_opt_outs').values({ customer_id: body.customerId, opted_out: dbBoolean(body.optedOut), source: body.source, note: body.note ?? null, actor_id: ctx.actor.accountId, at: ctx.now.toISOString() }).execute();
      await audit(ctx, 'customer', body.customerId, body.optedOut ? 'smsOptOut' : 'smsOptIn', { source: body.source, note: body.note ?? null });
    });
    return reply.code(201).send({ optedOut: body.optedOut });
  });

  app.get('/api/sms/stats', { schema: { tags: ['sms'], summary: 'Delivery statistics in scope' } }, async (request) => {
    const actor = requirePermission(request, 'smsMessage:view');
    const { from, to } = parseInput(statsQuery, request.query);
    let query = scopedRows(services.database.db, smsMessage, actor);
    if (from) query = query.where('sms_messages.created_at', '>=', `${from}T00:00:00.000Z`);
    if (to) query = query.where('sms_messages.created_at', '<', new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString());
    const rows = await query
      .select(['sms_messages.kind', 'sms_messages.status', sql<number>`count(*)`.as('messages'), sql<number>`coalesce(sum(sms_messages.segments), 0)`.as('segments')])
      .groupBy(['sms_messages.kind', 'sms_messages.status'])
      .execute();
    const byStatus: Record<string, number> = { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0 };
    const byKind: Record<string, Record<string, number>> = {};
    let billedSegments = 0;
    for (const row of rows) {
      const status = String(row.status);
      byStatus[status] = (byStatus[status] ?? 0) + Number(row.messages);
      (byKind[String(row.kind)] ??= {})[status] = Number(row.messages);
      if (['sent', 'delivered'].includes(status)) billedSegments += Number(row.segments);
    }
    const finished = byStatus.delivered! + byStatus.failed!;
    return { byStatus, byKind, deliveryRate: finished ? byStatus.delivered! / finished : null, billedSegments, costCents: billedSegments * services.config.SMS_PRICE_CENTS };
  });

  /** Delivery receipts pushed by the gateways (Aliyun SmsReport, Tencent status callback), authenticated by a shared token. */
  app.post('/api/sms/receipts/:provider', { schema: { tags: ['sms'], summary: 'Gateway delivery receipts (token in the query)' } }, async (request) => {
    const { provider } = parseInput(z.strictObject({ provider: z.enum(['aliyun', 'tencent']) }), request.params);
    const token = String((request.query as Record<string, unknown>)?.token ?? '');
    const expected = services.config.SMS_RECEIPT_TOKEN;
    if (!expected || token.length !== expected.length || !timingSafeEqual(Buffer.from(token), Buffer.from(expected))) throw new AppError('NOT_FOUND');
    const items = parseInput(z.array(z.record(z.string(), z.unknown())).max(1000), request.body);
    const at = services.clock.now().toISOString();
    let matched = 0;
    for (const item of items) {
      const providerId = String(provider === 'aliyun' ? item.biz_id : item.sid);
      const delivered = provider === 'aliyun' ? item.success === true || item.success === 'true' : item.report_status === 'SUCCESS';
      const error = delivered ? null : String((provider === 'aliyun' ? `${item.err_code ?? ''} ${item.err_msg ?? ''}` : `${item.errmsg ?? ''} ${item.description ?? ''}`)).trim().slice(0, 500);
      // A message reconciled after a crash from Aliyun's send records has no BizId: its receipt matches on OutId (our code).
      const outId = provider === 'aliyun' && typeof item.out_id === 'string' && item.out_id ? item.out_id : null;
      const result = await services.database.db
        .updateTable('sms_messages')
        .set(delivered ? { status: 'delivered', delivered_at: at, updated_at: at } : { status: 'failed', error: `receipt: ${error}`, updated_at: at })
        .where((eb) => (outId ? eb.or([eb('provider_message_id', '=', providerId), eb.and([eb('provider_message_id', 'is', null), eb('code', '=', outId)])]) : eb('provider_message_id', '=', providerId)))
        .where('provider', '=', provider)
        .where('status', 'in', ['sending', 'sent'])
        .executeTakeFirst();
      matched += Number(result.numUpdatedRows);
    }
    request.log.info({ provider, received: items.length, matched }, 'sms receipts');
    return provider === 'aliyun' ? { code: 0, msg: '成功' } : { result: 0, errmsg: 'OK' };
  });
}

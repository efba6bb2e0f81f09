import { getEntity } from '@insure/model/registry';
import { claimStatuses } from '@insure/model/enums/insurance';
import { qualificationTypes } from '@insure/model/enums/service';
import { sql } from 'kysely';
import { systemContext } from '../../bootstrap.ts';
import type { Row } from '../../db/database.ts';
import type { Services, WriteContext } from '../../entities/context.ts';
import { revealField } from '../../entities/row-mapper.ts';
import { createRecord } from '../../entities/write.ts';
import { addDays } from '../insurance/insurance.rules.ts';
import { type ReminderKind, localDate, ruleFor, smsSegments } from './sms-rules.ts';

export type TemplateVariables = Record<string, string>;

/** Fills {name} placeholders; an unknown placeholder stays visible so a preview shows the mistake. */
export const renderTemplate = (text: string, variables: TemplateVariables) => text.replace(/\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole);

export const templateVariableNames = ['customerName', 'policyNo', 'productName', 'date', 'amount', 'claimNo', 'claimStatus', 'days', 'salespersonName', 'licenceType', 'certificateNo'];

const yuan = (cents: unknown) => (cents == null ? '' : (Number(cents) / 100).toFixed(2));
const claimStatusLabel = (status: string) => claimStatuses.find((option) => option.value === status)?.label.zh ?? status;
const licenceLabel = (type: string) => qualificationTypes.find((option) => option.value === type)?.label.zh ?? type;
const day = (value: unknown) => (value == null ? null : String(value instanceof Date ? value.toISOString() : value).slice(0, 10));

/** The enabled template of a kind (first by sort order), or null: no template, no message. */
export async function templateFor(ctx: Pick<WriteContext, 'trx'>, kind: string, templateId?: number): Promise<Row | null> {
  let query = ctx.trx.selectFrom('sms_templates').selectAll().where('deleted_at', 'is', null);
  query = templateId ? query.where('id', '=', templateId) : query.where('kind', '=', kind).where(sql<boolean>`enabled`);
  return (await query.orderBy('sort_index', 'desc').orderBy('id').limit(1).executeTakeFirst()) ?? null;
}

/** Variables of a real record, for sending and for previews. */
export async function variablesFor(
  ctx: Pick<WriteContext, 'trx'>,
  source: { customerId?: number | null; policyId?: number | null; claimId?: number | null; salespersonId?: number | null; qualificationId?: number | null; date?: string; days?: number },
): Promise<TemplateVariables> {
  const variables: TemplateVariables = {};
  if (source.date) variables.date = source.date;
  if (source.days != null) variables.days = String(source.days);
  if (source.qualificationId) {
    const licence = await ctx.trx.selectFrom('qualifications').select(['type', 'certificate_no', 'expires_on', 'salesperson_id']).where('id', '=', source.qualificationId).executeTakeFirst();
    if (licence) {
      variables.licenceType = licenceLabel(String(licence.type));
      variables.certificateNo = String(licence.certificate_no);
      // The licence's own expiry date unless the caller names the day (a reminder names it).
      variables.date ??= day(licence.expires_on)!;
      source = { ...source, salespersonId: source.salespersonId ?? Number(licence.salesperson_id) };
    }
  }
  if (source.salespersonId) {
    const salesperson = await ctx.trx.selectFrom('salespeople').select('name').where('id', '=', source.salespersonId).executeTakeFirst();
    if (salesperson) variables.salespersonName = String(salesperson.name);
  }
  if (source.claimId) {
    const claim = await ctx.trx.selectFrom('claims').select(['claim_no', 'status', 'policy_id', 'insured_id', 'approved_amount', 'paid_amount']).where('id', '=', source.claimId).executeTakeFirst();
    if (claim) {
      variables.claimNo = String(claim.claim_no);
      variables.claimStatus = claimStatusLabel(String(claim.status));
      if (claim.paid_amount != null || claim.approved_amount != null) variables.amount = yuan(claim.paid_amount ?? claim.approved_amount);
      source = { ...source, policyId: source.policyId ?? Number(claim.policy_id), customerId: source.customerId ?? (claim.insured_id == null ? null : Number(claim.insured_id)) };
    }
  }
  if (source.policyId) {
    const policy = await ctx.trx
      .selectFrom('policies')
      .innerJoin('products', 'products.id', 'policies.product_id')
      .select(['policies.policy_no', 'policies.premium', 'policies.applicant_id', 'policies.end_date', 'policies.next_due_date', 'products.name as product_name'])
      .where('policies.id', '=', source.policyId)
      .executeTakeFirst();
    if (policy) {
      variables.policyNo = String(policy.policy_no);
      variables.productName = String(policy.product_name);
      variables.amount ??= yuan(policy.premium);
      source = { ...source, customerId: source.customerId ?? Number(policy.applicant_id) };
    }
  }
  if (source.customerId) {
    const customer = await ctx.trx.selectFrom('customers').select('name').where('id', '=', source.customerId).executeTakeFirst();
    if (customer) variables.customerName = String(customer.name);
  }
  return variables;
}

export interface NewMessage {
  kind: string;
  customerId: number | null;
  salespersonId?: number | null;
  template: Row;
  variables: TemplateVariables;
  dedupeKey: string;
  scheduledAt?: string;
}

/** Recipient phone (decrypted) and organisation of a customer or salesperson; null when there is no number to send to. */
async function recipientOf(ctx: WriteContext, customerId: number | null, salespersonId: number | null) {
  const entity = getEntity(customerId ? 'customer' : 'salesperson');
  const row = await ctx.trx.selectFrom(entity.table).selectAll().where('id', '=', (customerId ?? salespersonId)!).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  const phone = revealField(entity.fields.phone!, 'phone', row, ctx.services.cipher);
  return phone ? { phone, orgId: Number(row.org_id) } : null;
}

/**
 * Writes one queued message in the caller's transaction, guarded by the outbox key: a second write of the
 * same key (another node's scheduler, a retried event) inserts nothing and returns null.
 */
export async function queueMessage(ctx: WriteContext, message: NewMessage, outboxAlreadyHeld = false): Promise<number | null> {
  if (!outboxAlreadyHeld) {
    const now = ctx.now.toISOString();
    const claimed = await ctx.trx
      .insertInto('outbox')
      .values({ topic: 'sms.reminder', idempotency_key: message.dedupeKey, payload: JSON.stringify({ kind: message.kind, customerId: message.customerId }), status: 'done', attempts: 0, available_at: now, created_at: now, processed_at: now })
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return null;
  }
  const recipient = await recipientOf(ctx, message.customerId, message.salespersonId ?? null);
  if (!recipient) return null;
  const text = String(message.template.content_zh);
  const content = renderTemplate(text, message.variables);
  const params = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, message.variables[name!] ?? '']));
  const id = await createRecord(ctx, getEntity('smsMessage'), {
    customerId: message.customerId,
    salespersonId: message.salespersonId ?? null,
    phone: recipient.phone,
    kind: message.kind,
    templateId: Number(message.template.id),
    content,
    scheduledAt: message.scheduledAt ?? ctx.now.toISOString(),
    orgId: recipient.orgId,
  });
  // Server-kept columns (read-only to clients); the unique key on dedupe_key is the last guard against a twin.
  await ctx.trx.updateTable('sms_messages').set({ dedupe_key: message.dedupeKey, template_params: JSON.stringify(params), segments: smsSegments(content), attempts: 0 }).where('id', '=', id).execute();
  return id;
}

interface Candidate {
  kind: ReminderKind;
  key: string;
  /** The recipient: a customer, or (licence expiry) the salesperson. */
  customerId: number | null;
  salespersonId?: number;
  qualificationId?: number;
  policyId?: number;
  days?: number;
  date?: string;
}

/** Records the reminder rules select on a local calendar day. */
async function candidatesOn(services: Services, today: string): Promise<Candidate[]> {
  const db = services.database.db;
  const found: Candidate[] = [];
  const monthDay = today.slice(5);
  // 29 February birthdays and anniversaries are kept on 28 February in common years.
  const leap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = monthDay === '02-28' && !leap(Number(today.slice(0, 4))) ? ['02-28', '02-29'] : [monthDay];
  const birthday = await ruleFor(db, 'birthday');
  if (birthday.enabled) {
    const rows = await db.selectFrom('customers').select('id').where('deleted_at', 'is', null).where(sql<string>`substr(cast(birth_date as text), 6, 5)`, 'in', monthDays).orderBy('id').execute();
    for (const row of rows) found.push({ kind: 'birthday', key: `birthday:customer:${Number(row.id)}:${today}`, customerId: Number(row.id), date: today });
  }
  const inForce = () => db.selectFrom('policies').select(['id', 'applicant_id', 'end_date', 'next_due_date', 'start_date']).where('deleted_at', 'is', null).where('status', '=', 'inForce');
  const expiry = await ruleFor(db, 'policyExpiry');
  if (expiry.enabled) {
    for (const days of expiry.settings.daysBefore ?? []) {
      const end = addDays(today, days);
      for (const row of await inForce().where('end_date', '=', end).orderBy('id').execute())
        found.push({ kind: 'policyExpiry', key: `policyExpiry:policy:${Number(row.id)}:${end}:${days}`, customerId: Number(row.applicant_id), policyId: Number(row.id), days, date: end });
    }
  }
  const premium = await ruleFor(db, 'premiumDue');
  if (premium.enabled) {
    for (const days of premium.settings.daysBefore ?? []) {
      const due = addDays(today, days);
      for (const row of await inForce().where('payment_frequency', '<>', 'single').where('next_due_date', '=', due).orderBy('id').execute())
        found.push({ kind: 'premiumDue', key: `premiumDue:policy:${Number(row.id)}:${due}:${days}`, customerId: Number(row.applicant_id), policyId: Number(row.id), days, date: due });
    }
  }
  const anniversary = await ruleFor(db, 'anniversary');
  if (anniversary.enabled) {
    const rows = await inForce().where(sql<string>`substr(cast(start_date as text), 6, 5)`, 'in', monthDays).where('start_date', '<', `${today.slice(0, 4)}-01-01`).orderBy('id').execute();
    for (const row of rows) found.push({ kind: 'anniversary', key: `anniversary:policy:${Number(row.id)}:${today}`, customerId: Number(row.applicant_id), policyId: Number(row.id), date: today });
  }
  const licence = await ruleFor(db, 'licenceExpiry');
  if (licence.enabled) {
    for (const days of licence.settings.daysBefore ?? []) {
      const expires = addDays(today, days);
      // A licence in force (status normal) of a salesperson who has not left, and not already renewed: no record
      // of the same type for the same salesperson runs past it.
      const rows = await db
        .selectFrom('qualifications as q')
        .innerJoin('salespeople as s', 's.id', 'q.salesperson_id')
        .select(['q.id', 'q.salesperson_id'])
        .where('q.deleted_at', 'is', null)
        .where('q.status', '=', 'normal')
        .where('q.expires_on', '=', expires)
        .where('s.deleted_at', 'is', null)
        .where('s.status', '!=', 'left')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('qualifications as renewed')
                .select('renewed.id')
                .whereRef('renewed.salesperson_id', '=', 'q.salesperson_id')
                .whereRef('renewed.type', '=', 'q.type')
                .whereRef('renewed.expires_on', '>', 'q.expires_on')
                .where('renewed.status', '=', 'normal')
                .where('renewed.deleted_at', 'is', null),
            ),
          ),
        )
        .orderBy('q.id')
        .execute();
      for (const row of rows)
        found.push({ kind: 'licenceExpiry', key: `licenceExpiry:qualification:${Number(row.id)}:${expires}:${days}`, customerId: null, salespersonId: Number(row.salesperson_id), qualificationId: Number(row.id), days, date: expires });
    }
  }
  return found;
}

/**
 * The daily reminder job: every reminder due today goes to the outbox with its message, one transaction
 * each. The key (type + record + date) is unique, so a second run, on this node or another, adds nothing.
 */
export async function runReminders(services: Services): Promise<{ queued: number; skipped: number }> {
  const today = localDate(services.config, services.clock.now());
  const counts = { queued: 0, skipped: 0 };
  for (const candidate of await candidatesOn(services, today)) {
    const created = await services.database.db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      const template = await templateFor(ctx, candidate.kind);
      if (!template) return null;
      const variables = await variablesFor(ctx, { customerId: candidate.customerId, policyId: candidate.policyId, qualificationId: candidate.qualificationId, date: candidate.date, days: candidate.days });
      return queueMessage(ctx, { kind: candidate.kind, customerId: candidate.customerId, salespersonId: candidate.salespersonId ?? null, template, variables, dedupeKey: candidate.key });
    });
    if (created) counts.queued++;
    else counts.skipped++;
  }
  return counts;
}

const eventKinds: Record<string, ReminderKind> = { 'signing.success': 'signingSuccess', 'claim.progress': 'claimProgress' };

/**
 * Turns business events from the outbox (signing issued, claim moved) into messages. Rows are claimed with
 * SKIP LOCKED on PostgreSQL, so nodes share the work; the message and the outbox row change in one transaction.
 */
export async function consumeEvents(services: Services, limit = 100): Promise<{ queued: number; skipped: number }> {
  const counts = { queued: 0, skipped: 0 };
  await services.database.db.transaction().execute(async (trx) => {
    const ctx = systemContext(services, trx);
    let query = trx.selectFrom('outbox').selectAll().where('status', '=', 'pending').where('topic', 'in', Object.keys(eventKinds)).where('available_at', '<=', ctx.now.toISOString()).orderBy('id').limit(limit);
    if (services.database.dialect === 'postgres') query = query.forUpdate().skipLocked();
    for (const event of await query.execute()) {
      const kind = eventKinds[String(event.topic)]!;
      const payload = (typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload) as Record<string, number | string>;
      const rule = await ruleFor(trx, kind);
      const template = rule.enabled ? await templateFor(ctx, kind) : null;
      let id: number | null = null;
      if (template) {
        const source = kind === 'claimProgress' ? { claimId: Number(payload.claimId) } : { policyId: Number(payload.policyId), customerId: Number(payload.customerId) };
        const variables = await variablesFor(ctx, { ...source, date: localDate(services.config, ctx.now) });
        // The status the event reports, not the claim's current one (it may have moved on since).
        if (kind === 'claimProgress' && payload.status) variables.claimStatus = claimStatusLabel(String(payload.status));
        const customerId = kind === 'claimProgress' ? await claimRecipient(ctx, Number(payload.claimId)) : Number(payload.customerId);
        if (customerId) id = await queueMessage(ctx, { kind, customerId, template, variables, dedupeKey: String(event.idempotency_key) }, true);
      }
      await trx.updateTable('outbox').set({ status: 'done', processed_at: ctx.now.toISOString(), attempts: sql`attempts + 1`, last_error: id ? null : template ? 'no recipient' : 'rule off or no template' }).where('id', '=', Number(event.id)).execute();
      if (id) counts.queued++;
      else counts.skipped++;
    }
  });
  return counts;
}

/** A claim's messages go to the insured person, or the policy's applicant when no insured is named. */
async function claimRecipient(ctx: WriteContext, claimId: number): Promise<number | null> {
  const row = await ctx.trx.selectFrom('claims').innerJoin('policies', 'policies.id', 'claims.policy_id').select(['claims.insured_id', 'policies.applicant_id']).where('claims.id', '=', claimId).executeTakeFirst();
  if (!row) return null;
  return Number(row.insured_id ?? row.applicant_id);
}

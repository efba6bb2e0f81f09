import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import type { DB, Row } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { revealField } from '../../entities/row-mapper.ts';
import type { LookupOutcome, SendOutcome, SmsProvider } from './providers.ts';
import { inQuietHours, nextMorning } from './sms-rules.ts';

/** Seconds before retry n (1-based): 30 s doubling, at most an hour. */
export const retryDelaySeconds = (attempt: number) => Math.min(3600, 30 * 2 ** (attempt - 1));

/** Whether a customer's latest opt-out record says no. */
export async function isOptedOut(db: DB, customerId: number): Promise<boolean> {
  const latest = await db.selectFrom('sms_opt_outs').select('opted_out').where('customer_id', '=', customerId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return Boolean(latest?.opted_out);
}

/** Messages a customer got (or is being sent) since an instant: the frequency caps count these. */
async function sentSince(db: DB, customerId: number, since: string): Promise<number> {
  const row = await db
    .selectFrom('sms_messages')
    .select(sql<number>`count(*)`.as('total'))
    .where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null)
    .where('status', 'in', ['sending', 'sent', 'delivered'])
    .where(sql<string>`coalesce(sent_at, claimed_at)`, '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

export interface DispatchResult {
  /** Unacknowledged sends queued again (the gateway never had them, or cannot be asked). */
  recovered: number;
  /** Unacknowledged sends the gateway turned out to have accepted: recorded, not sent again. */
  reconciled: number;
  /** Unacknowledged sends the gateway could not answer for yet: left for the next pass. */
  unresolved: number;
  sent: number;
  retried: number;
  failed: number;
  deferred: number;
}

/**
 * One dispatch pass. (1) Messages left in "sending" past the lease were never acknowledged (the process died
 * during the gateway call or before its answer was stored): the gateway is asked about each (recoverUnacknowledged)
 * and only those it never accepted are queued again. (2) Due messages are claimed (SKIP LOCKED on PostgreSQL,
 * so nodes never take the same row) after the opt-out, quiet-hours and frequency-cap checks. (3) Each attempt
 * is stamped (claim time, attempt count, provider) and committed immediately before its gateway call, and the
 * answer is stored conditionally on that stamp: accepted → sent (or delivered), temporary failure → queued
 * again with backoff, refusal → failed.
 */
export async function dispatchDue(services: Services, provider: SmsProvider, limit = 50): Promise<DispatchResult> {
  const { config, clock, database } = services;
  const result: DispatchResult = { recovered: 0, reconciled: 0, unresolved: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
  const now = clock.now();
  const nowIso = now.toISOString();
  const leaseStart = new Date(now.getTime() - config.SMS_SEND_LEASE_SECONDS * 1000).toISOString();
  await recoverUnacknowledged(services, provider, leaseStart, result);

  const claimed = await database.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('sms_messages')
      .selectAll()
      .where('status', '=', 'queued')
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('scheduled_at', 'is', null), eb('scheduled_at', '<=', nowIso)]))
      .orderBy('scheduled_at')
      .orderBy('id')
      .limit(limit);
    if (database.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const rows: Row[] = [];
    for (const row of await query.execute()) {
      const id = Number(row.id);
      const customerId = row.customer_id == null ? null : Number(row.customer_id);
      if (customerId && (await isOptedOut(trx, customerId))) {
        await trx.updateTable('sms_messages').set({ status: 'failed', error: 'opted_out', updated_at: nowIso }).where('id', '=', id).execute();
        result.failed++;
        continue;
      }
      const defer = inQuietHours(config, now)
        ? 'quiet_hours'
        : customerId && (await sentSince(trx, customerId, new Date(now.getTime() - 86_400_000).toISOString())) >= config.SMS_DAILY_CAP
          ? 'daily_cap'
          : customerId && (await sentSince(trx, customerId, new Date(now.getTime() - 7 * 86_400_000).toISOString())) >= config.SMS_WEEKLY_CAP
            ? 'weekly_cap'
            : null;
      if (defer) {
        await trx.updateTable('sms_messages').set({ scheduled_at: nextMorning(config, now).toISOString(), error: `deferred: ${defer}`, updated_at: nowIso }).where('id', '=', id).execute();
        result.deferred++;
        continue;
      }
      const taken = await trx
        .updateTable('sms_messages')
        .set({ status: 'sending', claimed_at: nowIso, provider: provider.name, updated_at: nowIso })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) rows.push({ ...row, claimed_at: nowIso });
    }
    return rows;
  });

  const smsMessage = getEntity('smsMessage');
  for (const row of claimed) {
    const id = Number(row.id);
    // The attempt is recorded (committed) right before the gateway call, so the lease counts from the call
    // itself; a row another node recovered meanwhile (its claim stamp changed) is no longer ours to send.
    const attemptAt = clock.now().toISOString();
    const stamped = await database.db
      .updateTable('sms_messages')
      .set({ claimed_at: attemptAt, attempts: sql`coalesce(attempts, 0) + 1`, provider: provider.name, updated_at: attemptAt })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('claimed_at', '=', String(row.claimed_at))
      .executeTakeFirst();
    if (Number(stamped.numUpdatedRows) !== 1) continue;
    const template = row.template_id == null ? null : await database.db.selectFrom('sms_templates').select('provider_template_id').where('id', '=', Number(row.template_id)).executeTakeFirst();
    const params = row.template_params ? (JSON.parse(String(row.template_params)) as Record<string, string>) : {};
    let outcome: SendOutcome;
    try {
      outcome = await provider.send({
        reference: String(row.code),
        phone: revealField(smsMessage.fields.phone!, 'phone', row, services.cipher) ?? '',
        content: String(row.content),
        providerTemplateId: (template?.provider_template_id as string | null) ?? null,
        params,
      });
    } catch (error) {
      outcome = { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    const at = clock.now().toISOString();
    const attempts = Number(row.attempts ?? 0) + 1;
    const update =
      outcome.kind === 'accepted'
        ? { status: outcome.delivered ? 'delivered' : 'sent', sent_at: at, delivered_at: outcome.delivered ? at : null, provider_message_id: outcome.providerMessageId, error: null, claimed_at: null }
        : outcome.kind === 'retry' && attempts < config.SMS_MAX_ATTEMPTS
          ? { status: 'queued', scheduled_at: new Date(Date.parse(at) + retryDelaySeconds(attempts) * 1000).toISOString(), error: outcome.error, claimed_at: null }
          : { status: 'failed', error: outcome.error, claimed_at: null };
    // Only a row still in "sending" under our attempt's stamp is ours: a recovery that took it meanwhile wins.
    await database.db.updateTable('sms_messages').set({ ...update, updated_at: at }).where('id', '=', id).where('status', '=', 'sending').where('claimed_at', '=', attemptAt).execute();
    if (outcome.kind === 'accepted') result.sent++;
    else if (update.status === 'queued') result.retried++;
    else result.failed++;
  }
  return result;
}

/**
 * Messages left in "sending" past the lease: the process died during the gateway call or before storing its
 * answer. Where the provider can be asked (the message went out under our code as Aliyun OutId / Tencent
 * SessionContext), the gateway's record decides: accepted → stored as sent (or delivered / failed by its
 * report) and never sent again; not there → queued again to go out with the same code; no answer → left
 * for the next pass. Messages of a provider that cannot be asked (the log provider, or a provider since
 * replaced) are queued again. Each change is conditional on the claim stamp read, so two nodes recovering
 * at once change a message once.
 */
async function recoverUnacknowledged(services: Services, provider: SmsProvider, leaseStart: string, result: DispatchResult): Promise<void> {
  const { database, clock } = services;
  const smsMessage = getEntity('smsMessage');
  const stale = await database.db
    .selectFrom('sms_messages')
    .selectAll()
    .where('status', '=', 'sending')
    .where('provider_message_id', 'is', null)
    .where('claimed_at', '<', leaseStart)
    .where('deleted_at', 'is', null)
    .orderBy('claimed_at')
    .limit(200)
    .execute();
  for (const row of stale) {
    const id = Number(row.id);
    const claimedAt = row.claimed_at instanceof Date ? row.claimed_at.toISOString() : String(row.claimed_at);
    const mine = (query: ReturnType<typeof database.db.updateTable<'sms_messages'>>) => query.where('id', '=', id).where('status', '=', 'sending').where('claimed_at', '=', claimedAt);
    const at = clock.now().toISOString();
    const askable = provider.lookup && row.provider === provider.name;
    const found = askable
      ? await provider.lookup!({ reference: String(row.code), phone: revealField(smsMessage.fields.phone!, 'phone', row, services.cipher) ?? '', since: new Date(claimedAt) }).catch(
          (error: unknown): LookupOutcome => ({ kind: 'unknown', error: error instanceof Error ? error.message : String(error) }),
        )
      : ({ kind: 'notFound' } as const);
    if (found.kind === 'found') {
      const status = found.report === 'delivered' ? 'delivered' : found.report === 'failed' ? 'failed' : 'sent';
      const updated = await mine(database.db.updateTable('sms_messages'))
        .set({ status, sent_at: claimedAt, delivered_at: status === 'delivered' ? at : null, provider_message_id: found.providerMessageId, error: found.error ?? 'reconciled: accepted by the gateway before the interruption', claimed_at: null, updated_at: at })
        .executeTakeFirst();
      result.reconciled += Number(updated.numUpdatedRows);
    } else if (found.kind === 'notFound') {
      const updated = await mine(database.db.updateTable('sms_messages'))
        .set({ status: 'queued', claimed_at: null, error: askable ? 'unacknowledged: not at the gateway, queued again (same reference)' : 'unacknowledged: send interrupted, queued again', updated_at: at })
        .executeTakeFirst();
      result.recovered += Number(updated.numUpdatedRows);
    } else {
      await mine(database.db.updateTable('sms_messages')).set({ error: `unacknowledged: gateway not answering yet (${found.error})`.slice(0, 500), updated_at: at }).executeTakeFirst();
      result.unresolved++;
    }
  }
}

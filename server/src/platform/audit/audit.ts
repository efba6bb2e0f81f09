import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DB, Dialect } from '../../db/database.ts';

export interface AuditEntry {
  at: string;
  actorId: number | null;
  actorName: string | null;
  ip: string | null;
  requestId: string | null;
  module: string;
  recordId: number | null;
  action: string;
  /** field → {before?, after?}; personal data already masked by the caller. */
  changes?: Record<string, unknown> | null;
}

export const genesisHash = '0'.repeat(64);

export function auditRowHash(prevHash: string, entry: AuditEntry): string {
  const canonical = JSON.stringify([
    prevHash,
    entry.at,
    entry.actorId,
    entry.actorName,
    entry.ip,
    entry.requestId,
    entry.module,
    entry.recordId,
    entry.action,
    entry.changes ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one operation-log row inside the caller's transaction. Rows are hash-chained; on PostgreSQL an
 * advisory lock serialises appenders so the chain has no forks (SQLite serialises writers already).
 */
export async function writeAudit(trx: DB, dialect: Dialect, entry: AuditEntry): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(740117)`.execute(trx);
  const prevHash = await lastChainHash(trx);
  await trx
    .insertInto('audit_logs')
    .values({
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: entry.actorName,
      ip: entry.ip,
      request_id: entry.requestId,
      module: entry.module,
      record_id: entry.recordId,
      action: entry.action,
      changes: entry.changes ? JSON.stringify(entry.changes) : null,
      prev_hash: prevHash,
      hash: auditRowHash(prevHash, entry),
    })
    .execute();
}

/** Appends several operation-log rows chained in the given order (imports: one insert per few hundred rows). */
export async function writeAudits(trx: DB, dialect: Dialect, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(740117)`.execute(trx);
  let prevHash = await lastChainHash(trx);
  const rows = entries.map((entry) => {
    const hash = auditRowHash(prevHash, entry);
    const row = {
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: entry.actorName,
      ip: entry.ip,
      request_id: entry.requestId,
      module: entry.module,
      record_id: entry.recordId,
      action: entry.action,
      changes: entry.changes ? JSON.stringify(entry.changes) : null,
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  // A multi-row insert assigns ids in the listed order, so ids follow the chain.
  for (let start = 0; start < rows.length; start += 500) await trx.insertInto('audit_logs').values(rows.slice(start, start + 500)).execute();
}

/** Hash the next row links to: the newest row's, or, when every row has been archived, the last archive's. */
async function lastChainHash(trx: DB): Promise<string> {
  const last = await trx.selectFrom('audit_logs').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (last) return String(last.hash);
  return (await archiveAnchor(trx)).hash;
}

/** Where the rows still in the table start: after the newest archive (its last id and hash), or at the genesis. */
export async function archiveAnchor(db: DB): Promise<{ lastId: number; hash: string }> {
  const archive = await db.selectFrom('audit_archives').select(['last_id', 'last_hash']).orderBy('last_id', 'desc').limit(1).executeTakeFirst();
  return archive ? { lastId: Number(archive.last_id), hash: String(archive.last_hash) } : { lastId: 0, hash: genesisHash };
}

/** A stored row as the values its hash was computed from (timestamps as ISO strings, changes parsed). */
export function auditEntryOf(row: Record<string, unknown>): AuditEntry {
  return {
    at: String(row.at),
    actorId: row.actor_id == null ? null : Number(row.actor_id),
    actorName: (row.actor_name as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    requestId: (row.request_id as string | null) ?? null,
    module: String(row.module),
    recordId: row.record_id == null ? null : Number(row.record_id),
    action: String(row.action),
    changes: row.changes ? (JSON.parse(String(row.changes)) as Record<string, unknown>) : null,
  };
}

/**
 * Walks the chain from the newest archive's last hash (the genesis when nothing was archived); returns the id of
 * the first row whose hash or link does not match, or null.
 */
export async function verifyAuditChain(db: DB): Promise<{ checked: number; firstBadId: number | null }> {
  let prevHash = (await archiveAnchor(db)).hash;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_logs').selectAll().where('id', '>', afterId).orderBy('id').limit(5000).execute();
    if (!rows.length) return { checked, firstBadId: null };
    for (const row of rows) {
      if (row.prev_hash !== prevHash || row.hash !== auditRowHash(prevHash, auditEntryOf(row))) return { checked, firstBadId: Number(row.id) };
      prevHash = String(row.hash);
      checked++;
      afterId = Number(row.id);
    }
  }
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { systemContext } from '../../bootstrap.ts';
import type { DB } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { type AuditEntry, archiveAnchor, auditEntryOf, auditRowHash, genesisHash, verifyAuditChain, writeAudit } from './audit.ts';

/** What an archive's `.manifest.json` holds; the same figures are kept in the audit_archives table. */
export interface ArchiveManifest {
  format: 1;
  file: string;
  rows: number;
  firstId: number;
  lastId: number;
  firstPrevHash: string;
  lastHash: string;
  fromAt: string;
  toAt: string;
  /** SHA-256 of the compressed file. */
  sha256: string;
  createdAt: string;
}

/** One line of an archive file: the stored row, changes parsed, so the line alone recomputes its hash. */
interface ArchiveLine extends AuditEntry {
  id: number;
  prevHash: string;
  hash: string;
}

export interface ArchiveResult {
  files: string[];
  rows: number;
  cutoff: string;
}

const dayMs = 86_400_000;
export const archiveFileName = (firstId: number) => `audit-${String(firstId).padStart(12, '0')}.jsonl.gz`;
const manifestNameOf = (fileName: string) => fileName.replace(/\.jsonl\.gz$/, '.manifest.json');

/** Writes to a temporary name, syncs the file and its directory, then renames: a crash never leaves half a file. */
function writeDurably(directory: string, fileName: string, content: Buffer) {
  const target = path.join(directory, fileName);
  const temporary = `${target}.tmp-${process.pid}`;
  const handle = fs.openSync(temporary, 'w', 0o640);
  try {
    fs.writeSync(handle, content);
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  fs.renameSync(temporary, target);
  const directoryHandle = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(directoryHandle);
  } finally {
    fs.closeSync(directoryHandle);
  }
}

/**
 * Moves operation-log rows older than AUDIT_RETENTION_DAYS into gzip'd JSON-lines files under the archive
 * directory (one manifest each), then deletes them through the archival path. Only the oldest unbroken run
 * of the chain leaves, so nothing younger than the retention (and nothing after it) is ever removed; a broken
 * chain is never archived. Idempotent: a run that failed after writing its file rewrites the same file name.
 */
export async function archiveAuditLogs(services: Services, options: { batchRows?: number } = {}): Promise<ArchiveResult> {
  const { database, config, clock } = services;
  const batchRows = options.batchRows ?? 50_000;
  const cutoff = new Date(clock.now().getTime() - config.AUDIT_RETENTION_DAYS * dayMs).toISOString();
  const result: ArchiveResult = { files: [], rows: 0, cutoff };
  // Rows from the first one inside the retention onwards stay, even if an older timestamp follows (clock skew).
  const young = await database.db.selectFrom('audit_logs').select((eb) => eb.fn.min('id').as('id')).where('at', '>=', cutoff).executeTakeFirst();
  // Without a young row the run ends at the newest row now present: its own archival entries are not its to take.
  const newest = await database.db.selectFrom('audit_logs').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const boundary = young?.id != null ? Number(young.id) : newest?.id != null ? Number(newest.id) + 1 : 0;
  fs.mkdirSync(config.auditArchiveDir, { recursive: true });
  for (;;) {
    const rows = await database.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('id', '<', boundary)
      .orderBy('id')
      .limit(batchRows)
      .execute();
    if (!rows.length) return result;
    const anchor = await archiveAnchor(database.db);
    let prevHash = anchor.hash;
    const lines: ArchiveLine[] = rows.map((row) => {
      const entry = auditEntryOf(row);
      if (row.prev_hash !== prevHash || row.hash !== auditRowHash(prevHash, entry)) {
        throw new Error(`audit chain broken at row ${row.id}: nothing archived (run \`npm run -s cli -- audit verify\`)`);
      }
      prevHash = String(row.hash);
      return { id: Number(row.id), ...entry, prevHash: String(row.prev_hash), hash: String(row.hash) };
    });
    const first = lines[0]!;
    const last = lines.at(-1)!;
    const compressed = gzipSync(Buffer.from(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, 'utf8'), { level: 9 });
    const fileName = archiveFileName(first.id);
    const manifest: ArchiveManifest = {
      format: 1,
      file: fileName,
      rows: lines.length,
      firstId: first.id,
      lastId: last.id,
      firstPrevHash: first.prevHash,
      lastHash: last.hash,
      fromAt: first.at,
      toAt: last.at,
      sha256: createHash('sha256').update(compressed).digest('hex'),
      createdAt: clock.now().toISOString(),
    };
    writeDurably(config.auditArchiveDir, fileName, compressed);
    writeDurably(config.auditArchiveDir, manifestNameOf(fileName), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    await database.db.transaction().execute(async (trx) => {
      if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(740117)`.execute(trx);
      // Another node may have archived this run meanwhile: the rows must still be exactly the ones in the file.
      const count = await trx.selectFrom('audit_logs').select((eb) => eb.fn.countAll().as('n')).where('id', '>=', first.id).where('id', '<=', last.id).executeTakeFirst();
      const lastRow = await trx.selectFrom('audit_logs').select('hash').where('id', '=', last.id).executeTakeFirst();
      const current = await archiveAnchor(trx);
      if (Number(count?.n) !== lines.length || lastRow?.hash !== last.hash || current.hash !== anchor.hash) throw new Error('audit rows changed while archiving; try again');
      await trx
        .insertInto('audit_archives')
        .values({
          file_name: fileName,
          first_id: first.id,
          last_id: last.id,
          row_count: lines.length,
          first_prev_hash: first.prevHash,
          last_hash: last.hash,
          from_at: first.at,
          to_at: last.at,
          file_sha256: manifest.sha256,
          created_at: manifest.createdAt,
        })
        .execute();
      const removed = await deleteArchivedRows(trx, database.dialect, first.id, last.id);
      if (removed !== lines.length) throw new Error(`archival removed ${removed} rows, expected ${lines.length}`);
      const ctx = systemContext(services, trx);
      await writeAudit(trx, database.dialect, {
        at: ctx.now.toISOString(),
        actorId: ctx.actor.accountId,
        actorName: ctx.actor.displayName,
        ip: null,
        requestId: 'audit-archive',
        module: 'auditLog',
        recordId: null,
        action: 'archive',
        changes: { file: fileName, firstId: first.id, lastId: last.id, rows: lines.length, lastHash: last.hash, sha256: manifest.sha256, retentionDays: config.AUDIT_RETENTION_DAYS },
      });
    });
    result.files.push(fileName);
    result.rows += lines.length;
  }
}

/** The one DELETE the append-only triggers let through (see auditArchivalStatements). */
async function deleteArchivedRows(trx: DB, dialect: 'sqlite' | 'postgres', firstId: number, lastId: number): Promise<number> {
  if (dialect === 'postgres') {
    const { rows } = await sql<{ removed: number }>`select audit_logs_archive(${firstId}, ${lastId}) as removed`.execute(trx);
    return Number(rows[0]?.removed ?? 0);
  }
  await trx.insertInto('audit_archive_guard').values({ first_id: firstId, last_id: lastId }).execute();
  const deleted = await trx.deleteFrom('audit_logs').where('id', '>=', firstId).where('id', '<=', lastId).executeTakeFirst();
  await trx.deleteFrom('audit_archive_guard').where('first_id', '=', firstId).execute();
  return Number(deleted.numDeletedRows);
}

export interface ArchiveFileCheck {
  file: string;
  rows: number;
  firstId: number | null;
  lastId: number | null;
  firstPrevHash: string | null;
  lastHash: string | null;
  problems: string[];
}

/** Checks one archive file on its own: SHA-256 against its manifest, every line's hash and link, the manifest's figures. */
export function verifyArchiveFile(filePath: string): ArchiveFileCheck {
  const file = path.basename(filePath);
  const check: ArchiveFileCheck = { file, rows: 0, firstId: null, lastId: null, firstPrevHash: null, lastHash: null, problems: [] };
  if (!fs.existsSync(filePath)) {
    check.problems.push(`${file}: file not found`);
    return check;
  }
  const manifestPath = path.join(path.dirname(filePath), manifestNameOf(file));
  const manifest = fs.existsSync(manifestPath) ? (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ArchiveManifest) : null;
  if (!manifest) check.problems.push(`${file}: manifest ${path.basename(manifestPath)} not found`);
  const compressed = fs.readFileSync(filePath);
  const sha256 = createHash('sha256').update(compressed).digest('hex');
  if (manifest && manifest.sha256 !== sha256) check.problems.push(`${file}: SHA-256 ${sha256} differs from the manifest's ${manifest.sha256}`);
  let text: string;
  try {
    text = gunzipSync(compressed).toString('utf8');
  } catch {
    check.problems.push(`${file}: not a readable gzip file`);
    return check;
  }
  let prevHash: string | null = null;
  for (const raw of text.split('\n').filter(Boolean)) {
    const line = JSON.parse(raw) as ArchiveLine;
    if (prevHash === null) {
      prevHash = line.prevHash;
      check.firstId = line.id;
      check.firstPrevHash = line.prevHash;
    }
    const { id, prevHash: linked, hash, ...entry } = line;
    if (linked !== prevHash || hash !== auditRowHash(prevHash, entry)) {
      check.problems.push(`${file}: chain broken at row ${id}`);
      return check;
    }
    prevHash = hash;
    check.rows++;
    check.lastId = id;
    check.lastHash = hash;
  }
  if (manifest) {
    const expected = { rows: manifest.rows, firstId: manifest.firstId, lastId: manifest.lastId, firstPrevHash: manifest.firstPrevHash, lastHash: manifest.lastHash };
    for (const [key, value] of Object.entries(expected)) {
      if (check[key as keyof typeof expected] !== value) check.problems.push(`${file}: ${key} is ${check[key as keyof typeof expected]}, the manifest says ${value}`);
    }
  }
  return check;
}

export interface AuditTrailCheck {
  archives: ArchiveFileCheck[];
  /** Rows still in the table, verified from the newest archive's last hash. */
  table: { checked: number; firstBadId: number | null };
  problems: string[];
}

/**
 * The whole trail: every recorded archive file (in order, each continuing the previous one's last hash from
 * the genesis), then the table's rows continuing the newest archive.
 */
export async function verifyAuditTrail(db: DB, archiveDir: string): Promise<AuditTrailCheck> {
  const records = await db.selectFrom('audit_archives').selectAll().orderBy('first_id').execute();
  const archives: ArchiveFileCheck[] = [];
  const problems: string[] = [];
  let expectedPrev = genesisHash;
  for (const record of records) {
    const check = verifyArchiveFile(path.join(archiveDir, String(record.file_name)));
    archives.push(check);
    problems.push(...check.problems);
    if (String(record.first_prev_hash) !== expectedPrev) problems.push(`${record.file_name}: does not continue the previous archive's last hash`);
    if (check.lastHash !== null && (check.lastHash !== record.last_hash || check.firstPrevHash !== record.first_prev_hash)) {
      problems.push(`${record.file_name}: hashes differ from the audit_archives record`);
    }
    if (check.rows && check.rows !== Number(record.row_count)) problems.push(`${record.file_name}: ${check.rows} rows, the audit_archives record says ${record.row_count}`);
    expectedPrev = String(record.last_hash);
  }
  const table = await verifyAuditChain(db);
  if (table.firstBadId !== null) problems.push(`audit chain broken at row ${table.firstBadId} (${table.checked} rows verified before it)`);
  return { archives, table, problems };
}

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { getEntity } from '@insure/model/registry';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Services } from '../../entities/context.ts';
import { customFieldsFor } from '../../entities/custom-fields.ts';
import { csvStream, exportColumns, exportRecords, xlsxStream } from '../../entities/export.ts';
import { openSqlite } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { systemActor } from '../../platform/access/system-actor.ts';
import type { ScheduledJob } from '../../platform/scheduler.ts';
import { AppError } from '../../platform/errors.ts';
import { ArchiveError, digestFile, extractArchive, isEncrypted, sha256OfFile, writeArchive } from './archive.ts';
import { type BackupCatalogue, type BackupKind, type BackupRecord, type BackupTrigger, newBackupId, retainedIds } from './catalogue.ts';

const run = promisify(execFile);
const manifestName = 'manifest.json';
const sqliteEntry = 'database.sqlite';
const pgEntry = 'database.pgdump';

export interface BackupManifest {
  format: 'insure-backup';
  formatVersion: 1;
  kind: BackupKind;
  engine: 'sqlite' | 'postgres';
  createdAt: string;
  schemaVersion: string | null;
  migrations: string[];
  modules?: string[];
  /** PostgreSQL: the schema the dump was taken from (its objects are named with it). */
  pgSchema?: string;
  entries: { name: string; size: number; sha256: string }[];
}

export interface Initiator {
  accountId: number | null;
  name: string;
}

export function backupKey(services: Services): Buffer | null {
  const key = services.config.BACKUP_ENCRYPTION_KEY;
  return key ? Buffer.from(key, 'base64') : null;
}

const attachmentRoot = (services: Services) => path.resolve(services.config.ATTACHMENT_DIR ?? path.join(services.config.DATA_DIR, 'attachments'));

/** Refusal of a backup file with a machine reason (translated for the UI like any field error). */
export const refused = (reason: string, params: Record<string, unknown> = {}) => new AppError('VALIDATION', {}, { backup: { reason: `backup_${reason}`, params } });

async function appliedMigrations(services: Services): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(services.database.db);
  return rows.rows.map((row) => row.name);
}

/** Connection string for the PostgreSQL client tools (the same database, schema and credentials). */
function pgUrl(services: Services): string {
  const url = services.config.DATABASE_URL;
  if (!url?.startsWith('postgres')) throw new Error('not a PostgreSQL installation');
  return url;
}

async function currentSchema(services: Services): Promise<string> {
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(services.database.db);
  return row.rows[0]!.schema;
}

/** Hard links (or copies across devices) every stored attachment into `target`: later deletions cannot disturb the archive. */
async function snapshotAttachments(services: Services, target: string): Promise<{ name: string; file: string }[]> {
  const root = attachmentRoot(services);
  const entries: { name: string; file: string }[] = [];
  const walk = async (directory: string, relative: string) => {
    let names: fs.Dirent[];
    try {
      names = await fs.promises.readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const dirent of names) {
      const rel = relative ? `${relative}/${dirent.name}` : dirent.name;
      const source = path.join(directory, dirent.name);
      if (dirent.isDirectory()) await walk(source, rel);
      else if (dirent.isFile() && !dirent.name.endsWith('.part')) {
        const destination = path.join(target, 'attachments', rel);
        await fs.promises.mkdir(path.dirname(destination), { recursive: true });
        try {
          await fs.promises.link(source, destination);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          await fs.promises.copyFile(source, destination);
        }
        entries.push({ name: `attachments/${rel}`, file: destination });
      }
    }
  };
  await walk(root, '');
  return entries;
}

async function finish(catalogue: BackupCatalogue, record: BackupRecord, started: number, work: () => Promise<{ sizeBytes: number; sha256: string; schemaVersion?: string | null }>): Promise<BackupRecord> {
  await catalogue.save(record);
  try {
    const result = await work();
    Object.assign(record, result, { status: 'succeeded' });
  } catch (error) {
    record.status = 'failed';
    record.error = error instanceof Error ? error.message.slice(0, 500) : String(error);
  }
  // Times follow the service clock (tests move it); the duration is measured.
  record.durationMs = Date.now() - started;
  record.finishedAt = new Date(new Date(record.startedAt).getTime() + record.durationMs).toISOString();
  await catalogue.save(record);
  return record;
}

/** The record of a backup being taken: running, with its file name (".enc" when a key is configured). */
function startRecord(services: Services, kind: BackupKind, trigger: BackupTrigger, by: Initiator, extra: Partial<BackupRecord> = {}) {
  const now = services.clock.now();
  const started = Date.now();
  const key = backupKey(services);
  const id = newBackupId(kind, now);
  const record: BackupRecord = {
    id,
    kind,
    trigger,
    fileName: `${id}.tar.gz${key ? '.enc' : ''}`,
    status: 'running',
    engine: services.database.dialect,
    schemaVersion: null,
    encrypted: key !== null,
    sizeBytes: null,
    sha256: null,
    startedAt: now.toISOString(),
    finishedAt: null,
    durationMs: null,
    createdBy: by,
    ...extra,
    error: null,
  };
  return { record, id, now, started, key };
}

/**
 * A full online backup: a consistent copy of the database taken while the product keeps serving (SQLite's
 * online backup API, which picks up writes made meanwhile through the same connection; `pg_dump -Fc`, one
 * repeatable-read snapshot), then the attachments, packed with a manifest of checksums.
 */
export async function createSystemBackup(services: Services, catalogue: BackupCatalogue, by: Initiator, trigger: BackupTrigger): Promise<BackupRecord> {
  const { record, id, now, started, key } = startRecord(services, 'system', trigger, by);
  return finish(catalogue, record, started, async () => {
    const scratch = await catalogue.scratch(id);
    try {
      let databaseEntry: { name: string; file: string };
      let applied: string[];
      let pgSchema: string | undefined;
      if (services.database.sqlite) {
        const file = path.join(scratch, sqliteEntry);
        await services.database.sqlite.backup(file);
        const copy = new SQLite(file, { readonly: true });
        try {
          applied = (copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name);
        } finally {
          copy.close();
        }
        databaseEntry = { name: sqliteEntry, file };
      } else {
        applied = await appliedMigrations(services);
        const file = path.join(scratch, pgEntry);
        pgSchema = await currentSchema(services);
        await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${pgSchema}`, `--file=${file}`, `--dbname=${pgUrl(services)}`], { maxBuffer: 16 * 1024 * 1024 });
        databaseEntry = { name: pgEntry, file };
      }
      // Attachments after the database: every file a backed-up row points to was stored before that row committed.
      const files = [databaseEntry, ...(await snapshotAttachments(services, scratch))];
      const entries = [];
      for (const file of files) entries.push({ ...(await digestFile(file.file)), name: file.name });
      const manifest: BackupManifest = {
        format: 'insure-backup',
        formatVersion: 1,
        kind: 'system',
        engine: services.database.dialect,
        createdAt: now.toISOString(),
        schemaVersion: applied.at(-1) ?? null,
        migrations: applied,
        pgSchema,
        entries,
      };
      const written = await writeArchive(catalogue.archivePath(record), [{ name: manifestName, content: Buffer.from(JSON.stringify(manifest, null, 2)) }, ...files], key, now.getTime());
      return { ...written, schemaVersion: manifest.schemaVersion };
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
    }
  });
}

/** "Important data": the chosen modules exported as the users know them (labelled columns, the actor's scope, personal data masked). */
export async function createImportantDataExport(services: Services, catalogue: BackupCatalogue, actor: Actor, by: Initiator, trigger: BackupTrigger, modules: string[], format: 'csv' | 'xlsx'): Promise<BackupRecord> {
  const { record, id, now, started, key } = startRecord(services, 'importantData', trigger, by, { modules, format });
  return finish(catalogue, record, started, async () => {
    const scratch = await catalogue.scratch(id);
    try {
      const files: { name: string; file: string }[] = [];
      for (const name of modules) {
        const entity = getEntity(name);
        const columns = exportColumns(entity, undefined, actor.locale === 'en-US' ? 'en-US' : 'zh-CN', await customFieldsFor(services.database.db, entity));
        const batches = exportRecords(services, entity, actor, { filters: {} });
        const file = path.join(scratch, `${entity.plural}.${format}`);
        let failure: unknown = null;
        const stream = format === 'csv' ? csvStream(columns, batches) : xlsxStream(entity.label.zh, columns, batches, (error) => (failure = error));
        await pipeline(stream, fs.createWriteStream(file, { mode: 0o600 }));
        if (failure) throw failure;
        files.push({ name: path.basename(file), file });
      }
      const entries = [];
      for (const file of files) entries.push({ ...(await digestFile(file.file)), name: file.name });
      const manifest: BackupManifest = { format: 'insure-backup', formatVersion: 1, kind: 'importantData', engine: services.database.dialect, createdAt: now.toISOString(), schemaVersion: null, migrations: [], modules, entries };
      // Awaited here, not returned as a promise: the scratch directory is removed in `finally`.
      return await writeArchive(catalogue.archivePath(record), [{ name: manifestName, content: Buffer.from(JSON.stringify(manifest, null, 2)) }, ...files], key, now.getTime());
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
    }
  });
}

export interface VerifiedBackup {
  manifest: BackupManifest;
  /** Scratch directory holding the unpacked, checked files; the caller removes it. */
  directory: string;
}

/**
 * Everything a restore needs to know before it touches anything: the file's checksum matches its record,
 * it decrypts and unpacks, every entry matches the manifest, it is a system backup of this engine from a
 * schema this version knows, and the database inside opens and passes an integrity check.
 */
export async function verifyBackup(services: Services, catalogue: BackupCatalogue, file: string, expectedSha256: string | null): Promise<VerifiedBackup> {
  if (expectedSha256 && (await sha256OfFile(file)) !== expectedSha256) throw refused('checksum_mismatch');
  const directory = await catalogue.scratch('verify');
  try {
    let digests;
    try {
      digests = await extractArchive(file, directory, backupKey(services));
    } catch (error) {
      throw refused(error instanceof ArchiveError ? error.reason : 'damaged');
    }
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await fs.promises.readFile(path.join(directory, manifestName), 'utf8')) as BackupManifest;
    } catch {
      throw refused('no_manifest');
    }
    if (manifest.format !== 'insure-backup' || manifest.formatVersion !== 1 || !Array.isArray(manifest.entries)) throw refused('no_manifest');
    const unpacked = new Map(digests.map((digest) => [digest.name, digest]));
    if (unpacked.size !== manifest.entries.length + 1) throw refused('entries_mismatch');
    for (const entry of manifest.entries) {
      const digest = unpacked.get(entry.name);
      if (!digest || digest.size !== entry.size || digest.sha256 !== entry.sha256) throw refused('entries_mismatch', { entry: entry.name });
    }
    if (manifest.kind === 'system') await checkDatabaseCopy(services, manifest, directory);
    return { manifest, directory };
  } catch (error) {
    await fs.promises.rm(directory, { recursive: true, force: true });
    throw error;
  }
}

async function checkDatabaseCopy(services: Services, manifest: BackupManifest, directory: string): Promise<void> {
  if (manifest.engine !== services.database.dialect) throw refused('engine_mismatch', { engine: manifest.engine });
  const known = migrations.map((migration) => migration.name);
  if (manifest.migrations.some((name) => !known.includes(name))) throw refused('newer_schema', { schemaVersion: manifest.schemaVersion });
  if (manifest.engine === 'sqlite') {
    let copy: SQLite.Database;
    try {
      copy = new SQLite(path.join(directory, sqliteEntry), { readonly: true, fileMustExist: true });
    } catch {
      throw refused('database_unreadable');
    }
    try {
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw refused('integrity_failed');
      if ((copy.pragma('foreign_key_check') as unknown[]).length) throw refused('integrity_failed');
      const applied = (copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name);
      if (JSON.stringify(applied) !== JSON.stringify(manifest.migrations)) throw refused('entries_mismatch');
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw refused('database_unreadable');
    } finally {
      copy.close();
    }
  } else {
    // Reading every data block (to /dev/null) proves the dump is whole, not only its table of contents.
    const dump = path.join(directory, pgEntry);
    try {
      await run('pg_restore', ['--list', dump], { maxBuffer: 64 * 1024 * 1024 });
      await run('pg_restore', ['--file=/dev/null', dump], { maxBuffer: 16 * 1024 * 1024 });
    } catch {
      throw refused('database_unreadable');
    }
  }
}

export interface RestoreResult {
  restoredFrom: string;
  safetyBackup: string;
  migrationsApplied: string[];
}

/**
 * Verified first (nothing changes if the file is refused), then a safety backup of the current state, then
 * the swap under maintenance mode in one step that either completes or leaves the live data as it was.
 * Everyone is signed out afterwards: sessions and accounts of the restored state may differ from the live ones.
 */
export async function restoreBackup(services: Services, catalogue: BackupCatalogue, record: BackupRecord, by: Initiator, ownRequests: number): Promise<RestoreResult> {
  if (record.kind !== 'system') throw refused('not_restorable');
  if (record.status !== 'succeeded') throw refused('not_restorable');
  const verified = await verifyBackup(services, catalogue, catalogue.archivePath(record), record.sha256);
  try {
    let migrationsApplied: string[] = [];
    let preparedCopy: string | null = null;
    if (verified.manifest.engine === 'sqlite') {
      // Migrated forward on the copy, so the swap moves rows between identical schemas.
      preparedCopy = path.join(verified.directory, sqliteEntry);
      const copy = openSqlite(preparedCopy, 'FULL');
      try {
        migrationsApplied = await migrateToLatest(copy);
      } finally {
        await copy.close();
      }
      assertSameSchema(services.database.sqlite!, preparedCopy);
    }
    if (verified.manifest.engine === 'postgres') await assertSchemaFree(services, verified.manifest.pgSchema);
    // Attachment files are write-once under random keys: adding the backup's ones first harms nothing live.
    await restoreAttachments(services, verified.directory);
    const accountsBefore = await accountIds(services);
    await services.maintenance.enter(`restore ${record.id}`, ownRequests, services.config.SHUTDOWN_TIMEOUT_MS);
    let safety: BackupRecord;
    try {
      safety = await createSystemBackup(services, catalogue, by, 'safety');
      if (safety.status !== 'succeeded') throw new AppError('UNAVAILABLE', { reason: 'safety_backup_failed' });
      if (preparedCopy) await swapSqlite(services.database.sqlite!, preparedCopy);
      else migrationsApplied = await swapPostgres(services, path.join(verified.directory, pgEntry), verified.manifest.pgSchema!);
    } finally {
      services.maintenance.leave();
    }
    services.database.changes.bump('all');
    for (const accountId of new Set([...accountsBefore, ...(await accountIds(services))])) await services.sessions.endAllFor(accountId);
    await catalogue.logRestore({ at: services.clock.now().toISOString(), backup: record.id, safetyBackup: safety.id, by, migrationsApplied });
    return { restoredFrom: record.id, safetyBackup: safety.id, migrationsApplied };
  } finally {
    await fs.promises.rm(verified.directory, { recursive: true, force: true });
  }
}

async function accountIds(services: Services): Promise<number[]> {
  return (await services.database.db.selectFrom('accounts').select('id').execute()).map((row) => Number(row.id));
}

const userTables = (sqlite: SQLite.Database, schema: string) =>
  (sqlite.prepare(`select name from ${schema}.sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[]).map((row) => row.name);

const columnsOf = (sqlite: SQLite.Database, schema: string, table: string) =>
  (sqlite.prepare(`select name from pragma_table_info(?, ?) order by cid`).all(table, schema) as { name: string }[]).map((row) => row.name);

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

function assertSameSchema(live: SQLite.Database, copyFile: string): void {
  const copy = new SQLite(copyFile, { readonly: true });
  try {
    const liveTables = userTables(live, 'main');
    const copyTables = userTables(copy, 'main');
    const same = JSON.stringify(liveTables) === JSON.stringify(copyTables) && liveTables.every((table) => JSON.stringify([...columnsOf(live, 'main', table)].sort()) === JSON.stringify([...columnsOf(copy, 'main', table)].sort()));
    if (!same) throw refused('schema_mismatch');
  } finally {
    copy.close();
  }
}

/**
 * Replaces every row of the live database with the copy's in one transaction on the live connection
 * (triggers such as the operation log's append-only guard are lifted and put back inside it): other
 * connections see the old state or the new one, never a mix, and nothing has to be reopened.
 */
async function swapSqlite(live: SQLite.Database, copyFile: string): Promise<void> {
  // A Kysely transaction left open by a request that just finished its response would otherwise collide.
  for (let attempt = 0; live.inTransaction && attempt < 200; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  live.prepare('attach database ? as restore_source').run(copyFile);
  try {
    live.pragma('defer_foreign_keys = on');
    live.transaction(() => {
      const triggers = live.prepare(`select name, sql from main.sqlite_master where type = 'trigger'`).all() as { name: string; sql: string }[];
      for (const trigger of triggers) live.exec(`drop trigger main.${quote(trigger.name)}`);
      const tables = userTables(live, 'main');
      // Every table emptied before any is filled: a cascading delete must not remove rows already copied.
      for (const table of tables) live.exec(`delete from main.${quote(table)}`);
      for (const table of tables) {
        const columns = columnsOf(live, 'main', table).map(quote).join(', ');
        live.exec(`insert into main.${quote(table)} (${columns}) select ${columns} from restore_source.${quote(table)}`);
      }
      const sequences = live.prepare(`select 1 from restore_source.sqlite_master where name = 'sqlite_sequence'`).get();
      if (sequences) {
        live.exec('delete from main.sqlite_sequence');
        live.exec('insert into main.sqlite_sequence (name, seq) select name, seq from restore_source.sqlite_sequence');
      }
      for (const trigger of triggers) live.exec(trigger.sql);
      if ((live.pragma('foreign_key_check') as unknown[]).length) throw refused('integrity_failed');
    }).immediate();
  } finally {
    live.prepare('detach database restore_source').run();
  }
}

async function restoreAttachments(services: Services, directory: string): Promise<void> {
  const source = path.join(directory, 'attachments');
  const root = attachmentRoot(services);
  const walk = async (relative: string): Promise<void> => {
    let names: fs.Dirent[];
    try {
      names = await fs.promises.readdir(path.join(source, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const dirent of names) {
      const rel = relative ? path.join(relative, dirent.name) : dirent.name;
      if (dirent.isDirectory()) {
        await walk(rel);
        continue;
      }
      const target = path.join(root, rel);
      if (fs.existsSync(target)) continue;
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.copyFile(path.join(source, rel), `${target}.part`);
      await fs.promises.rename(`${target}.part`, target);
    }
  };
  await walk('');
}

async function schemaExists(services: Services, schema: string): Promise<boolean> {
  const rows = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(services.database.db);
  return rows.rows.length > 0;
}

/** A dump from another schema name is restored under that name and then renamed: the name must be free. */
async function assertSchemaFree(services: Services, dumpSchema: string | undefined): Promise<void> {
  if (!dumpSchema) throw refused('no_manifest');
  if (dumpSchema !== (await currentSchema(services)) && (await schemaExists(services, dumpSchema))) throw refused('schema_in_use', { schema: dumpSchema });
}

/**
 * pg_restore cannot load into another schema name, so the live schema is renamed aside, the dump restored
 * under its own schema name in one transaction (then renamed to the live name if it differs), migrations
 * run forward, and the old schema dropped; any failure drops what was restored and renames the old schema
 * back. Requests get 503 meanwhile (maintenance mode).
 */
async function swapPostgres(services: Services, dump: string, dumpSchema: string): Promise<string[]> {
  const { db } = services.database;
  const schema = await currentSchema(services);
  const aside = `${schema.slice(0, 40)}_pre_restore_${Date.now().toString(36)}`;
  const listing = (await run('pg_restore', ['--list', dump], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  // The schema itself is created here (the dump of "public" has no CREATE SCHEMA entry, other schemas do).
  const list = path.join(path.dirname(dump), 'restore.list');
  await fs.promises.writeFile(list, listing.split('\n').filter((line) => !/^\d+;.* SCHEMA - /.test(line)).join('\n'));
  await sql.raw(`alter schema ${quote(schema)} rename to ${quote(aside)}`).execute(db);
  try {
    await sql.raw(`create schema ${quote(dumpSchema)}`).execute(db);
    await run('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--use-list=${list}`, `--dbname=${pgUrl(services)}`, dump], { maxBuffer: 16 * 1024 * 1024 });
    if (dumpSchema !== schema) await sql.raw(`alter schema ${quote(dumpSchema)} rename to ${quote(schema)}`).execute(db);
    const applied = await migrateToLatest(services.database);
    await sql`select count(*) from accounts`.execute(db);
    await sql.raw(`drop schema ${quote(aside)} cascade`).execute(db);
    return applied;
  } catch (error) {
    await sql.raw(`drop schema if exists ${quote(dumpSchema)} cascade`).execute(db);
    await sql.raw(`drop schema if exists ${quote(schema)} cascade`).execute(db);
    await sql.raw(`alter schema ${quote(aside)} rename to ${quote(schema)}`).execute(db);
    throw error;
  }
}

/** Deletes what the retention policy no longer keeps (per kind), and failed attempts older than the daily window. */
export async function pruneBackups(services: Services, catalogue: BackupCatalogue): Promise<{ kept: string[]; removed: string[] }> {
  const records = await catalogue.list();
  const policy = { keepDaily: services.config.BACKUP_KEEP_DAILY, keepWeekly: services.config.BACKUP_KEEP_WEEKLY };
  const kept = new Set<string>();
  for (const kind of ['system', 'importantData'] as const) for (const id of retainedIds(records.filter((record) => record.kind === kind), policy)) kept.add(id);
  const cutoff = new Date(services.clock.now().getTime() - policy.keepDaily * 86_400_000).toISOString();
  const removed: string[] = [];
  for (const record of records) {
    const prunable = record.status === 'succeeded' ? record.trigger !== 'upload' && !kept.has(record.id) : record.status === 'failed' && record.startedAt < cutoff;
    if (!prunable) continue;
    await catalogue.remove(record);
    removed.push(record.id);
  }
  return { kept: records.filter((record) => !removed.includes(record.id)).map((record) => record.id), removed };
}

/** Takes an uploaded file into the catalogue once it has been verified like a restore would (it stays only if valid). */
export async function acceptUpload(services: Services, catalogue: BackupCatalogue, temporary: string, by: Initiator): Promise<BackupRecord> {
  const now = services.clock.now();
  let verified: VerifiedBackup;
  try {
    verified = await verifyBackup(services, catalogue, temporary, null);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  await fs.promises.rm(verified.directory, { recursive: true, force: true });
  const { manifest } = verified;
  const id = newBackupId(manifest.kind, now);
  const { size } = await fs.promises.stat(temporary);
  const encrypted = await isEncrypted(temporary);
  const record: BackupRecord = {
    id,
    kind: manifest.kind,
    trigger: 'upload',
    fileName: `${id}.tar.gz${encrypted ? '.enc' : ''}`,
    status: 'succeeded',
    engine: manifest.engine,
    schemaVersion: manifest.schemaVersion,
    encrypted,
    sizeBytes: size,
    sha256: await sha256OfFile(temporary),
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    durationMs: 0,
    createdBy: by,
    modules: manifest.modules,
    error: null,
  };
  await fs.promises.rename(temporary, catalogue.archivePath(record));
  await catalogue.save(record);
  return record;
}

/** Seconds since the newest succeeded system backup (null when there is none), for the backup-age metric. */
export async function lastSystemBackupAt(catalogue: BackupCatalogue): Promise<string | null> {
  const records = await catalogue.list();
  return records.find((record) => record.kind === 'system' && record.status === 'succeeded' && record.trigger !== 'upload')?.finishedAt ?? null;
}

/** The scheduled backup jobs (BACKUP_CRON, BACKUP_IMPORTANT_CRON); each prunes by the retention policy after a success. */
export function backupJobs(services: Services, catalogue: BackupCatalogue): ScheduledJob[] {
  const { config } = services;
  const by = { accountId: null, name: 'schedule' };
  const jobs: ScheduledJob[] = [];
  if (config.BACKUP_CRON !== 'off') {
    jobs.push({
      name: 'system-backup',
      pattern: config.BACKUP_CRON,
      run: async () => {
        const record = await createSystemBackup(services, catalogue, by, 'scheduled');
        if (record.status !== 'succeeded') throw new Error(`backup ${record.id} failed: ${record.error}`);
        return { backup: record.id, pruned: (await pruneBackups(services, catalogue)).removed };
      },
    });
  }
  if (config.BACKUP_IMPORTANT_CRON !== 'off') {
    const modules = config.BACKUP_IMPORTANT_MODULES.split(',').filter(Boolean);
    jobs.push({
      name: 'important-data-export',
      pattern: config.BACKUP_IMPORTANT_CRON,
      run: async () => {
        const record = await createImportantDataExport(services, catalogue, systemActor(), by, 'scheduled', modules, 'xlsx');
        if (record.status !== 'succeeded') throw new Error(`export ${record.id} failed: ${record.error}`);
        return { backup: record.id, pruned: (await pruneBackups(services, catalogue)).removed };
      },
    });
  }
  return jobs;
}

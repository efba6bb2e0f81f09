import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import fs from 'node:fs';
import path from 'node:path';
import { verifyAuditTrail } from '../platform/audit/audit-archive.ts';
import { verifyAuditChain } from '../platform/audit/audit.ts';
import { CurrentSchemaIntrospector } from './current-schema-introspector.ts';
import { type Database, type Tables } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import type { ColumnSpec, ColumnType, TableSpec } from './schema-spec.ts';
import { TableChanges } from './table-changes.ts';

/**
 * Copies an SQLite installation into an empty PostgreSQL database (db:migrate-to-postgres):
 * one PostgreSQL transaction runs our migrations, copies every table in reference order in batches with the
 * type conversions below, moves the identity sequences past the highest id SQLite ever gave out, and compares
 * each table's row count and checksum on both sides and the audit hash chain before it commits. Any failure or
 * difference rolls everything back: the target is left as it was.
 *
 * | declared type | SQLite holds            | PostgreSQL gets               |
 * | id, integer, bigint | integer           | integer / bigint (exact, read as BigInt) |
 * | real          | real                    | double precision              |
 * | boolean       | 0 / 1                   | false / true                  |
 * | date          | 'YYYY-MM-DD'            | date                          |
 * | timestamp     | ISO-8601 text with zone | timestamptz (same instant)    |
 * | json, text    | text                    | text, byte for byte (audit rows hash their stored text) |
 *
 * No column holds binary data: attachment contents are files under DATA_DIR, which the PostgreSQL nodes must
 * mount (or receive a copy of) together with the encryption key.
 */

export interface TableResult {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export interface MigrationReport {
  ok: boolean;
  migrations: string[];
  tables: TableResult[];
  audit: {
    source: { checked: number; firstBadId: number | null };
    target: { checked: number; firstBadId: number | null };
    /** Archive files checked with the target's audit_archives records (null: no archive directory found). */
    archives: { directory: string; files: number; problems: string[] } | null;
  };
  seconds: number;
}

export class MigrationRefused extends Error {}

/** The tables and columns our migrations create, folded in order (migrations never change a column's type). */
export function schemaFromMigrations(): TableSpec[] {
  const tables = new Map<string, TableSpec>();
  for (const { change } of migrations) {
    for (const table of change.createTables ?? []) tables.set(table.name, { ...table, columns: [...table.columns] });
    for (const { table, column } of change.addColumns ?? []) tables.get(table)?.columns.push(column);
    for (const name of change.dropTables ?? []) tables.delete(name);
  }
  return [...tables.values()];
}

const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const keyOf = (table: TableSpec) => table.primaryKey ?? ['id'];

/** Parents before children where the references allow it (a readable order; the keys are checked after the copy). */
export function referenceOrder(tables: TableSpec[]): TableSpec[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: TableSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableSpec) => {
    if (state.get(table.name)) return;
    state.set(table.name, 'visiting');
    for (const column of table.columns) {
      const parent = column.references ? byName.get(column.references) : undefined;
      if (parent && parent !== table) visit(parent);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table);
  return ordered;
}

const isoWithZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One SQLite value as the PostgreSQL parameter for a column of the declared type, or an error naming what is
 * wrong (SQLite accepts any value in any column; PostgreSQL does not, and guessing would change data).
 */
export function toPostgresValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) throw new Error('binary value in a column declared ' + type);
  switch (type) {
    case 'id':
    case 'integer':
    case 'bigint':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      throw new Error(`${JSON.stringify(value)} is not a whole number`);
    case 'real':
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'number') return value;
      throw new Error(`${JSON.stringify(value)} is not a number`);
    case 'boolean':
      if (value === 0n || value === 0) return false;
      if (value === 1n || value === 1) return true;
      throw new Error(`${JSON.stringify(typeof value === 'bigint' ? Number(value) : value)} is not a boolean (0 or 1)`);
    case 'date':
      if (typeof value === 'string' && isoDate.test(value)) return value;
      throw new Error(`${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
    case 'timestamp': {
      if (typeof value === 'string' && isoWithZone.test(value) && !Number.isNaN(Date.parse(value))) return value;
      throw new Error(`${JSON.stringify(typeof value === 'bigint' ? Number(value) : value)} is not a timestamp with a time zone`);
    }
    case 'json':
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint' || typeof value === 'number') return String(value);
      throw new Error(`${JSON.stringify(value)} is not text`);
  }
}

/**
 * The canonical form both sides' rows are hashed in: one JSON array per row in declared column order, whole
 * numbers as decimal strings, booleans as true/false, timestamps as the ISO instant, text and JSON as stored.
 */
export function canonicalValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'id':
    case 'integer':
    case 'bigint':
      return typeof value === 'bigint' ? value.toString() : String(value);
    case 'real':
      return Number(value);
    case 'boolean':
      return value === true || value === 1 || value === 1n ? true : value === false || value === 0 || value === 0n ? false : `?${String(value)}`;
    case 'timestamp': {
      const time = Date.parse(String(value));
      return Number.isNaN(time) ? `?${String(value)}` : new Date(time).toISOString();
    }
    default:
      return typeof value === 'bigint' ? value.toString() : String(value);
  }
}

class TableDigest {
  private readonly hash = createHash('sha256');
  rows = 0;
  constructor(private readonly columns: ColumnSpec[]) {}
  add(row: Record<string, unknown>) {
    this.hash.update(JSON.stringify(this.columns.map((column) => canonicalValue(column.type, row[column.name]))));
    this.hash.update('\n');
    this.rows++;
  }
  digest() {
    return this.hash.digest('hex');
  }
}

/** Exact reads for the checksum: bigint as text (beyond 2^53 too), timestamps as ISO instants, dates as text. */
const exactTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700 || oid === 1082) return (value: string) => value;
    if (oid === 1184) return (value: string) => new Date(value).toISOString();
    if (oid === 1114) return (value: string) => new Date(`${value}Z`).toISOString();
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** A Kysely that runs everything on one client, so migrations and the copy share one transaction. */
function singleClientDatabase(client: pg.Client): Database {
  const pool = {
    connect: async () => Object.assign(client, { release: () => {} }),
    end: async () => {},
  } as unknown as pg.Pool;
  const postgres = new PostgresDialect({ pool });
  const db = new Kysely<Tables>({
    dialect: { createAdapter: () => postgres.createAdapter(), createDriver: () => postgres.createDriver(), createQueryCompiler: () => postgres.createQueryCompiler(), createIntrospector: (kysely) => new CurrentSchemaIntrospector(kysely) },
  });
  return { db, dialect: 'postgres', sqlite: null, changes: new TableChanges(), reports: db, keywordMode: 'prefix', poolStats: () => ({ total: 1, idle: 0, waiting: 0 }), close: async () => db.destroy() };
}

function sqliteTableNames(sqlite: SQLite.Database): string[] {
  return (sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`).all() as { name: string }[]).map((row) => row.name);
}

/** Refuses a source that is not exactly at our latest migration, or whose tables differ from what it declares. */
function checkSource(sqlite: SQLite.Database, schema: TableSpec[]): void {
  const hasLedger = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
  if (!hasLedger) throw new MigrationRefused('the source is not an installation of this application (no migration ledger)');
  const applied = (sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name);
  const known = migrations.map((migration) => migration.name);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length) throw new MigrationRefused(`the source has migrations this version does not know (${unknown.join(', ')}): use the version that wrote it`);
  const pending = known.filter((name) => !applied.includes(name));
  if (pending.length) throw new MigrationRefused(`the source lacks migrations ${pending.join(', ')}: start the application on it once (or run \`npm run cli -- migrate\` with its configuration), then migrate`);
  const names = sqliteTableNames(sqlite);
  const declared = schema.map((table) => table.name);
  const extra = names.filter((name) => !declared.includes(name));
  const missing = declared.filter((name) => !names.includes(name));
  if (extra.length || missing.length) throw new MigrationRefused(`the source's tables differ from the migrations: ${[...extra.map((n) => `unexpected ${n}`), ...missing.map((n) => `missing ${n}`)].join(', ')}`);
  for (const table of schema) {
    const columns = (sqlite.prepare(`select name from pragma_table_info(?)`).all(table.name) as { name: string }[]).map((row) => row.name).sort();
    const expected = table.columns.map((column) => column.name).sort();
    if (columns.join(',') !== expected.join(',')) throw new MigrationRefused(`table ${table.name}: columns differ from the migrations (${columns.join(', ')})`);
  }
}

/** The target must hold no rows in the schema it connects to (a schema that `migrate` created but left empty is fine). */
async function checkTargetEmpty(client: pg.Client): Promise<void> {
  const schema = (await client.query<{ schema: string | null }>('select current_schema() as schema')).rows[0]?.schema;
  if (!schema) throw new MigrationRefused('the target connection has no current schema (check search_path)');
  const tables = (await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = current_schema() and tablename not like 'kysely_migration%' order by tablename`)).rows;
  const filled: string[] = [];
  for (const { name } of tables) {
    if ((await client.query(`select 1 from ${q(name)} limit 1`)).rowCount) filled.push(name);
  }
  if (filled.length) {
    throw new MigrationRefused(`the target schema "${schema}" is not empty (${filled.length} table(s) hold rows: ${filled.slice(0, 8).join(', ')}${filled.length > 8 ? ', …' : ''}); migrate into an empty database or schema`);
  }
}

interface SetAside {
  foreignKeys: { table: string; name: string; definition: string }[];
  indexes: { name: string; definition: string }[];
}

/**
 * Foreign keys and secondary indexes are set aside while copying (inside the transaction, so nothing is lost on
 * failure) and made again afterwards: rows of tables that reference each other may then come in any order,
 * each foreign key is validated by one join instead of a check per row, and each index is built once from
 * sorted data instead of being updated row by row. Primary keys and unique constraints stay.
 */
async function setAsideConstraints(client: pg.Client): Promise<SetAside> {
  const foreignKeys = (
    await client.query<{ table: string; name: string; definition: string }>(
      `select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where c.contype = 'f' and n.nspname = current_schema() order by 1, 2`,
    )
  ).rows;
  for (const key of foreignKeys) await client.query(`alter table ${key.table} drop constraint ${q(key.name)}`);
  const indexes = (
    await client.query<{ name: string; definition: string }>(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
         from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = current_schema() and t.relname not like 'kysely_migration%'
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) order by 1`,
    )
  ).rows;
  for (const index of indexes) await client.query(`drop index ${index.name}`);
  return { foreignKeys, indexes };
}

async function restoreConstraints(client: pg.Client, aside: SetAside): Promise<void> {
  await client.query(`set local maintenance_work_mem = '256MB'`);
  for (const index of aside.indexes) await client.query(index.definition);
  for (const key of aside.foreignKeys) await client.query(`alter table ${key.table} add constraint ${q(key.name)} ${key.definition}`);
}

async function copyTable(sqlite: SQLite.Database, client: pg.Client, table: TableSpec, batchRows: number, source: TableDigest): Promise<void> {
  const columns = table.columns;
  const order = keyOf(table).map(q).join(', ');
  const statement = sqlite.prepare(`select ${columns.map((column) => q(column.name)).join(', ')} from ${q(table.name)} order by ${order}`).safeIntegers(true);
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(60_000 / columns.length)));
  const head = `insert into ${q(table.name)} (${columns.map((column) => q(column.name)).join(', ')}) values `;
  let values: unknown[] = [];
  let rows = 0;
  const flush = async () => {
    if (!rows) return;
    const tuples = Array.from({ length: rows }, (_, row) => `(${columns.map((_, column) => `$${row * columns.length + column + 1}`).join(', ')})`);
    await client.query(head + tuples.join(', '), values);
    values = [];
    rows = 0;
  };
  for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
    for (const column of columns) {
      try {
        values.push(toPostgresValue(column.type, row[column.name]));
      } catch (error) {
        const key = keyOf(table).map((name) => `${name}=${String(row[name])}`).join(', ');
        throw new Error(`${table.name} (${key}) column ${column.name}: ${(error as Error).message}`);
      }
    }
    source.add(row);
    if (++rows >= perBatch) await flush();
  }
  await flush();
}

/** Next identity values continue after the highest id SQLite handed out (sqlite_sequence keeps deleted rows' ids too). */
async function resetIdentities(sqlite: SQLite.Database, client: pg.Client, tables: TableSpec[]): Promise<void> {
  const hasSequence = sqlite.prepare(`select 1 from sqlite_master where name = 'sqlite_sequence'`).get();
  const used = new Map<string, bigint>();
  if (hasSequence) {
    for (const row of sqlite.prepare('select name, seq from sqlite_sequence').safeIntegers(true).all() as { name: string; seq: bigint }[]) used.set(row.name, row.seq);
  }
  for (const table of tables) {
    if (!table.columns.some((column) => column.type === 'id')) continue;
    const max = (sqlite.prepare(`select max(id) as id from ${q(table.name)}`).safeIntegers(true).get() as { id: bigint | null }).id ?? 0n;
    const seq = used.get(table.name) ?? 0n;
    const next = (max > seq ? max : seq) + 1n;
    await client.query(`select setval(pg_get_serial_sequence($1, 'id'), $2, false)`, [q(table.name), next.toString()]);
  }
}

async function targetDigest(client: pg.Client, table: TableSpec): Promise<TableDigest> {
  const digest = new TableDigest(table.columns);
  const textKey = new Set(table.columns.filter((column) => column.type === 'text').map((column) => column.name));
  // SQLite orders text keys bytewise (BINARY), as PostgreSQL's "C" collation does whatever the database default is.
  const order = keyOf(table).map((name) => `${q(name)}${textKey.has(name) ? ' collate "C"' : ''}`).join(', ');
  await client.query(`declare copy_check no scroll cursor for select ${table.columns.map((column) => q(column.name)).join(', ')} from ${q(table.name)} order by ${order}`);
  for (;;) {
    const batch = await client.query({ text: 'fetch 5000 from copy_check', types: exactTypes });
    for (const row of batch.rows) digest.add(row);
    if (batch.rows.length < 5000) break;
  }
  await client.query('close copy_check');
  return digest;
}

export interface MigrateOptions {
  from: string;
  to: string;
  /** Audit archive files (default: audit-archive next to the SQLite file, when it exists). */
  archiveDir?: string;
  batchRows?: number;
  log?: (line: string) => void;
}

export async function migrateSqliteToPostgres(options: MigrateOptions): Promise<MigrationReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const schema = schemaFromMigrations();
  const ordered = referenceOrder(schema);
  const sqlite = new SQLite(options.from, { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: options.to });
  let connected = false;
  try {
    checkSource(sqlite, schema);
    // One read transaction: every table is read from the same snapshot even if something writes meanwhile.
    sqlite.exec('begin');
    const sourceAudit = await verifySqliteAudit(sqlite);
    if (sourceAudit.firstBadId !== null) throw new MigrationRefused(`the source's audit chain is broken at row ${sourceAudit.firstBadId} (npm run cli -- audit verify): fix that first`);
    await client.connect();
    connected = true;
    await checkTargetEmpty(client);
    await client.query('begin');
    try {
      const database = singleClientDatabase(client);
      const applied = await migrateToLatest(database, true);
      log(`migrations on the target: ${applied.length ? applied.join(', ') : 'already applied'}`);
      await checkTargetEmpty(client);
      const aside = await setAsideConstraints(client);
      const sources = new Map<string, TableDigest>();
      const since = (mark: number) => `${((Date.now() - mark) / 1000).toFixed(1)} s`;
      for (const table of ordered) {
        const mark = Date.now();
        const digest = new TableDigest(table.columns);
        await copyTable(sqlite, client, table, options.batchRows ?? 1000, digest);
        sources.set(table.name, digest);
        if (digest.rows) log(`copied ${table.name}: ${digest.rows} rows in ${since(mark)}`);
      }
      await resetIdentities(sqlite, client, ordered);
      let mark = Date.now();
      await restoreConstraints(client, aside);
      log(`${aside.indexes.length} indexes built and ${aside.foreignKeys.length} foreign keys validated in ${since(mark)}`);
      mark = Date.now();
      const tables: TableResult[] = [];
      for (const table of ordered) {
        const source = sources.get(table.name)!;
        const target = await targetDigest(client, table);
        const [sourceChecksum, targetChecksum] = [source.digest(), target.digest()];
        tables.push({ table: table.name, sourceRows: source.rows, targetRows: target.rows, sourceChecksum, targetChecksum, ok: source.rows === target.rows && sourceChecksum === targetChecksum });
      }
      // The auditor's check on the target: archive files (when we can see them) continuing into the table's rows.
      const archiveDir = options.archiveDir ?? path.join(path.dirname(path.resolve(options.from)), 'audit-archive');
      let targetAudit: { checked: number; firstBadId: number | null };
      let archives: MigrationReport['audit']['archives'] = null;
      if (fs.existsSync(archiveDir)) {
        const trail = await verifyAuditTrail(database.db, archiveDir);
        targetAudit = trail.table;
        archives = { directory: archiveDir, files: trail.archives.length, problems: trail.problems.filter((problem) => !problem.startsWith('audit chain broken')) };
      } else {
        targetAudit = await verifyAuditChain(database.db);
        if (sources.get('audit_archives')!.rows) log(`no archive directory at ${archiveDir}: archive files not checked (--archive-dir)`);
      }
      log(`checksums and audit chain read back in ${since(mark)}`);
      const ok =
        tables.every((table) => table.ok) && targetAudit.firstBadId === null && targetAudit.checked === sourceAudit.checked && !archives?.problems.length;
      await client.query(ok ? 'commit' : 'rollback');
      if (ok) {
        // Freshly loaded tables have neither planner statistics nor a visibility map (no index-only scans) until
        // autovacuum gets to them, which at a million rows can take hours: a report read every heap page meanwhile.
        mark = Date.now();
        for (const table of ordered) await client.query(`vacuum (analyze) ${q(table.name)}`);
        log(`vacuumed and analysed in ${since(mark)}`);
      }
      return { ok, migrations: applied, tables, audit: { source: sourceAudit, target: targetAudit, archives }, seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
  } finally {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    sqlite.close();
    if (connected) await client.end();
  }
}

/** The audit chain as the source holds it (the verifier of the app, over a read-only Kysely on the same handle). */
async function verifySqliteAudit(sqlite: SQLite.Database) {
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: { close: () => {}, prepare: (text: string) => sqlite.prepare(text) } as never }) });
  try {
    return await verifyAuditChain(db);
  } finally {
    await db.destroy();
  }
}

/** The result table the CLI prints. */
export function formatReport(report: MigrationReport): string {
  const width = Math.max(5, ...report.tables.map((table) => table.table.length));
  const lines = [`${'table'.padEnd(width)}  ${'sqlite rows'.padStart(11)}  ${'pg rows'.padStart(11)}  checksum (SHA-256, first 16)  result`];
  for (const table of report.tables) {
    const checksum = table.sourceChecksum === table.targetChecksum ? table.sourceChecksum.slice(0, 16) : `${table.sourceChecksum.slice(0, 7)}≠${table.targetChecksum.slice(0, 7)}`;
    lines.push(`${table.table.padEnd(width)}  ${String(table.sourceRows).padStart(11)}  ${String(table.targetRows).padStart(11)}  ${checksum.padEnd(28)}  ${table.ok ? 'ok' : 'MISMATCH'}`);
  }
  const { source, target, archives } = report.audit;
  lines.push(`audit chain: source ${source.checked} rows intact; target ${target.checked} rows ${target.firstBadId === null ? 'intact' : `broken at row ${target.firstBadId}`}`);
  if (archives) lines.push(`audit archives: ${archives.files} file(s) in ${archives.directory} ${archives.problems.length ? `— ${archives.problems.join('; ')}` : 'continue into the table'}`);
  lines.push(report.ok ? `migrated ${report.tables.length} tables in ${report.seconds.toFixed(1)} s: committed` : 'differences found: rolled back, the target is unchanged');
  return lines.join('\n');
}

import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { CurrentSchemaIntrospector } from './current-schema-introspector.ts';
import { TableChanges, trackTableChanges } from './table-changes.ts';

/** Tables are declared at run time from the model, so rows are typed loosely and narrowed at the edges. */
export type Row = Record<string, unknown>;
export type Tables = Record<string, Row>;
export type DB = Kysely<Tables>;
export type Dialect = 'sqlite' | 'postgres';
/** How the keyword box matches: prefix (SQLite, or PostgreSQL without pg_trgm) or trigram-indexed substring. */
export type KeywordMode = 'prefix' | 'trigram';

export interface Database {
  db: DB;
  dialect: Dialect;
  close(): Promise<void>;
  /** The raw better-sqlite3 handle (backups, integrity checks); null on PostgreSQL. */
  sqlite: SQLite.Database | null;
  /** Generations of the tables written through `db` (and, over Redis, by other nodes). */
  changes: TableChanges;
  /**
   * Where reports and analytics read: a PostgreSQL read replica when DATABASE_READ_URL is set (figures may
   * lag the primary by the replication delay), else the primary itself. Never for reads a write depends on.
   */
  reports: DB;
  /** Set once migrations have run (detectKeywordMode). */
  keywordMode: KeywordMode;
  /** Connections by state, for the metrics. */
  poolStats(): { total: number; idle: number; waiting: number };
}

// PostgreSQL returns int8, numeric, date and timestamptz in forms SQLite never does; align them once here.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));
pg.types.setTypeParser(1082, (value) => value);
pg.types.setTypeParser(1184, (value) => new Date(value).toISOString());
pg.types.setTypeParser(1114, (value) => new Date(`${value}Z`).toISOString());

/**
 * A table (`name` or `name as alias`) read through a named index on SQLite (`INDEXED BY`), where the planner,
 * without statistics, would pick a worse path; the plain table on PostgreSQL, whose planner has them.
 */
export function throughIndex<T extends string>(dialect: Dialect, table: T, index: string): T {
  if (dialect !== 'sqlite') return table;
  const [name, alias] = table.split(/\s+as\s+/) as [string, string | undefined];
  return sql`${sql.table(name)}${alias ? sql` as ${sql.id(alias)}` : sql``} indexed by ${sql.id(index)}` as unknown as T;
}

export function openDatabase(config: Config): Database {
  if (config.sqliteFile) return openSqlite(config.sqliteFile, config.SQLITE_SYNCHRONOUS, config.SQLITE_CACHE_MB);
  const database = openPostgres(config.DATABASE_URL!);
  if (!config.DATABASE_READ_URL) return database;
  const reports: DB = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: survivesBrokenConnections(new pg.Pool({ connectionString: config.DATABASE_READ_URL, max: 5 })) }) });
  return {
    ...database,
    reports,
    close: async () => {
      await reports.destroy();
      await database.close();
    },
  };
}

/**
 * `cacheMb`: SQLite's page cache, filled as pages are read. At a million customers the hot pages of customers,
 * profiles and policies exceed 64 MB; with 256 MB a branch's segment count reads its profiles from memory
 * (290 → 90 ms) and a count over everyone takes 185 ms instead of 300 (bench/RESULTS.md, "Profiles").
 */
export function openSqlite(file: string, synchronous: 'FULL' | 'NORMAL' = 'FULL', cacheMb = 256): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${cacheMb * 1024}`);
  sqlite.pragma('temp_store = MEMORY');
  const changes = new TableChanges();
  const db: DB = new Kysely<Tables>({ dialect: trackTableChanges(new SqliteDialect({ database: withStatementCache(sqlite) }), changes) });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    changes,
    reports: db,
    keywordMode: 'prefix',
    poolStats: () => ({ total: 1, idle: sqlite.inTransaction ? 0 : 1, waiting: 0 }),
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query it runs; parsing and planning the SQL again costs as much as running a
 * short indexed query. Statements are kept by SQL text (least recently used ones dropped); SQLite
 * re-prepares a kept statement by itself when the schema changes.
 */
function withStatementCache(sqlite: SQLite.Database, capacity = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

const bulkWriters = new WeakMap<SQLite.Database, { active: number; normal: unknown }>();

/**
 * Runs a bulk write (an import) with a larger SQLite page cache: inserting tens of thousands of rows into
 * tables with a dozen indexes otherwise re-reads and re-spills index pages all the time. The memory is
 * given back when the last bulk write ends; PostgreSQL manages its own buffers.
 */
export async function withBulkWriteCache<T>(database: Database, work: () => Promise<T>, megabytes = 512): Promise<T> {
  const { sqlite } = database;
  if (!sqlite) return work();
  const state = bulkWriters.get(sqlite) ?? { active: 0, normal: sqlite.pragma('cache_size', { simple: true }) };
  bulkWriters.set(sqlite, state);
  if (state.active++ === 0) sqlite.pragma(`cache_size = -${megabytes * 1024}`);
  try {
    return await work();
  } finally {
    if (--state.active === 0) sqlite.pragma(`cache_size = ${Number(state.normal)}`);
  }
}

/**
 * A connection that breaks (the database server restarted or stopped hard, a network cut) emits 'error' on its
 * client, also while the client is checked out between two statements, where pg-pool listens no more; an
 * 'error' event without a listener ends the whole process. The listeners keep the node up: the statement in
 * flight fails (its request answers 500 and its transaction never committed), pg-pool drops the broken client
 * when it is released, and the next query opens a new connection once the server is back
 * (server/test/pg-crash.test.ts stops PostgreSQL with `pg_ctl stop -m immediate` under load).
 */
function survivesBrokenConnections(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  return pool;
}

export function openPostgres(url: string, max = 10): Database {
  const pool = survivesBrokenConnections(new pg.Pool({ connectionString: url, max }));
  const changes = new TableChanges();
  const db: DB = new Kysely<Tables>({ dialect: trackTableChanges(new PostgresDialect({ pool }), changes, (kysely) => new CurrentSchemaIntrospector(kysely)) });
  return {
    db,
    dialect: 'postgres',
    sqlite: null,
    changes,
    reports: db,
    keywordMode: 'prefix',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await db.destroy();
    },
  };
}

/** Refuses to run on a PostgreSQL that may lose acknowledged commits (SECURITY-TESTS §1.5). */
export async function assertDurable(database: Database): Promise<void> {
  if (database.dialect !== 'postgres') return;
  const result = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(database.db);
  const setting = result.rows[0]?.synchronous_commit;
  if (setting === 'off') throw new Error('PostgreSQL synchronous_commit is off: acknowledged writes could be lost; refusing to start');
}

/** PostgreSQL with pg_trgm and our trigram indexes searches keywords as substrings; otherwise by prefix. */
export async function detectKeywordMode(database: Database): Promise<KeywordMode> {
  if (database.dialect !== 'postgres') return 'prefix';
  const result = await sql<{ ready: boolean }>`
    select exists (select 1 from pg_extension where extname = 'pg_trgm')
       and exists (select 1 from pg_indexes where schemaname = current_schema() and indexname = 'customers_name_trgm') as ready`.execute(database.db);
  return result.rows[0]?.ready ? 'trigram' : 'prefix';
}

import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';
import { applySchemaChange } from './schema-spec.ts';

class DeclaredMigrations implements MigrationProvider {
  constructor(private readonly database: Database) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const dialect = this.database.dialect;
    return Object.fromEntries(
      migrations.map(({ name, change }) => [name, { up: async (db) => applySchemaChange(db as Database['db'], dialect, change) }]),
    );
  }
}

/**
 * Kysely looks for its bookkeeping tables in every schema of the database unless told which one, so another
 * schema's tables (a second installation, a restored copy) would be taken for ours: name the current schema.
 */
async function migratorFor(database: Database, insideTransaction = false): Promise<Migrator> {
  const schema =
    database.dialect === 'postgres'
      ? ((await sql<{ schema: string | null }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema ?? undefined)
      : undefined;
  return new Migrator({ db: database.db, provider: new DeclaredMigrations(database), migrationTableSchema: schema, disableTransactions: insideTransaction });
}

/**
 * Applies every pending migration; Kysely holds a migration lock so several nodes may start at once.
 * `insideTransaction`: the caller has begun a transaction on a single-connection database (the SQLite to
 * PostgreSQL copy), so the migrations become part of it and roll back with it.
 */
export async function migrateToLatest(database: Database, insideTransaction = false): Promise<string[]> {
  const migrator = await migratorFor(database, insideTransaction);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

export async function pendingMigrations(database: Database): Promise<string[]> {
  const migrator = await migratorFor(database);
  const all = await migrator.getMigrations();
  return all.filter((migration) => !migration.executedAt).map((migration) => migration.name);
}

import { type Migration, type MigrationProvider, Migrator } from 'kysely';
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

/** Applies every pending migration; Kysely holds a migration lock so several nodes may start at once. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({ db: database.db, provider: new DeclaredMigrations(database) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

export async function pendingMigrations(database: Database): Promise<string[]> {
  const migrator = new Migrator({ db: database.db, provider: new DeclaredMigrations(database) });
  const all = await migrator.getMigrations();
  return all.filter((migration) => !migration.executedAt).map((migration) => migration.name);
}

import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { migrations } from '../db/migrations/index.ts';
import { createIndexDdl, type IndexSpec } from '../db/schema-spec.ts';

/** The secondary indexes the migrations created on a table (primary keys are part of the table itself). */
function migratedIndexes(table: string): IndexSpec[] {
  const found: IndexSpec[] = [];
  for (const { change } of migrations) {
    for (const spec of change.createTables ?? []) if (spec.name === table) found.push(...spec.indexes);
    for (const entry of change.createIndexes ?? []) if (entry.table === table) found.push(entry.index);
  }
  return found;
}

/**
 * Bulk loads drop a table's secondary indexes and build them once at the end: a sorted build is several
 * times cheaper than maintaining a dozen indexes row by row. The definitions come from the migrations,
 * so what is rebuilt is exactly what was there.
 */
export async function dropSecondaryIndexes(database: Database, tables: string[]): Promise<void> {
  for (const table of tables) {
    for (const index of migratedIndexes(table)) await sql.raw(`drop index if exists "${index.name}"`).execute(database.db);
  }
}

/**
 * (Re)creates every migrated secondary index of the tables that is missing; existing ones are left alone,
 * so this also repairs a bulk load that was interrupted. Every index is attempted; failures (a unique
 * index refused because loaded rows clash with existing ones) are reported together.
 */
export async function createSecondaryIndexes(database: Database, tables: string[]): Promise<void> {
  const failures: string[] = [];
  await database.db.connection().execute(async (connection) => {
    // SQLite may sort an index build on helper threads; PostgreSQL sorts in memory up to maintenance_work_mem.
    if (database.sqlite) database.sqlite.pragma('threads = 2');
    else await sql`set maintenance_work_mem = '256MB'`.execute(connection);
    for (const table of tables) {
      for (const index of migratedIndexes(table)) {
        try {
          await sql.raw(createIndexDdl(table, index, database.dialect)).execute(connection);
        } catch (error) {
          failures.push(`${index.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    if (database.sqlite) database.sqlite.pragma('threads = 0');
    else await sql`reset maintenance_work_mem`.execute(connection);
  });
  if (failures.length) throw new Error(`indexes could not be built (the loaded rows clash with existing ones?):\n${failures.join('\n')}`);
}

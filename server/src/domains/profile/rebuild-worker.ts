import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openPostgres, type Tables } from '../../db/database.ts';
import { computeSliceRows, refreshRangeOnPostgres } from './refresh.ts';
import type { ProfileSettings } from './settings.ts';

/**
 * Worker thread of the profile rebuild. SQLite (rebuildSqliteInWorkers): reads and computes the profile rows of
 * each id range it is given, in one read transaction (one snapshot) on its own read-only connection; the main
 * thread writes them. PostgreSQL (rebuildPostgresInWorkers): refreshes each range itself, on its own connection.
 */
type Input = { settings: ProfileSettings; now: string } & ({ dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string });
const input = workerData as Input;
const port = parentPort!;
const now = new Date(input.now);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

if (input.dialect === 'postgres') {
  const database = openPostgres(input.url, 1);
  port.on('message', (range: { id: number; from: number; to: number }) => {
    refreshRangeOnPostgres(database.db, { from: range.from, to: range.to }, input.settings, now)
      .then((count) => port.postMessage({ id: range.id, count }))
      .catch((error: unknown) => port.postMessage({ id: range.id, error: message(error) }));
  });
} else {
  const sqlite = new SQLite(input.file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
  port.on('message', (range: { id: number; from: number; to: number }) => {
    db.transaction()
      .execute((trx) => computeSliceRows(trx, 'sqlite', { from: range.from, to: range.to }, input.settings, now))
      .then((rows) => port.postMessage({ id: range.id, rows }))
      .catch((error: unknown) => port.postMessage({ id: range.id, error: message(error) }));
  });
}

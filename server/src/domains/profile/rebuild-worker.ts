import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Tables } from '../../db/database.ts';
import { computeSliceRows } from './refresh.ts';
import type { ProfileSettings } from './settings.ts';

/**
 * Worker thread of the SQLite profile rebuild (rebuildSqliteInWorkers): reads and computes the profile rows of
 * each id range it is given, in one read transaction (one snapshot) on its own read-only connection.
 */
const input = workerData as { file: string; settings: ProfileSettings; now: string };
const port = parentPort!;
const sqlite = new SQLite(input.file, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
const now = new Date(input.now);

port.on('message', (range: { id: number; from: number; to: number }) => {
  db.transaction()
    .execute((trx) => computeSliceRows(trx, 'sqlite', { from: range.from, to: range.to }, input.settings, now))
    .then((rows) => port.postMessage({ id: range.id, rows }))
    .catch((error: unknown) => port.postMessage({ id: range.id, error: error instanceof Error ? error.message : String(error) }));
});

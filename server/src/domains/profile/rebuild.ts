import type { DB } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { rebuildAllProfiles } from './refresh.ts';

/** The last full rebuild as administrators see it on the profile settings page (row `rebuild` of profile_settings). */
export interface RebuildStatus {
  state: 'idle' | 'queued' | 'running' | 'done' | 'failed';
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  customers: number | null;
}

const idle: RebuildStatus = { state: 'idle', requestedAt: null, startedAt: null, finishedAt: null, customers: null };
const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Partial<RebuildStatus>;

export async function loadRebuildStatus(db: DB): Promise<RebuildStatus> {
  const row = await db.selectFrom('profile_settings').select('value').where('key', '=', 'rebuild').executeTakeFirst();
  return row ? { ...idle, ...parse(row.value) } : idle;
}

export async function saveRebuildStatus(db: DB, status: RebuildStatus, at: string, by: string | null): Promise<void> {
  const value = JSON.stringify(status);
  await db
    .insertInto('profile_settings')
    .values({ key: 'rebuild', value, updated_at: at, updated_by: by })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at: at, updated_by: by }))
    .execute();
}

/** A full rebuild that records its progress (the nightly job, the CLI and the rebuild after a settings change). */
export async function rebuildWithStatus(services: Services, by: string | null = null, batch?: number, onProgress?: (done: number) => void): Promise<{ customers: number }> {
  const { db } = services.database;
  const previous = await loadRebuildStatus(db);
  const startedAt = services.clock.now().toISOString();
  await saveRebuildStatus(db, { ...previous, state: 'running', startedAt, finishedAt: null, customers: null }, startedAt, by);
  try {
    const result = await rebuildAllProfiles(services, batch, onProgress);
    const finishedAt = services.clock.now().toISOString();
    await saveRebuildStatus(db, { ...previous, state: 'done', startedAt, finishedAt, customers: result.customers }, finishedAt, by);
    return result;
  } catch (error) {
    await saveRebuildStatus(db, { ...previous, state: 'failed', startedAt, finishedAt: null, customers: null }, services.clock.now().toISOString(), by).catch(() => undefined);
    throw error;
  }
}

/**
 * Starts a rebuild on this node after the settings change committed, without holding the request. A change while one
 * runs starts another afterwards (the running one may have read the old settings); a double run changes nothing.
 */
let running: Promise<void> | null = null;
let again = false;
export function startRebuildInBackground(services: Services, by: string, onError: (error: unknown) => void): void {
  if (running) {
    again = true;
    return;
  }
  running = (async () => {
    do {
      again = false;
      await rebuildWithStatus(services, by).catch(onError);
    } while (again);
  })().finally(() => {
    running = null;
  });
}

import type { Config } from '../config.ts';
import type { Database, DB } from '../db/database.ts';
import type { Actor } from '../platform/access/actor.ts';
import type { Clock } from '../platform/clock.ts';
import type { FieldCipher } from '../platform/crypto.ts';
import type { KeyValueStore } from '../platform/kv.ts';
import type { SessionManager } from '../platform/auth/session.ts';
import type { CountCache } from '../db/table-changes.ts';
import type { Maintenance } from '../platform/maintenance.ts';

/** Long-lived dependencies, built once by buildApp and passed explicitly. */
export interface Services {
  config: Config;
  database: Database;
  cipher: FieldCipher;
  clock: Clock;
  kv: KeyValueStore;
  sessions: SessionManager;
  /** List totals, kept until their tables change. */
  counts: CountCache;
  /** Restores put the node in maintenance (503) while they swap the data. */
  maintenance: Maintenance;
}

/** Per-request facts every service call needs. */
export interface RequestContext {
  actor: Actor;
  ip: string;
  requestId: string;
  now: Date;
}

/** A service call's view: the transaction it runs in plus who asked. */
export interface WriteContext extends RequestContext {
  trx: DB;
  services: Services;
  /**
   * Queues work for after the commit (shared-store changes such as ending sessions): it must not run inside the
   * transaction, where on SQLite it would wait for the transaction's own connection and hang the server.
   */
  afterCommit?: (work: () => Promise<void>) => void;
}

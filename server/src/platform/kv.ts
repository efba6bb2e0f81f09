import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Clock } from './clock.ts';

/**
 * Small shared state (sessions, captchas, login counters): the database by default, Redis when
 * REDIS_URL is set, so every app node sees the same values. Every operation is atomic.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets the value and returns the previous one. */
  swap(key: string, value: string, ttlMs: number): Promise<string | null>;
  /** Returns the value and deletes it (one-time tokens). */
  take(key: string): Promise<string | null>;
  delete(key: string): Promise<void>;
  /** Increments a counter; the time-to-live starts at the first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseKeyValueStore implements KeyValueStore {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  private now() {
    return this.clock.now().getTime();
  }

  async get(key: string) {
    const row = await this.database.db
      .selectFrom('kv')
      .select('value')
      .where('key', '=', key)
      .where('expires_at', '>', this.now())
      .executeTakeFirst();
    return (row?.value as string | undefined) ?? null;
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.database.db
      .insertInto('kv')
      .values({ key, value, expires_at: this.now() + ttlMs })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, expires_at: this.now() + ttlMs }))
      .execute();
  }

  async swap(key: string, value: string, ttlMs: number) {
    return this.database.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('kv')
        .select(['value', 'expires_at'])
        .where('key', '=', key)
        .$if(this.database.dialect === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      await trx
        .insertInto('kv')
        .values({ key, value, expires_at: this.now() + ttlMs })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, expires_at: this.now() + ttlMs }))
        .execute();
      return previous && Number(previous.expires_at) > this.now() ? (previous.value as string) : null;
    });
  }

  async take(key: string) {
    const row = await this.database.db.deleteFrom('kv').where('key', '=', key).returning(['value', 'expires_at']).executeTakeFirst();
    return row && Number(row.expires_at) > this.now() ? (row.value as string) : null;
  }

  async delete(key: string) {
    await this.database.db.deleteFrom('kv').where('key', '=', key).execute();
  }

  async increment(key: string, ttlMs: number) {
    const now = this.now();
    const row = await this.database.db
      .insertInto('kv')
      .values({ key, value: '1', expires_at: now + ttlMs })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          value: sql`case when kv.expires_at > ${now} then cast(cast(kv.value as integer) + 1 as text) else '1' end`,
          expires_at: sql`case when kv.expires_at > ${now} then kv.expires_at else ${now + ttlMs} end`,
        }),
      )
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  async ping() {
    await sql`select 1`.execute(this.database.db);
  }

  /** Drops expired rows; called by the housekeeping timer. */
  async purgeExpired() {
    await this.database.db.deleteFrom('kv').where('expires_at', '<=', this.now()).execute();
  }

  async close() {}
}

export class RedisKeyValueStore implements KeyValueStore {
  private readonly redis: Redis;
  constructor(url: string, prefix = 'insure:') {
    // Fail fast instead of queueing commands while Redis is away: auth then fails closed (503).
    this.redis = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.redis.on('error', () => {});
  }
  /**
   * Waits (up to `timeoutMs`) for the first connection, so a node that just started does not answer its first
   * requests 503 only because the connection was still being made; Redis being away longer still fails closed.
   */
  async connected(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }
  async get(key: string) {
    return this.redis.get(key);
  }
  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(key, value, 'PX', ttlMs);
  }
  async swap(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(key, value, 'PX', ttlMs, 'GET')) as string | null;
  }
  async take(key: string) {
    return this.redis.getdel(key);
  }
  async delete(key: string) {
    await this.redis.del(key);
  }
  async increment(key: string, ttlMs: number) {
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, ttlMs, 'NX').exec()) as [[null, number], unknown];
    return count;
  }
  async ping() {
    await this.redis.ping();
  }
  async close() {
    this.redis.disconnect();
  }
}

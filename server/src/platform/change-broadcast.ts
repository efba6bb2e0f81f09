import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { TableChanges } from '../db/table-changes.ts';

/**
 * Tells the other app nodes which tables this node wrote (Redis pub/sub), so totals they cached are dropped
 * at once rather than when their time runs out. Changes of one event-loop turn go out as one message.
 */
export class RedisChangeBroadcast {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly node = crypto.randomUUID();
  private readonly channel: string;
  private pending = new Set<string>();
  private everything = false;
  private scheduled = false;
  private readonly stopListening: () => void;

  constructor(url: string, prefix: string, changes: TableChanges) {
    this.channel = `${prefix}table-changes`;
    this.publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    // A node that misses messages while Redis is away still drops its totals after LIST_TOTAL_CACHE_SECONDS.
    this.publisher.on('error', () => {});
    this.subscriber.on('error', () => {});
    this.subscriber.subscribe(this.channel).catch(() => {});
    this.subscriber.on('message', (_channel: string, message: string) => {
      const { node, tables } = JSON.parse(message) as { node: string; tables: string[] | 'all' };
      if (node !== this.node) changes.bump(tables, false);
    });
    this.stopListening = changes.onLocalChange((tables) => {
      if (tables === 'all') this.everything = true;
      else for (const table of tables) this.pending.add(table);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush() {
    this.scheduled = false;
    const tables = this.everything ? 'all' : [...this.pending];
    this.pending = new Set();
    this.everything = false;
    this.publisher.publish(this.channel, JSON.stringify({ node: this.node, tables })).catch(() => {});
  }

  close() {
    this.stopListening();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

import type { CompiledQuery, DatabaseConnection, Dialect, Driver, OperationNode, QueryResult, TransactionSettings } from 'kysely';

type Written = readonly string[] | 'all';

/**
 * A generation number per table, raised by every statement that writes the table and again when its
 * transaction ends. Anything derived from a table (cached list totals) remembers the generations it was
 * computed at and is stale as soon as one moved. Other app nodes learn of changes through `onLocalChange`
 * (published over Redis by the app).
 */
export class TableChanges {
  private readonly generations = new Map<string, number>();
  private everything = 0;
  private readonly listeners = new Set<(tables: Written) => void>();

  /** One string naming the state of the given tables; equal strings mean nothing was written in between. */
  stamp(tables: readonly string[]): string {
    let stamp = String(this.everything);
    for (const table of tables) stamp += `:${this.generations.get(table) ?? 0}`;
    return stamp;
  }

  bump(tables: Written, local = true): void {
    if (tables === 'all') this.everything++;
    else for (const table of tables) this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    if (local) for (const listener of this.listeners) listener(tables);
  }

  onLocalChange(listener: (tables: Written) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface NamedNode extends OperationNode {
  table?: OperationNode;
  into?: OperationNode;
  from?: { froms: readonly OperationNode[] };
  identifier?: { name: string };
  node?: OperationNode;
}

function tableName(node: OperationNode | undefined): string | null {
  let current = node as NamedNode | undefined;
  // AliasNode wraps the table; TableNode holds a SchemableIdentifierNode with the identifier.
  if (current?.kind === 'AliasNode') current = current.node as NamedNode;
  if (current?.kind === 'TableNode') current = current.table as NamedNode;
  return current?.identifier?.name ?? null;
}

const readOnlyStart = /^\s*(select|with|pragma|explain|show|values|begin|commit|rollback|savepoint|release|set)\b/i;
const rawWrite = /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?([A-Za-z_][\w]*)"?/i;

/** The tables a statement writes, 'all' when it may write but we cannot tell which, or null for reads. */
export function writtenTables(query: CompiledQuery): Written | null {
  const node = query.query as NamedNode;
  switch (node.kind) {
    case 'SelectQueryNode':
      return null;
    case 'InsertQueryNode':
      return tableList(tableName(node.into));
    case 'UpdateQueryNode':
      return tableList(tableName(node.table));
    case 'DeleteQueryNode':
      return tableList(...(node.from?.froms ?? []).map(tableName));
    default: {
      if (readOnlyStart.test(query.sql) && !/\b(insert|update|delete)\b/i.test(query.sql)) return null;
      const match = rawWrite.exec(query.sql);
      return match ? [match[1]!] : 'all';
    }
  }
}

function tableList(...names: (string | null)[]): Written {
  return names.every((name) => name) ? (names as string[]) : 'all';
}

class TrackedConnection implements DatabaseConnection {
  /** Tables written since the transaction began (null outside a transaction). */
  pending: Set<string> | 'all' | null = null;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly changes: TableChanges,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const written = writtenTables(query);
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      if (written) {
        this.changes.bump(written);
        if (this.pending !== null) this.pending = written === 'all' || this.pending === 'all' ? 'all' : new Set([...this.pending, ...written]);
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  /** The transaction ended (committed or rolled back): readers that started during it may hold old counts. */
  settle() {
    const pending = this.pending;
    this.pending = null;
    if (pending === 'all') this.changes.bump('all');
    else if (pending?.size) this.changes.bump([...pending]);
  }
}

const unwrap = (connection: DatabaseConnection) => (connection as TrackedConnection).inner;

class TrackingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly changes: TableChanges,
  ) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection() {
    return new TrackedConnection(await this.inner.acquireConnection(), this.changes);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await this.inner.beginTransaction(unwrap(connection), settings);
    (connection as TrackedConnection).pending = new Set();
  }
  async commitTransaction(connection: DatabaseConnection) {
    try {
      await this.inner.commitTransaction(unwrap(connection));
    } finally {
      (connection as TrackedConnection).settle();
    }
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    try {
      await this.inner.rollbackTransaction(unwrap(connection));
    } finally {
      (connection as TrackedConnection).settle();
    }
  }
  async savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.savepoint!(unwrap(connection), name, compile);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.rollbackToSavepoint!(unwrap(connection), name, compile);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.releaseSavepoint!(unwrap(connection), name, compile);
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection(unwrap(connection));
  }
  destroy() {
    return this.inner.destroy();
  }
}

/** Wraps a Kysely dialect so every write through it moves the tables' generations in `changes`. */
export function trackTableChanges(dialect: Dialect, changes: TableChanges, introspector?: Dialect['createIntrospector']): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new TrackingDriver(dialect.createDriver(), changes),
    createIntrospector: introspector ?? ((db) => dialect.createIntrospector(db)),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

/**
 * Results of counting queries, kept while the tables they read are unchanged (and at most `ttlMs`, which
 * bounds staleness on nodes that cannot hear other nodes' changes). Keyed by SQL and parameters, so the
 * actor's data scope is part of the key.
 */
export class CountCache {
  private readonly entries = new Map<string, { stamp: string; value: number; expires: number }>();

  constructor(
    private readonly changes: TableChanges,
    private readonly ttlMs: number,
    private readonly capacity = 2000,
  ) {}

  async get(query: CompiledQuery, tables: readonly string[], count: () => Promise<number>, now = Date.now()): Promise<number> {
    if (this.ttlMs <= 0) return count();
    const key = `${query.sql}\u0000${JSON.stringify(query.parameters)}`;
    const stamp = this.changes.stamp(tables);
    const entry = this.entries.get(key);
    if (entry && entry.stamp === stamp && entry.expires > now) return entry.value;
    // The stamp is taken before counting: a write during the count leaves this entry stale at once.
    const value = await count();
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { stamp, value, expires: now + this.ttlMs });
    return value;
  }
}

import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { sql } from 'kysely';
import type { Database, Dialect } from '../db/database.ts';
import { fieldToColumns } from '../entities/row-mapper.ts';
import type { FieldCipher } from '../platform/crypto.ts';

export interface SystemValues {
  status?: string;
  createdAt: string;
}

/** Field kinds stored as given (no encryption, cents, boolean or JSON conversion). */
const plainKinds = new Set<Field['kind']>(['text', 'textarea', 'phone', 'idCard', 'email', 'int', 'decimal', 'date', 'datetime', 'enum', 'ref']);

/**
 * The column layout of an entity's rows and a function filling one row positionally. Field values go
 * through the engine's own column mapping (encryption, masks, blind indexes, cents); plain columns skip
 * the per-field object it builds, which matters at millions of rows.
 */
export class RowMapper {
  readonly columns: string[];
  private readonly plan: { name: string; field: Field; plain: boolean }[];

  constructor(
    readonly entity: Entity,
    private readonly cipher: FieldCipher,
    private readonly dialect: Dialect,
  ) {
    this.columns = ['id', 'code', 'status', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by'];
    if (entity.hasSortIndex) this.columns.push('sort_index');
    this.plan = [];
    for (const [name, field] of Object.entries(entity.fields)) {
      if (field.kind === 'refMany') continue;
      this.plan.push({ name, field, plain: !field.pii && plainKinds.has(field.kind) });
      this.columns.push(...Object.keys(fieldToColumns(name, field, null, cipher, dialect)));
    }
  }

  row(id: number, values: Record<string, unknown>, system: SystemValues): unknown[] {
    const { entity } = this;
    const row: unknown[] = [id, `${entity.codePrefix}${String(id).padStart(6, '0')}`, system.status ?? entity.statuses[0]!.value, 1, system.createdAt, system.createdAt, 0, 0];
    if (entity.hasSortIndex) row.push(0);
    for (const { name, field, plain } of this.plan) {
      const value = values[name] ?? null;
      if (plain) row.push(value);
      else for (const column of Object.values(fieldToColumns(name, field, value, this.cipher, this.dialect))) row.push(column);
    }
    return row;
  }
}

/** Rows of one entity in column order, ready to insert. */
export interface RowBatch {
  entity: string;
  table: string;
  columns: string[];
  rows: unknown[][];
}

const insertStatements = new WeakMap<object, Map<string, { one: import('better-sqlite3').Statement; many: import('better-sqlite3').Statement; perStatement: number }>>();

/** Inserts batches in the given order (referenced tables first), in one transaction. */
export async function insertBatches(database: Database, batches: RowBatch[]): Promise<void> {
  const { sqlite, db } = database;
  if (sqlite) {
    let cache = insertStatements.get(sqlite);
    if (!cache) insertStatements.set(sqlite, (cache = new Map()));
    const statementsFor = (batch: RowBatch) => {
      const key = `${batch.table}:${batch.columns.join(',')}`;
      let entry = cache.get(key);
      if (!entry) {
        const head = `insert into "${batch.table}" (${batch.columns.map((column) => `"${column}"`).join(',')}) values `;
        const tuple = `(${batch.columns.map(() => '?').join(',')})`;
        // Several rows per statement: fewer calls across the native boundary (SQLite allows 32,766 parameters).
        const perStatement = Math.max(1, Math.min(100, Math.floor(32_000 / batch.columns.length)));
        entry = { one: sqlite.prepare(head + tuple), many: sqlite.prepare(head + Array(perStatement).fill(tuple).join(',')), perStatement };
        cache.set(key, entry);
      }
      return entry;
    };
    sqlite.transaction(() => {
      for (const batch of batches) {
        const { one, many, perStatement } = statementsFor(batch);
        let start = 0;
        for (; start + perStatement <= batch.rows.length; start += perStatement) many.run(batch.rows.slice(start, start + perStatement).flat());
        for (; start < batch.rows.length; start++) one.run(batch.rows[start]);
      }
    })();
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const batch of batches) {
      const perStatement = Math.max(1, Math.floor(30_000 / batch.columns.length));
      for (let start = 0; start < batch.rows.length; start += perStatement) {
        const objects = batch.rows.slice(start, start + perStatement).map((row) => Object.fromEntries(batch.columns.map((column, index) => [column, row[index]])));
        await trx.insertInto(batch.table).values(objects).execute();
      }
    }
  });
}

/** Moves an entity's code sequence (and PostgreSQL's identity) past the last id used. */
export async function advanceSequence(database: Database, entity: Entity, lastId: number): Promise<void> {
  const { db, dialect } = database;
  await db
    .insertInto('sequences')
    .values({ name: entity.name, value: lastId })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: lastId }))
    .execute();
  if (dialect === 'postgres' && lastId > 0) {
    await sql`select setval(pg_get_serial_sequence(${entity.table}, 'id'), ${lastId})`.execute(db);
  }
}

/** The id after the highest one in use: generated rows get ids from here so that they can refer to each other. */
export async function firstFreeId(database: Database, entity: Entity): Promise<number> {
  const row = await database.db.selectFrom(entity.table).select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

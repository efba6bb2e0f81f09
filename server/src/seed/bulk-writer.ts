import type { Entity } from '@insure/model/entity';
import { sql } from 'kysely';
import type { Row } from '../db/database.ts';
import type { Services } from '../entities/context.ts';
import { fieldToColumns } from '../entities/row-mapper.ts';

/**
 * Fast inserts for generated data: field values go through the same column mapping as the engine
 * (encryption, masks, blind indexes, cents), but rows are written in large batches without per-row checks.
 * Ids are assigned here so that generated rows can reference each other.
 */
export class BulkWriter {
  private buffer: Row[] = [];
  private nextId: number;
  private written = 0;
  /** Writers whose rows this one references: flushed first so foreign keys hold at every step. */
  private readonly dependsOn: BulkWriter[] = [];

  constructor(
    private readonly services: Services,
    readonly entity: Entity,
    firstId: number,
    private readonly batchSize = 5000,
  ) {
    this.nextId = firstId;
  }

  static async open(services: Services, entity: Entity): Promise<BulkWriter> {
    const row = await services.database.db.selectFrom(entity.table).select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    return new BulkWriter(services, entity, Number(row?.max ?? 0) + 1);
  }

  after(...writers: BulkWriter[]): this {
    this.dependsOn.push(...writers);
    return this;
  }

  /** The id the next add() will get (for rows that embed their own id, such as tree paths). */
  peekNextId(): number {
    return this.nextId;
  }

  /** Queues one row; returns its id. */
  async add(values: Record<string, unknown>, system: { status?: string; createdAt: string }): Promise<number> {
    const id = this.nextId++;
    const row: Row = {
      id,
      code: `${this.entity.codePrefix}${String(id).padStart(6, '0')}`,
      status: system.status ?? this.entity.statuses[0]!.value,
      version: 1,
      created_at: system.createdAt,
      updated_at: system.createdAt,
      created_by: 0,
      updated_by: 0,
    };
    if (this.entity.hasSortIndex) row.sort_index = 0;
    for (const [name, field] of Object.entries(this.entity.fields)) {
      if (field.kind === 'refMany') continue;
      Object.assign(row, fieldToColumns(name, field, values[name] ?? null, this.services.cipher, this.services.database.dialect));
    }
    this.buffer.push(row);
    if (this.buffer.length >= this.batchSize) await this.flush();
    return id;
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    for (const writer of this.dependsOn) await writer.flush();
    const rows = this.buffer;
    this.buffer = [];
    const { sqlite, db } = this.services.database;
    if (sqlite) {
      const columns = Object.keys(rows[0]!);
      const statement = sqlite.prepare(`insert into "${this.entity.table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map((c) => `@${c}`).join(',')})`);
      sqlite.transaction((batch: Row[]) => {
        for (const row of batch) statement.run(row);
      })(rows);
    } else {
      const perStatement = Math.max(1, Math.floor(30000 / Object.keys(rows[0]!).length));
      for (let start = 0; start < rows.length; start += perStatement) {
        await db.insertInto(this.entity.table).values(rows.slice(start, start + perStatement)).execute();
      }
    }
    this.written += rows.length;
  }

  /** Flushes and moves the code sequence (and PostgreSQL's identity) past the ids used. */
  async finish(): Promise<number> {
    await this.flush();
    const { db, dialect } = this.services.database;
    const last = this.nextId - 1;
    await db
      .insertInto('sequences')
      .values({ name: this.entity.name, value: last })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: last }))
      .execute();
    if (dialect === 'postgres' && last > 0) {
      await sql`select setval(pg_get_serial_sequence(${this.entity.table}, 'id'), ${last})`.execute(db);
    }
    return this.written;
  }
}

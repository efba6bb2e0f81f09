import type { Entity } from '@insure/model/entity';
import type { ListQuery } from '@insure/model/derive/query';
import { columnName, isRefField } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import { type Expression, type SqlBool, expressionBuilder, sql } from 'kysely';
import type { DB, Row, Tables } from '../db/database.ts';
import { joinTableName } from '../db/entity-tables.ts';
import { can, type Actor } from '../platform/access/actor.ts';
import { scopePredicate } from '../platform/access/data-scope.ts';
import { notFound } from '../platform/errors.ts';
import type { Services } from './context.ts';
import { keywordAlternatives, listPredicate } from './filters.ts';
import { allowedActions } from './workflow-actions.ts';
import { hooksFor } from './hooks.ts';
import { checkCustomFilters, customFieldsFor } from './custom-fields.ts';
import { type ApiRecord, rowToRecord } from './row-mapper.ts';

export interface RefSummary {
  id: number;
  code: string;
  label: string;
  status: string;
  deleted: boolean;
}

const recordColumnCache = new WeakMap<Entity, string[]>();
/**
 * The columns rowToRecord reads, table-qualified: all but ciphertexts and blind indexes, which lists and
 * exports never show and which make up much of a customer row.
 */
export function recordColumns(entity: Entity): string[] {
  let columns = recordColumnCache.get(entity);
  if (!columns) {
    const names = ['id', 'code', 'status', 'version', 'created_at', 'updated_at', 'deleted_at'];
    if (entity.hasSortIndex) names.push('sort_index');
    if (entity.customFields) names.push('custom');
    for (const [name, field] of Object.entries(entity.fields)) {
      if (!field.hidden && field.kind !== 'refMany') names.push(field.pii ? `${columnName(name)}_mask` : columnName(name));
    }
    columns = names.map((name) => `${entity.table}.${name}`);
    recordColumnCache.set(entity, columns);
  }
  return columns;
}

/** Live rows of the entity visible to the actor: the base of every read. */
export function scopedRows(db: DB, entity: Entity, actor: Actor) {
  return db.selectFrom(entity.table).where(`${entity.table}.deleted_at`, 'is', null).where(scopePredicate(entity, actor));
}

/** Definitions needed by a query's custom-field filters (checked: unknown or unsearchable keys are refused). */
export async function customDefinitionsForQuery(services: Services, entity: Entity, query: Pick<ListQuery, 'filters'>) {
  const filters = query.filters?.custom as Record<string, unknown> | undefined;
  if (!entity.customFields || !filters) return [];
  const definitions = await customFieldsFor(services.database.db, entity);
  checkCustomFilters(definitions, filters);
  return definitions;
}

export async function listRecords(services: Services, entity: Entity, actor: Actor, query: ListQuery) {
  const { db, dialect } = services.database;
  const keyword = query.q?.trim();
  const customDefinitions = await customDefinitionsForQuery(services, entity, query);
  const where = listPredicate(entity, { filters: query.filters }, services.cipher, dialect, customDefinitions);
  const table = entity.table;
  const order: [string, 'asc' | 'desc'][] = query.sort
    ? [[query.sort === 'sortIndex' ? 'sort_index' : columnName(query.sort), query.order], ['id', query.order]]
    : entity.hasSortIndex
      ? [['sort_index', 'desc'], ['id', 'desc']]
      : [['id', 'desc']];
  const offset = (query.page - 1) * query.pageSize;
  let rowsQuery;
  let countQuery;
  if (keyword) {
    // One indexed query per searched column, united: an OR across columns would read every match's row to sort it.
    const branch = (alternative: Expression<SqlBool>) =>
      scopedRows(db, entity, actor)
        .where(where)
        .where(alternative)
        .select(order.map(([column]) => `${table}.${column}`));
    const alternatives = keywordAlternatives(entity, keyword, services.cipher, expressionBuilder<Tables, string>(), services.database.keywordMode);
    // Each branch's own first rows suffice for this page: the page can hold no row a branch would place lower.
    const topOf = (alternative: Expression<SqlBool>, index: number) => {
      let top = branch(alternative);
      for (const [column, direction] of order) top = top.orderBy(`${table}.${column}`, direction);
      return db.selectFrom(top.limit(offset + query.pageSize).as(`top${index}`)).selectAll();
    };
    const united = alternatives.slice(1).reduce((union, alternative, index) => union.union(topOf(alternative, index + 1)), topOf(alternatives[0]!, 0));
    let page = db.selectFrom(united.as('matches')).select('matches.id');
    for (const [column, direction] of order) page = page.orderBy(`matches.${column}`, direction);
    rowsQuery = db
      .selectFrom(table)
      .select(recordColumns(entity))
      .where(`${table}.id`, 'in', page.limit(query.pageSize).offset(offset));
    const everyMatch = alternatives.slice(1).reduce((union, alternative) => union.union(branch(alternative)), branch(alternatives[0]!));
    countQuery = db.selectFrom(everyMatch.as('matches')).select(sql<number>`count(*)`.as('total'));
  } else {
    const base = scopedRows(db, entity, actor).where(where);
    rowsQuery = base.select(recordColumns(entity)).limit(query.pageSize).offset(offset);
    countQuery = base.select(sql<number>`count(*)`.as('total'));
  }
  for (const [column, direction] of order) rowsQuery = rowsQuery.orderBy(`${table}.${column}`, direction);
  const counted = countQuery;
  const [rows, total] = await Promise.all([
    rowsQuery.execute(),
    services.counts.get(counted.compile(), countedTables(entity), async () => Number((await counted.executeTakeFirstOrThrow()).total)),
  ]);
  const items = await presentRows(services, entity, actor, rows);
  return { items, total, page: query.page, pageSize: query.pageSize };
}

const countedTableCache = new WeakMap<Entity, string[]>();
/** Tables a list's count may read: the entity's, its many-to-many links, and organisations (data scope by org path). */
function countedTables(entity: Entity): string[] {
  let tables = countedTableCache.get(entity);
  if (!tables) {
    tables = [entity.table, 'organisations'];
    for (const [name, field] of Object.entries(entity.fields)) if (field.kind === 'refMany') tables.push(joinTableName(entity, name));
    countedTableCache.set(entity, tables);
  }
  return tables;
}

/** Loads one live row in scope; out-of-scope and missing rows are the same 404. */
export async function loadRow(db: DB, entity: Entity, actor: Actor, id: number, forUpdate = false): Promise<Row> {
  let query = scopedRows(db, entity, actor).selectAll(entity.table).where(`${entity.table}.id`, '=', id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getRecord(services: Services, entity: Entity, actor: Actor, id: number): Promise<ApiRecord> {
  const row = await loadRow(services.database.db, entity, actor, id);
  const [record] = await presentRows(services, entity, actor, [row]);
  return record!;
}

/** Adds refMany values, referenced-record summaries and the actor's abilities to rows. */
export async function presentRows(services: Services, entity: Entity, actor: Actor, rows: Row[]): Promise<ApiRecord[]> {
  const { db } = services.database;
  const records = rows.map((row) => rowToRecord(entity, row));
  const ids = records.map((record) => record.id);
  const refs = new Map<number, Record<string, RefSummary | RefSummary[] | null>>(records.map((record) => [record.id, {}]));
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!isRefField(field) || field.hidden) continue;
    const target = getEntity(field.entity);
    if (field.kind === 'refMany') {
      const links = ids.length
        ? await db.selectFrom(joinTableName(entity, name)).select(['owner_id', 'target_id']).where('owner_id', 'in', ids).execute()
        : [];
      const summaries = await summarise(db, target, links.map((link) => Number(link.target_id)));
      const byOwner = new Map<number, number[]>();
      for (const link of links) {
        const owner = Number(link.owner_id);
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), Number(link.target_id)]);
      }
      for (const record of records) {
        const own = byOwner.get(record.id) ?? [];
        record[name] = own;
        refs.get(record.id)![name] = own.map((id) => summaries.get(id)).filter((summary): summary is RefSummary => !!summary);
      }
      continue;
    }
    const targetIds = records.map((record) => record[name]).filter((value): value is number => typeof value === 'number');
    const summaries = await summarise(db, target, targetIds);
    for (const record of records) {
      const value = record[name];
      refs.get(record.id)![name] = typeof value === 'number' ? (summaries.get(value) ?? null) : null;
    }
  }
  const hasPii = Object.values(entity.fields).some((field) => field.pii);
  const abilities = {
    edit: can(actor, `${entity.name}:edit`),
    delete: can(actor, `${entity.name}:delete`),
    reveal: hasPii && can(actor, `${entity.name}:reveal`),
  };
  // The records are this call's own: extended in place (copying every field of every row costs more than the queries).
  for (const record of records) {
    record._refs = refs.get(record.id);
    record.can = entity.workflow ? { ...abilities, actions: allowedActions(entity, actor, String(record.status)) } : abilities;
  }
  // Domain hooks may add derived fields and narrow `can` (replacing it, never changing the shared object).
  const decorate = hooksFor(entity.name).decorate;
  if (decorate) {
    const now = services.clock.now();
    for (const record of records) decorate(record, now);
  }
  return records;
}

/** Title, code and availability of referenced rows (deleted ones included, so references say "deleted"). */
export async function summarise(db: DB, entity: Entity, ids: number[]): Promise<Map<number, RefSummary>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const title = columnName(entity.titleField);
  const rows = await db
    .selectFrom(entity.table)
    .select(['id', 'code', 'status', 'deleted_at', sql.ref(title).as('title')])
    .where('id', 'in', unique)
    .execute();
  return new Map(
    rows.map((row) => [
      Number(row.id),
      { id: Number(row.id), code: String(row.code), label: String(row.title ?? ''), status: String(row.status), deleted: row.deleted_at != null },
    ]),
  );
}

/** Relation picker: only pickable ('normal') live rows in the actor's scope. */
export async function pickerOptions(services: Services, entity: Entity, actor: Actor, keyword: string | undefined, ids: number[], statuses = entity.pickableStatus) {
  const { db, dialect } = services.database;
  let query = scopedRows(db, entity, actor)
    .select([`${entity.table}.id`, `${entity.table}.code`, sql.ref(`${entity.table}.${columnName(entity.titleField)}`).as('title')])
    .where(`${entity.table}.status`, 'in', statuses);
  if (ids.length) query = query.where(`${entity.table}.id`, 'in', ids);
  else if (keyword) query = query.where(listPredicate(entity, { q: keyword, filters: {} }, services.cipher, dialect, [], services.database.keywordMode));
  const rows = await query.orderBy(`${entity.table}.id`, 'desc').limit(ids.length ? ids.length : 20).execute();
  return rows.map((row) => ({ id: Number(row.id), code: String(row.code), label: String(row.title ?? '') }));
}

/** Count of rows (live ones unless told otherwise) that point at a record, per referencing entity and field. */
export async function dependents(db: DB, entities: readonly Entity[], target: Entity, id: number, options: { includeDeleted?: boolean } = {}) {
  const liveOnly = !options.includeDeleted;
  const found: { entity: string; field: string; count: number }[] = [];
  for (const entity of entities) {
    for (const [name, field] of Object.entries(entity.fields)) {
      if (!isRefField(field) || field.entity !== target.name) continue;
      let count: number;
      if (field.kind === 'refMany') {
        const join = joinTableName(entity, name);
        const row = await db
          .selectFrom(join)
          .innerJoin(entity.table, `${entity.table}.id`, `${join}.owner_id`)
          .select(sql<number>`count(*)`.as('n'))
          .where(`${join}.target_id`, '=', id)
          .$if(liveOnly, (query) => query.where(`${entity.table}.deleted_at`, 'is', null))
          .executeTakeFirstOrThrow();
        count = Number(row.n);
      } else {
        const row = await db
          .selectFrom(entity.table)
          .select(sql<number>`count(*)`.as('n'))
          .where(columnName(name), '=', id)
          .$if(liveOnly, (query) => query.where('deleted_at', 'is', null))
          .where('id', '!=', entity === target ? id : -1)
          .executeTakeFirstOrThrow();
        count = Number(row.n);
      }
      if (count > 0) found.push({ entity: entity.name, field: name, count });
    }
  }
  return found;
}

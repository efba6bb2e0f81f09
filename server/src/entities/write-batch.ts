import type { Entity } from '@insure/model/entity';
import { blindIndexedKinds, columnName, isRefField } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import type { Row } from '../db/database.ts';
import { entityTables, joinTableName } from '../db/entity-tables.ts';
import { scopePredicate } from '../platform/access/data-scope.ts';
import { writeAudits } from '../platform/audit/audit.ts';
import { AppError, type FieldReasons } from '../platform/errors.ts';
import type { WriteContext } from './context.ts';
import { customFieldsFor, mergeCustomValues } from './custom-fields.ts';
import { hooksFor } from './hooks.ts';
import { recordColumns, scopedRows } from './read.ts';
import { applyDefaults, dataColumns, diffForAudit, outOfScopeField, referableStatuses } from './write.ts';

const inChunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/** The batched path keeps createRecord's order of effects only where no hook or workflow runs per record. */
export function canCreateInBatch(entity: Entity): boolean {
  const hooks = hooksFor(entity.name);
  return !entity.workflow && !hooks.beforeWrite && !hooks.afterWrite;
}

type Problems = Map<number, FieldReasons>;

/** createRecord's reference check for every row: one query per referenced entity and 500 ids. */
async function checkReferences(ctx: WriteContext, entity: Entity, values: (Record<string, unknown> | null)[], problems: Problems) {
  const found = new Map<number, FieldReasons>();
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!isRefField(field)) continue;
    const target = getEntity(field.entity);
    const wantedOf = (value: Record<string, unknown> | null) => (value?.[name] == null ? [] : field.kind === 'refMany' ? [...new Set(value[name] as number[])] : [value[name] as number]);
    const wanted = [...new Set(values.flatMap(wantedOf))];
    const valid = new Set<number>();
    for (const ids of inChunks(wanted, 500)) {
      const rows = await scopedRows(ctx.trx, target, ctx.actor)
        .select(`${target.table}.id`)
        .where(`${target.table}.id`, 'in', ids)
        .where(`${target.table}.status`, 'in', referableStatuses(field, target))
        .execute();
      for (const row of rows) valid.add(Number(row.id));
    }
    values.forEach((value, index) => {
      if (wantedOf(value).some((id) => !valid.has(id))) found.set(index, { ...found.get(index), [name]: { reason: 'reference_unavailable' } });
    });
  }
  for (const [index, reasons] of found) problems.set(index, reasons);
}

/** createRecord's uniqueness check for every row (null: already refused), in order: a value clashes with live rows or an earlier row. */
async function checkUnique(ctx: WriteContext, entity: Entity, values: (Record<string, unknown> | null)[], problems: Problems) {
  const unique = Object.entries(entity.fields).filter(([, field]) => field.unique);
  if (!unique.length) return;
  const keyed = unique.map(([name, field]) => {
    const blind = field.pii && blindIndexedKinds.has(field.kind);
    const column = blind ? `${columnName(name)}_bidx` : columnName(name);
    const keys = values.map((value) => (value?.[name] == null || value[name] === '' ? null : blind ? ctx.services.cipher.blindIndex(String(value[name])) : value[name]));
    return { name, column, keys, taken: new Set<unknown>() };
  });
  for (const entry of keyed) {
    const wanted = [...new Set(entry.keys.filter((key) => key !== null))];
    for (const chunk of inChunks(wanted, 500)) {
      const rows = await ctx.trx.selectFrom(entity.table).select(sql.ref(entry.column).as('value')).where(entry.column, 'in', chunk).where('deleted_at', 'is', null).execute();
      for (const row of rows) entry.taken.add(row.value);
    }
  }
  values.forEach((value, index) => {
    if (!value || problems.has(index)) return;
    const reasons: FieldReasons = {};
    for (const entry of keyed) if (entry.keys[index] !== null && entry.taken.has(entry.keys[index])) reasons[entry.name] = { reason: 'duplicate' };
    if (Object.keys(reasons).length) problems.set(index, reasons);
    else for (const entry of keyed) if (entry.keys[index] !== null) entry.taken.add(entry.keys[index]);
  });
}

/**
 * createRecord for many rows (imports): the same steps — defaults, admin-defined fields, references (live,
 * referable, in scope), uniqueness, generated code, insert, many-to-many links, scope check, one audit row per
 * record — each run set-wise instead of one round of queries per row. A row that fails a step gets the
 * reasons createRecord would have thrown and goes no further; the caller rolls back when there are any.
 * Only for entities where canCreateInBatch holds: hooks and workflows need createRecord's per-row order.
 */
export async function createRecords(ctx: WriteContext, entity: Entity, inputs: Record<string, unknown>[]): Promise<{ ids: (number | null)[]; problems: Problems }> {
  const problems: Problems = new Map();
  const definitions = await customFieldsFor(ctx.trx, entity);
  const values = inputs.map((input, index) => {
    try {
      const withDefaults = applyDefaults(ctx, entity, input);
      if (!entity.customFields) return withDefaults;
      return { ...withDefaults, custom: mergeCustomValues(definitions, withDefaults.custom as Record<string, string | number | null> | undefined, {}, true) };
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      problems.set(index, error.fields);
      return null;
    }
  });
  await checkReferences(ctx, entity, values.map((value, index) => (problems.has(index) ? null : value)), problems);
  await checkUnique(ctx, entity, values.map((value, index) => (problems.has(index) ? null : value)), problems);

  const ready = values.flatMap((value, index) => (value && !problems.has(index) ? [{ index, value }] : []));
  const ids: (number | null)[] = inputs.map(() => null);
  if (!ready.length) return { ids, problems };
  const sequence = await ctx.trx
    .insertInto('sequences')
    .values({ name: entity.name, value: ready.length })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: sql`sequences.value + ${ready.length}` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  const firstCode = Number(sequence.value) - ready.length + 1;
  const now = ctx.now.toISOString();
  const rows: Row[] = ready.map(({ value }, position) => ({
    ...dataColumns(ctx, entity, value),
    code: `${entity.codePrefix}${String(firstCode + position).padStart(6, '0')}`,
    version: 1,
    created_at: now,
    updated_at: now,
    created_by: ctx.actor.accountId,
    updated_by: ctx.actor.accountId,
  }));
  // A multi-row insert needs one column list: a column some rows leave out gets the value the table would give it.
  const defaults = new Map(entityTables(entity)[0]!.columns.map((column) => [column.name, column.default ?? null]));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  const idByCode = new Map<string, number>();
  for (const chunk of inChunks(rows, perStatement)) {
    const complete = chunk.map((row) => Object.fromEntries(columns.map((column) => [column, column in row ? row[column] : (defaults.get(column) ?? null)])));
    for (const inserted of await ctx.trx.insertInto(entity.table).values(complete).returning(['id', 'code']).execute()) idByCode.set(String(inserted.code), Number(inserted.id));
  }
  ready.forEach(({ index }, position) => (ids[index] = idByCode.get(String(rows[position]!.code))!));

  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.kind !== 'refMany') continue;
    const links = ready.flatMap(({ index, value }) => [...new Set((value[name] as number[] | null | undefined) ?? [])].map((target) => ({ owner_id: ids[index]!, target_id: target })));
    for (const chunk of inChunks(links, 5000)) await ctx.trx.insertInto(joinTableName(entity, name)).values(chunk).execute();
  }

  const written = ready.map(({ index }) => ids[index]!);
  await hooksFor(entity.name).afterCreate?.(ctx, entity, written);
  const inScope = new Set<number>();
  const after = new Map<number, Row>();
  for (const chunk of inChunks(written, 500)) {
    for (const row of await ctx.trx.selectFrom(entity.table).select('id').where('id', 'in', chunk).where(scopePredicate(entity, ctx.actor)).execute()) inScope.add(Number(row.id));
    for (const row of await ctx.trx.selectFrom(entity.table).select(recordColumns(entity)).where(`${entity.table}.id`, 'in', chunk).execute()) after.set(Number(row.id), row);
  }
  const audited = ready.filter(({ index }) => {
    if (inScope.has(ids[index]!)) return true;
    problems.set(index, { [outOfScopeField(entity)]: { reason: 'out_of_scope' } });
    return false;
  });
  await writeAudits(
    ctx.trx,
    ctx.services.database.dialect,
    audited.map(({ index, value }) => ({
      at: now,
      actorId: ctx.actor.accountId,
      actorName: ctx.actor.displayName,
      ip: ctx.ip,
      requestId: ctx.requestId,
      module: entity.name,
      recordId: ids[index]!,
      action: 'create',
      changes: diffForAudit(entity, null, after.get(ids[index]!)!, value),
    })),
  );
  return { ids, problems };
}

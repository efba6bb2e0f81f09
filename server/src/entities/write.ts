import type { Entity } from '@insure/model/entity';
import { blindIndexedKinds, columnName, isRefField, type Field } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import type { Row } from '../db/database.ts';
import { joinTableName } from '../db/entity-tables.ts';
import { scopePredicate } from '../platform/access/data-scope.ts';
import { writeAudit } from '../platform/audit/audit.ts';
import { AppError, type FieldReasons } from '../platform/errors.ts';
import type { WriteContext } from './context.ts';
import { customFieldsFor, mergeCustomValues } from './custom-fields.ts';
import { hooksFor } from './hooks.ts';
import { loadRow, scopedRows } from './read.ts';
import { columnsToField, fieldToColumns } from './row-mapper.ts';

/** Next human-readable code, e.g. CUS000042; the sequence row is locked for the rest of the transaction. */
export async function nextCode(ctx: WriteContext, entity: Entity): Promise<string> {
  const row = await ctx.trx
    .insertInto('sequences')
    .values({ name: entity.name, value: 1 })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: sql`sequences.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${entity.codePrefix}${String(row.value).padStart(6, '0')}`;
}

function systemColumns(entity: Entity, input: Record<string, unknown>): Row {
  const columns: Row = {};
  if (input.status !== undefined) columns.status = input.status;
  if (entity.hasSortIndex && input.sortIndex !== undefined) columns.sort_index = input.sortIndex;
  return columns;
}

export function dataColumns(ctx: WriteContext, entity: Entity, input: Record<string, unknown>): Row {
  const columns: Row = systemColumns(entity, input);
  if (entity.customFields && input.custom !== undefined) columns.custom = JSON.stringify(input.custom);
  for (const [name, value] of Object.entries(input)) {
    const field = entity.fields[name];
    if (!field || field.kind === 'refMany' || field.readOnly) continue;
    Object.assign(columns, fieldToColumns(name, field, value, ctx.services.cipher, ctx.services.database.dialect));
  }
  return columns;
}

/** Statuses a reference may point at: the field's own list, else the target's pickable ones. */
export const referableStatuses = (field: Field, target: Entity) => field.refStatuses ?? target.pickableStatus;

/** References must point at live, pickable rows the actor may see. */
async function checkReferences(ctx: WriteContext, entity: Entity, input: Record<string, unknown>, existing: Row | null) {
  const problems: FieldReasons = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!isRefField(field) || input[name] == null) continue;
    const wanted = field.kind === 'refMany' ? [...new Set(input[name] as number[])] : [input[name] as number];
    const unchanged = existing && field.kind === 'ref' && Number(existing[columnName(name)]) === wanted[0];
    if (!wanted.length || unchanged) continue;
    const target = getEntity(field.entity);
    const found = await scopedRows(ctx.trx, target, ctx.actor)
      .select(`${target.table}.id`)
      .where(`${target.table}.id`, 'in', wanted)
      .where(`${target.table}.status`, 'in', referableStatuses(field, target))
      .execute();
    if (found.length !== wanted.length) problems[name] = { reason: 'reference_unavailable' };
  }
  if (Object.keys(problems).length) throw new AppError('INVALID_REFERENCE', {}, problems);
}

async function checkUnique(ctx: WriteContext, entity: Entity, input: Record<string, unknown>, selfId: number | null) {
  const problems: FieldReasons = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.unique || input[name] == null || input[name] === '') continue;
    const column = field.pii && blindIndexedKinds.has(field.kind) ? `${columnName(name)}_bidx` : columnName(name);
    const value = column.endsWith('_bidx') ? ctx.services.cipher.blindIndex(String(input[name])) : input[name];
    const clash = await ctx.trx
      .selectFrom(entity.table)
      .select('id')
      .where(column, '=', value)
      .where('deleted_at', 'is', null)
      .where('id', '!=', selfId ?? -1)
      .executeTakeFirst();
    if (clash) problems[name] = { reason: 'duplicate' };
  }
  if (Object.keys(problems).length) throw new AppError('DUPLICATE', {}, problems);
}

async function writeRefMany(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>) {
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.kind !== 'refMany' || input[name] === undefined) continue;
    const join = joinTableName(entity, name);
    await ctx.trx.deleteFrom(join).where('owner_id', '=', id).execute();
    const targets = [...new Set((input[name] as number[] | null) ?? [])];
    if (targets.length) await ctx.trx.insertInto(join).values(targets.map((target) => ({ owner_id: id, target_id: target }))).execute();
  }
}

/** The first entry of a workflow record's timeline. */
async function recordCreation(ctx: WriteContext, entity: Entity, id: number) {
  await ctx.trx
    .insertInto('record_events')
    .values({ module: entity.name, record_id: id, action: 'create', from_status: null, to_status: entity.workflow!.initial, note: null, data: null, actor_id: ctx.actor.accountId, actor_name: ctx.actor.displayName, at: ctx.now.toISOString() })
    .execute();
}

/** The field named when a written row falls outside the writer's scope. */
export const outOfScopeField = (entity: Entity) => (entity.scope?.owner?.field !== 'id' && entity.scope?.owner ? entity.scope.owner.field : (entity.scope?.org ?? 'id'));

/** A row the actor just wrote must still be inside their scope (no handing records to other branches). */
async function assertInScope(ctx: WriteContext, entity: Entity, id: number) {
  const row = await ctx.trx.selectFrom(entity.table).select('id').where('id', '=', id).where(scopePredicate(entity, ctx.actor)).executeTakeFirst();
  if (!row) throw new AppError('VALIDATION', {}, { [outOfScopeField(entity)]: { reason: 'out_of_scope' } });
}

const auditValue = (field: Field, name: string, row: Row) => columnsToField(field, name, row);

export function diffForAudit(entity: Entity, before: Row | null, after: Row, input: Record<string, unknown>) {
  const changes: Record<string, { before?: unknown; after?: unknown }> = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.kind === 'refMany') {
      if (input[name] !== undefined) changes[name] = { after: input[name] };
      continue;
    }
    const old = before ? auditValue(field, name, before) : null;
    const now = auditValue(field, name, after);
    if (JSON.stringify(old) !== JSON.stringify(now)) changes[name] = before ? { before: old, after: now } : { after: now };
  }
  if (entity.customFields && (before?.custom ?? null) !== (after.custom ?? null)) {
    const parse = (value: unknown) => (value ? (JSON.parse(String(value)) as Record<string, unknown>) : {});
    changes.custom = before ? { before: parse(before.custom), after: parse(after.custom) } : { after: parse(after.custom) };
  }
  for (const system of ['status', 'sort_index'] as const) {
    if (before?.[system] !== after[system] && !(before === null && after[system] === undefined)) {
      changes[system === 'sort_index' ? 'sortIndex' : 'status'] = before ? { before: before[system], after: after[system] } : { after: after[system] };
    }
  }
  return changes;
}

export async function audit(ctx: WriteContext, module: string, recordId: number | null, action: string, changes?: Record<string, unknown> | null) {
  await writeAudit(ctx.trx, ctx.services.database.dialect, {
    at: ctx.now.toISOString(),
    actorId: ctx.actor.accountId,
    actorName: ctx.actor.displayName,
    ip: ctx.ip,
    requestId: ctx.requestId,
    module,
    recordId,
    action,
    changes: changes ?? null,
  });
}

export function applyDefaults(ctx: WriteContext, entity: Entity, input: Record<string, unknown>) {
  const values = { ...input };
  for (const [name, field] of Object.entries(entity.fields)) {
    if (values[name] === undefined && field.defaultValue !== undefined) values[name] = field.defaultValue;
  }
  const rule = entity.scope;
  if (rule?.org && rule.org !== 'id' && values[rule.org] == null) values[rule.org] = ctx.actor.orgId;
  if (rule?.owner && rule.owner.field !== 'id' && values[rule.owner.field] == null && ctx.actor.dataScope === 'own') {
    values[rule.owner.field] = ctx.actor[rule.owner.actorKey];
  }
  return values;
}

/** Validates admin-defined values against their definitions and merges them into what is stored. */
async function withCustomValues(ctx: WriteContext, entity: Entity, values: Record<string, unknown>, existing: Row | null) {
  if (!entity.customFields || (existing && values.custom === undefined)) return values;
  const definitions = await customFieldsFor(ctx.trx, entity);
  const stored = existing?.custom ? (JSON.parse(String(existing.custom)) as Record<string, unknown>) : {};
  return { ...values, custom: mergeCustomValues(definitions, values.custom as Record<string, string | number | null> | undefined, stored, !existing) };
}

/** Creates one record. createRecords (write-batch.ts) runs the same steps for many rows: keep the two in step. */
export async function createRecord(ctx: WriteContext, entity: Entity, input: Record<string, unknown>): Promise<number> {
  const values = await withCustomValues(ctx, entity, applyDefaults(ctx, entity, input), null);
  if (entity.workflow && values.status === undefined) values.status = entity.workflow.initial;
  const hooks = hooksFor(entity.name);
  await hooks.beforeWrite?.(ctx, entity, values, null);
  await checkReferences(ctx, entity, values, null);
  await checkUnique(ctx, entity, values, null);
  const now = ctx.now.toISOString();
  const inserted = await ctx.trx
    .insertInto(entity.table)
    .values({
      ...dataColumns(ctx, entity, values),
      code: await nextCode(ctx, entity),
      version: 1,
      created_at: now,
      updated_at: now,
      created_by: ctx.actor.accountId,
      updated_by: ctx.actor.accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  if (entity.workflow) await recordCreation(ctx, entity, id);
  await writeRefMany(ctx, entity, id, values);
  await hooks.afterWrite?.(ctx, entity, id, values, null);
  await hooks.afterCreate?.(ctx, entity, [id]);
  await assertInScope(ctx, entity, id);
  const after = await ctx.trx.selectFrom(entity.table).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await audit(ctx, entity.name, id, 'create', diffForAudit(entity, null, after, values));
  return id;
}

export async function updateRecord(ctx: WriteContext, entity: Entity, id: number, input: Record<string, unknown>): Promise<void> {
  const { version, ...submitted } = input;
  const existing = await loadRow(ctx.trx, entity, ctx.actor, id, ctx.services.database.dialect === 'postgres');
  const values = await withCustomValues(ctx, entity, submitted, existing);
  if (Number(existing.version) !== version) throw new AppError('VERSION_CONFLICT', { currentVersion: Number(existing.version) });
  const hooks = hooksFor(entity.name);
  await hooks.beforeWrite?.(ctx, entity, values, existing);
  await checkReferences(ctx, entity, values, existing);
  await checkUnique(ctx, entity, values, id);
  const result = await ctx.trx
    .updateTable(entity.table)
    .set({ ...dataColumns(ctx, entity, values), version: Number(existing.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', id)
    .where('version', '=', version as number)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('VERSION_CONFLICT', { currentVersion: Number(existing.version) + 1 });
  await writeRefMany(ctx, entity, id, values);
  await hooks.afterWrite?.(ctx, entity, id, values, existing);
  await hooks.afterUpdate?.(ctx, entity, id, values, existing);
  await assertInScope(ctx, entity, id);
  const after = await ctx.trx.selectFrom(entity.table).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await audit(ctx, entity.name, id, 'update', diffForAudit(entity, existing, after, values));
}

export async function removeRecord(ctx: WriteContext, entity: Entity, id: number): Promise<void> {
  const row = await loadRow(ctx.trx, entity, ctx.actor, id, ctx.services.database.dialect === 'postgres');
  const hooks = hooksFor(entity.name);
  await hooks.beforeDelete?.(ctx, entity, row);
  await ctx.trx
    .updateTable(entity.table)
    .set({ deleted_at: ctx.now.toISOString(), version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', id)
    .execute();
  await hooks.afterDelete?.(ctx, entity, row);
  await audit(ctx, entity.name, id, 'delete', { code: { before: row.code } });
}

export async function restoreRecord(ctx: WriteContext, entity: Entity, id: number): Promise<void> {
  const row = await ctx.trx
    .selectFrom(entity.table)
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .where(scopePredicate(entity, ctx.actor))
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND');
  const uniqueValues: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.unique) continue;
    const column = columnName(name);
    uniqueValues[name] = field.pii ? (row[`${column}_enc`] ? ctx.services.cipher.decrypt(String(row[`${column}_enc`])) : null) : row[column];
  }
  await checkUnique(ctx, entity, uniqueValues, id);
  await ctx.trx
    .updateTable(entity.table)
    .set({ deleted_at: null, version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', id)
    .execute();
  await hooksFor(entity.name).afterRestore?.(ctx, entity, row);
  await audit(ctx, entity.name, id, 'restore', null);
}


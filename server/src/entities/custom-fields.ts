import type { Entity } from '@insure/model/entity';
import { isValidIsoDate } from '@insure/model/validators';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { DB, Dialect } from '../db/database.ts';
import { AppError, type FieldReasons } from '../platform/errors.ts';

export interface CustomFieldDefinition {
  key: string;
  labelZh: string;
  labelEn: string;
  kind: 'text' | 'number' | 'date' | 'select';
  options: string[];
  required: boolean;
  filterable: boolean;
  showInList: boolean;
}

/** The live, normal definitions of an entity's admin-defined fields, in display order. */
export async function customFieldsFor(db: DB, entity: Entity): Promise<CustomFieldDefinition[]> {
  if (!entity.customFields) return [];
  const rows = await db
    .selectFrom('custom_field_definitions')
    .selectAll()
    .where('entity_name', '=', entity.name)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'normal')
    .orderBy('sort_index', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    key: String(row.key),
    labelZh: String(row.label_zh),
    labelEn: String(row.label_en),
    kind: row.kind as CustomFieldDefinition['kind'],
    options: String(row.options ?? '').split(/\r?\n/).map((option) => option.trim()).filter(Boolean),
    required: row.required === true || row.required === 1,
    filterable: row.filterable === true || row.filterable === 1,
    showInList: row.show_in_list === true || row.show_in_list === 1,
  }));
}

function valueProblem(definition: CustomFieldDefinition, value: string | number): string | null {
  switch (definition.kind) {
    case 'number':
      return typeof value === 'number' ? null : 'invalid_type';
    case 'date':
      return typeof value === 'string' && isValidIsoDate(value) ? null : 'invalid_date';
    case 'select':
      return definition.options.includes(String(value)) ? null : 'invalid_value';
    default:
      return typeof value === 'string' ? null : 'invalid_type';
  }
}

/** Checks submitted values against the definitions and returns the merged object to store. */
export function mergeCustomValues(
  definitions: CustomFieldDefinition[],
  submitted: Record<string, string | number | null> | undefined,
  existing: Record<string, unknown>,
  isCreate: boolean,
): Record<string, unknown> {
  const problems: FieldReasons = {};
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  const merged: Record<string, unknown> = { ...existing };
  for (const [key, value] of Object.entries(submitted ?? {})) {
    const definition = byKey.get(key);
    if (!definition) {
      problems[`custom.${key}`] = { reason: 'unknown_field' };
      continue;
    }
    if (value === null || value === '') {
      delete merged[key];
      continue;
    }
    const problem = valueProblem(definition, value);
    if (problem) problems[`custom.${key}`] = { reason: problem };
    else merged[key] = value;
  }
  for (const definition of definitions) {
    const missing = merged[definition.key] === undefined;
    if (definition.required && missing && (isCreate || submitted?.[definition.key] !== undefined)) problems[`custom.${definition.key}`] = { reason: 'required' };
  }
  if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
  return merged;
}

/** One custom-field filter as SQL over the JSON column (numbers compared as numbers). */
export function customFieldPredicate(dialect: Dialect, table: string, definition: CustomFieldDefinition, value: unknown): Expression<SqlBool>[] {
  const path = `$.${definition.key}`;
  const text = dialect === 'postgres' ? sql`(${sql.ref(`${table}.custom`)}::jsonb ->> ${definition.key})` : sql`json_extract(${sql.ref(`${table}.custom`)}, ${path})`;
  const numeric = dialect === 'postgres' ? sql`(${text})::numeric` : text;
  const column = definition.kind === 'number' ? numeric : text;
  if (value && typeof value === 'object') {
    const range = value as { gte?: unknown; lte?: unknown };
    const out: Expression<SqlBool>[] = [];
    if (range.gte !== undefined) out.push(sql<SqlBool>`${column} >= ${range.gte}`);
    if (range.lte !== undefined) out.push(sql<SqlBool>`${column} <= ${range.lte}`);
    return out;
  }
  if (definition.kind === 'text') return [sql<SqlBool>`${text} like ${`%${String(value).replace(/[\\%_]/g, (char) => `\\${char}`)}%`} escape '\\'`];
  return [sql<SqlBool>`${column} = ${value}`];
}

/** Refuses filters on keys that are not defined or not searchable. */
export function checkCustomFilters(definitions: CustomFieldDefinition[], filters: Record<string, unknown> | undefined) {
  const problems: FieldReasons = {};
  for (const key of Object.keys(filters ?? {})) {
    const definition = definitions.find((candidate) => candidate.key === key);
    if (!definition || !definition.filterable) problems[`filters.custom.${key}`] = { reason: 'unknown_field' };
  }
  if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
}

import { z } from 'zod';
import type { Entity } from '../entity.ts';
import type { Field } from '../field.ts';
import { isValidChineseIdNumber, isValidIsoDate, phonePattern } from '../validators.ts';

const twoDecimals = (value: number) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6;
const permissionPattern = /^[a-zA-Z]+:[a-z]+$/;

/** The zod type of one field's input value (not yet optional/nullable). */
export function fieldInputSchema(field: Field): z.ZodType {
  const minLength = field.required ? 1 : 0;
  switch (field.kind) {
    case 'text':
    case 'textarea': {
      const text = z.string().trim().min(minLength).max(field.max ?? 100);
      return field.pattern ? text.regex(new RegExp(field.pattern), { error: 'invalid_format' }) : text;
    }
    case 'phone':
      return z.string().trim().regex(phonePattern, { error: 'invalid_phone' });
    case 'idCard':
      return z
        .string()
        .trim()
        .transform((value) => value.toUpperCase())
        .refine(isValidChineseIdNumber, { error: 'invalid_id_number' });
    case 'email':
      return z.email().max(field.max ?? 254);
    case 'money':
      return z
        .number()
        .min(field.min ?? 0)
        .max(field.max ?? 1e12)
        .refine(twoDecimals, { error: 'too_many_decimals' });
    case 'int':
      return z.number().int().min(field.min ?? 0).max(field.max ?? 2_000_000_000);
    case 'decimal':
      return z.number().min(field.min ?? -1e12).max(field.max ?? 1e12);
    case 'date':
      return z.string().refine(isValidIsoDate, { error: 'invalid_date' });
    case 'datetime':
      return z.iso.datetime({ offset: true });
    case 'bool':
      return z.boolean();
    case 'enum':
      return z.enum(field.options.map((option) => option.value) as [string, ...string[]]);
    case 'ref':
      return z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
    case 'refMany':
      return z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).max(200);
    case 'permissions':
      return z.array(z.string().regex(permissionPattern)).max(1000);
  }
}

export const writableFields = (entity: Entity): [string, Field][] =>
  Object.entries(entity.fields).filter(([, field]) => !field.readOnly);

/** Values of admin-defined fields; their definitions are data, so the server checks keys and types. */
export const customValuesSchema = z
  .record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,29}$/), z.union([z.string().max(500), z.number().min(-1e12).max(1e12), z.null()]))
  .refine((values) => Object.keys(values).length <= 100, { error: 'too_big' });

function systemInputShape(entity: Entity): Record<string, z.ZodType> {
  // A workflow owns the status: it moves only through its actions, never through create or update.
  const shape: Record<string, z.ZodType> = entity.workflow
    ? {}
    : { status: z.enum(entity.statuses.map((status) => status.value) as [string, ...string[]]).optional() };
  if (entity.customFields) shape.custom = customValuesSchema.optional();
  if (entity.hasSortIndex) shape.sortIndex = z.number().int().min(-1_000_000).max(1_000_000).optional();
  return shape;
}

/** Required fields the server fills in when left out: declared defaults and the scope's organisation. */
export const isDefaultedOnCreate = (entity: Entity, name: string) =>
  entity.fields[name]?.defaultValue !== undefined || (entity.scope?.org === name && name !== 'id');

/** Body of POST /api/<plural>: required fields present, unknown keys refused. */
export function createSchema(entity: Entity) {
  const shape = systemInputShape(entity);
  for (const [name, field] of writableFields(entity)) {
    const base = fieldInputSchema(field);
    if (field.required && isDefaultedOnCreate(entity, name)) shape[name] = base.optional();
    else shape[name] = field.required ? base : base.nullable().optional();
  }
  return z.strictObject(shape);
}

/** Body of PATCH /api/<plural>/:id: any subset of fields plus the version being edited. */
export function updateSchema(entity: Entity) {
  const shape = systemInputShape(entity);
  for (const [name, field] of writableFields(entity)) {
    const base = fieldInputSchema(field);
    shape[name] = field.required ? base.optional() : base.nullable().optional();
  }
  shape.version = z.number().int().positive();
  return z.strictObject(shape);
}

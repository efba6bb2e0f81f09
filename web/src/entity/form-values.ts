import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import dayjs from 'dayjs';
import { customValuesOf, type CustomField } from './custom-fields.ts';
import type { EntityRow } from './entity-api.ts';
import { formFields } from './entity-lookup.ts';

export type FormValues = Record<string, unknown>;

/** System inputs offered besides the declared fields. */
export const statusKey = 'status';
export const sortIndexKey = 'sortIndex';

/** A stored API value as the form control expects it (dates become dayjs objects). */
export function toFormValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if ((field.kind === 'date' || field.kind === 'datetime') && typeof value === 'string') {
    const parsed = dayjs(value);
    return parsed.isValid() ? parsed : undefined;
  }
  return value;
}

/** A form control's value as the API takes it; null means "no value". */
export function fromFormValue(field: Field, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (field.kind) {
    case 'date':
      return dayjs.isDayjs(value) ? value.format('YYYY-MM-DD') : value;
    case 'datetime':
      return dayjs.isDayjs(value) ? value.toISOString() : value;
    case 'refMany':
    case 'permissions':
      return Array.isArray(value) ? value : null;
    case 'bool':
    case 'money':
    case 'int':
    case 'decimal':
    case 'ref':
    case 'enum':
      return value;
    default: {
      if (typeof value !== 'string') return value;
      const text = value.trim();
      return text === '' ? null : text;
    }
  }
}

/**
 * Personal data arrives masked: an edit form leaves such inputs empty (blank = keep the stored
 * value) instead of sending the mask back.
 */
export const isKeptWhenBlank = (field: Field, mode: 'create' | 'edit'): boolean => mode === 'edit' && field.pii === true;

export const customKey = 'custom';

export function initialFormValues(entity: Entity, row: EntityRow | undefined, customFields: CustomField[] = [], prefill: Record<string, unknown> = {}): FormValues {
  const values: FormValues = {};
  if (customFields.length > 0) {
    const stored = row ? customValuesOf(row) : {};
    values[customKey] = Object.fromEntries(customFields.map(({ key, field }) => [key, toFormValue(field, stored[key])]));
  }
  for (const [name, field] of formFields(entity)) {
    if (!row) {
      values[name] = prefill[name] !== undefined ? toFormValue(field, prefill[name]) : (field.defaultValue ?? (field.kind === 'bool' ? false : undefined));
    } else if (!field.pii) values[name] = toFormValue(field, row[name]);
  }
  // a workflow's status moves only through its actions; the server starts new records at the initial state
  if (!entity.workflow) values[statusKey] = row?.status ?? entity.statuses[0]?.value;
  if (entity.hasSortIndex) values[sortIndexKey] = row?.sortIndex ?? 0;
  return values;
}

const comparable = (value: unknown): string => {
  if (Array.isArray(value)) return JSON.stringify([...value].map(String).sort());
  return JSON.stringify(value ?? null);
};

/** Changed admin-defined values (all filled ones on create); null clears a value. */
function customPayload(raw: unknown, row: EntityRow | undefined, customFields: CustomField[]): Record<string, unknown> | undefined {
  const submitted = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const stored = row ? customValuesOf(row) : {};
  const out: Record<string, unknown> = {};
  for (const { key, field } of customFields) {
    const value = fromFormValue(field, submitted[key]);
    if (!row) {
      if (value !== null) out[key] = value;
    } else if (comparable(value) !== comparable(fromFormValue(field, toFormValue(field, stored[key])))) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The request body: every filled field on create; only the changed fields (plus version) on edit. */
export function buildPayload(entity: Entity, values: FormValues, row: EntityRow | undefined, customFields: CustomField[] = []): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  const custom = customPayload(values[customKey], row, customFields);
  if (custom) payload[customKey] = custom;
  const mode = row ? 'edit' : 'create';
  for (const [name, field] of formFields(entity)) {
    const value = fromFormValue(field, values[name]);
    if (!row) {
      if (value !== null) payload[name] = value;
      continue;
    }
    if (isKeptWhenBlank(field, mode)) {
      if (value !== null) payload[name] = value;
      continue;
    }
    const stored = fromFormValue(field, toFormValue(field, row[name]));
    if (comparable(value) !== comparable(stored)) payload[name] = value;
  }
  const status = values[statusKey];
  if (!entity.workflow && typeof status === 'string' && status !== row?.status) payload[statusKey] = status;
  const sortIndex = values[sortIndexKey];
  if (entity.hasSortIndex && typeof sortIndex === 'number' && sortIndex !== (row?.sortIndex ?? null)) payload[sortIndexKey] = sortIndex;
  if (row) payload.version = row.version;
  return payload;
}

import type { Entity } from '@insure/model/entity';
import { blindIndexedKinds, columnName, type Field } from '@insure/model/field';
import { maskIdNumber, maskPhone, maskText } from '@insure/model/validators';
import type { Dialect, Row } from '../db/database.ts';
import type { FieldCipher } from '../platform/crypto.ts';

export type ApiRecord = Record<string, unknown> & { id: number; version: number };

export function maskValue(field: Field, value: string): string {
  if (field.kind === 'idCard') return maskIdNumber(value);
  if (field.kind === 'phone') return maskPhone(value);
  return maskText(value);
}

/** Database columns for one input field value (encryption, cents, booleans, JSON). */
export function fieldToColumns(name: string, field: Field, value: unknown, cipher: FieldCipher, dialect: Dialect): Row {
  const column = columnName(name);
  if (field.pii) {
    if (value == null || value === '') {
      return { [`${column}_enc`]: null, [`${column}_mask`]: null, ...(blindIndexedKinds.has(field.kind) ? { [`${column}_bidx`]: null } : {}) };
    }
    const text = String(value);
    const columns: Row = { [`${column}_enc`]: cipher.encrypt(text), [`${column}_mask`]: maskValue(field, text) };
    if (blindIndexedKinds.has(field.kind)) columns[`${column}_bidx`] = cipher.blindIndex(text);
    return columns;
  }
  if (value == null) return { [column]: null };
  switch (field.kind) {
    case 'money':
      return { [column]: Math.round(Number(value) * 100) };
    case 'bool':
      return { [column]: dialect === 'postgres' ? Boolean(value) : value ? 1 : 0 };
    case 'permissions':
      return { [column]: JSON.stringify([...new Set(value as string[])].sort()) };
    default:
      return { [column]: value };
  }
}

/** The API value of a field read from a row; personal data comes out masked. */
export function columnsToField(field: Field, name: string, row: Row): unknown {
  const column = columnName(name);
  if (field.pii) return (row[`${column}_mask`] as string | null) ?? null;
  const value = row[column];
  if (value == null) return null;
  switch (field.kind) {
    case 'money':
      return Number(value) / 100;
    case 'int':
    case 'decimal':
    case 'ref':
      return Number(value);
    case 'bool':
      return value === true || value === 1;
    case 'permissions':
      return JSON.parse(String(value)) as string[];
    case 'date':
      return String(value).slice(0, 10);
    default:
      return value;
  }
}

export function rowToRecord(entity: Entity, row: Row): ApiRecord {
  const record: ApiRecord = {
    id: Number(row.id),
    code: row.code,
    status: row.status,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (entity.hasSortIndex) record.sortIndex = Number(row.sort_index);
  if (row.deleted_at) record.deletedAt = row.deleted_at;
  if (entity.customFields) record.custom = row.custom ? (JSON.parse(String(row.custom)) as Record<string, unknown>) : {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.hidden || field.kind === 'refMany') continue;
    record[name] = columnsToField(field, name, row);
  }
  return record;
}

/** Plaintext of a personal-data field, for an audited reveal. */
export function revealField(field: Field, name: string, row: Row, cipher: FieldCipher): string | null {
  const value = row[`${columnName(name)}_enc`];
  return typeof value === 'string' ? cipher.decrypt(value) : null;
}

import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { filterableFields, rangeKinds, type ListQuery } from '@insure/model/derive/query';
import dayjs, { type Dayjs } from 'dayjs';
import type { CustomField } from './custom-fields.ts';

/** Values of the list's query form, as antd hands them over. */
export type FilterFormValues = Record<string, unknown>;

const isDayjs = (value: unknown): value is Dayjs => dayjs.isDayjs(value);

function rangeFilter(field: Field, raw: unknown): { gte?: string | number; lte?: string | number } | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [from, to] = raw as unknown[];
  const bound = (value: unknown, edge: 'start' | 'end'): string | number | undefined => {
    if (typeof value === 'number') return value;
    if (!isDayjs(value)) return undefined;
    if (field.kind === 'date') return value.format('YYYY-MM-DD');
    return (edge === 'start' ? value.startOf('day') : value.endOf('day')).toISOString();
  };
  const gte = bound(from, 'start');
  const lte = bound(to, 'end');
  if (gte === undefined && lte === undefined) return undefined;
  return { ...(gte === undefined ? {} : { gte }), ...(lte === undefined ? {} : { lte }) };
}

function fieldFilter(field: Field, raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (rangeKinds.has(field.kind)) return rangeFilter(field, raw);
  switch (field.kind) {
    case 'enum':
      if (typeof raw === 'string') return raw;
      return Array.isArray(raw) && raw.length > 0 ? raw : undefined;
    case 'ref':
    case 'refMany':
      return Array.isArray(raw) && raw.length > 0 ? raw : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    default: {
      const text = typeof raw === 'string' ? raw.trim() : '';
      return text === '' ? undefined : text;
    }
  }
}

function customFilters(customFields: CustomField[], raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const values = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { key, field } of customFields) {
    if (!field.filter) continue;
    const value = fieldFilter(field, values[key]);
    if (value !== undefined) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The `filters` object of the list query, from the query form. */
export function toListFilters(entity: Entity, values: FilterFormValues, customFields: CustomField[] = []): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  const status = values.status;
  if (Array.isArray(status) && status.length > 0) filters.status = status;
  for (const [name, field] of filterableFields(entity)) {
    const value = fieldFilter(field, values[name]);
    if (value !== undefined) filters[name] = value;
  }
  const custom = customFilters(customFields, values.custom);
  if (custom) filters.custom = custom;
  return filters;
}

export function keywordOf(values: FilterFormValues): string | undefined {
  const q = values.q;
  return typeof q === 'string' && q.trim() !== '' ? q.trim() : undefined;
}

/**
 * The current list query as flat query-string parameters for the export link. Personal-data
 * filters stay out of URLs (they would end up in proxy logs).
 */
/** The filters a download link can carry: personal data stays out of URLs; admin-defined field filters have no flat URL form. */
export function exportableFilters(entity: Entity, filters: ListQuery['filters']): ListQuery['filters'] {
  return Object.fromEntries(Object.entries(filters).filter(([name]) => name !== 'custom' && (name === 'status' || !entity.fields[name]?.pii)));
}

export function toExportParams(entity: Entity, query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.sort) params.set('sort', query.sort);
  params.set('order', query.order);
  for (const [name, value] of Object.entries(exportableFilters(entity, query.filters))) {
    if (Array.isArray(value)) params.set(name, value.map(String).join(','));
    else if (typeof value === 'object' && value !== null) {
      for (const [bound, boundValue] of Object.entries(value)) params.set(`${name}.${bound}`, String(boundValue));
    } else if (value !== undefined) params.set(name, String(value));
  }
  return params;
}

/** List columns the export cannot carry (row buttons; the sort index is not exported). */
const notExported = new Set(['actions', 'sortIndex']);

/** The columns the user sees, in their order, as the export's `columns` list. */
export function exportColumns(columns: readonly { key: string }[]): string[] {
  return columns.map((column) => column.key).filter((key) => !notExported.has(key));
}

/**
 * Filter-form values from a plain filter (another page's drill-down, e.g. customer analysis → customers):
 * date and datetime ranges arrive as ISO strings and become the pickers' dayjs values.
 */
export function filterValuesFrom(entity: Entity, plain: Record<string, unknown>): FilterFormValues {
  const values: FilterFormValues = {};
  for (const [name, value] of Object.entries(plain)) {
    const field = entity.fields[name];
    if (!field) continue;
    if ((field.kind === 'date' || field.kind === 'datetime') && Array.isArray(value)) values[name] = value.map((bound) => (typeof bound === 'string' ? dayjs(bound) : null));
    else values[name] = value;
  }
  return values;
}

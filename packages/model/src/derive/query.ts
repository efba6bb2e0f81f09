import { z } from 'zod';
import type { Entity } from '../entity.ts';
import type { Field } from '../field.ts';
import { fieldInputSchema } from './zod.ts';

/** Kinds filtered by a range {gte, lte}. */
export const rangeKinds = new Set(['money', 'int', 'decimal', 'date', 'datetime']);

/** Sortable system columns available on every entity. */
export const systemSortFields = ['createdAt', 'updatedAt', 'code'] as const;

export function filterValueSchema(field: Field): z.ZodType {
  if (rangeKinds.has(field.kind)) {
    const bound = fieldInputSchema({ ...field, min: undefined, max: undefined } as Field);
    return z.strictObject({ gte: bound.optional(), lte: bound.optional() });
  }
  switch (field.kind) {
    case 'enum':
      return z.array(fieldInputSchema(field)).min(1).max(100);
    case 'ref':
    case 'refMany':
      return z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(500);
    case 'bool':
      return z.boolean();
    case 'phone':
    case 'idCard':
      return z.string().trim().min(1).max(30);
    default:
      return z.string().trim().min(1).max(100);
  }
}

export const filterableFields = (entity: Entity): [string, Field][] =>
  Object.entries(entity.fields).filter(([, field]) => field.filter || field.kind === 'ref');

export const sortableFields = (entity: Entity): string[] => [
  ...systemSortFields,
  ...(entity.hasSortIndex ? ['sortIndex'] : []),
  ...Object.entries(entity.fields)
    .filter(([, field]) => field.sortable)
    .map(([name]) => name),
];

/**
 * Page sizes a list offers. Sizes above 100 are the browser's scroll mode (a virtualised table holding one
 * large page); the list endpoint accepts up to `maxListPageSize` rows a page, other paged endpoints 200.
 */
export const listPageSizes = [10, 20, 50, 100, 1000, 10_000] as const;
export const maxListPageSize = 10_000;

/** The list query: the body of POST /api/<plural>/query and the parsed form of GET /api/<plural>. */
export function listQuerySchema(entity: Entity) {
  const filterShape: Record<string, z.ZodType> = {
    status: z.array(z.enum(entity.statuses.map((status) => status.value) as [string, ...string[]])).min(1).optional(),
    ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(1000).optional(),
  };
  for (const [name, field] of filterableFields(entity)) filterShape[name] = filterValueSchema(field).optional();
  if (entity.customFields) {
    filterShape.custom = z
      .record(
        z.string().regex(/^[a-z][a-zA-Z0-9]{0,29}$/),
        z.union([z.string().trim().min(1).max(100), z.number(), z.strictObject({ gte: z.union([z.number(), z.string().max(30)]).optional(), lte: z.union([z.number(), z.string().max(30)]).optional() })]),
      )
      .optional();
  }
  return z.strictObject({
    page: z.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.number().int().min(1).max(maxListPageSize).default(20),
    sort: z.enum(sortableFields(entity) as [string, ...string[]]).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    q: z.string().trim().max(100).optional(),
    filters: z.strictObject(filterShape).default({}),
  });
}

export type ListQuery = {
  page: number;
  pageSize: number;
  sort?: string;
  order: 'asc' | 'desc';
  q?: string;
  filters: Record<string, unknown>;
};

/**
 * Turns flat query-string parameters (?name=x&birthDate.gte=…&status=a,b) into the list query shape.
 * Personal-data filters are not accepted in URLs (they would end up in proxy logs).
 */
export function flatToListQuery(entity: Entity, flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const filters: Record<string, unknown> = {};
  const num = (value: unknown) => (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value);
  const list = (value: unknown) => (typeof value === 'string' ? value.split(',') : value);
  for (const [key, raw] of Object.entries(flat)) {
    if (key === 'page' || key === 'pageSize') out[key] = num(raw);
    else if (key === 'sort' || key === 'order' || key === 'q') out[key] = raw;
    else if (key === 'status') filters.status = list(raw);
    else if (key === 'ids') filters.ids = (list(raw) as unknown[]).map(num);
    else {
      const [name, bound] = key.split('.') as [string, string | undefined];
      const field = entity.fields[name];
      if (!field || field.pii) {
        out[key] = raw; // left for the strict schema to refuse with a field reason
        continue;
      }
      if (bound) {
        const numeric = field.kind === 'money' || field.kind === 'int' || field.kind === 'decimal';
        const range = (filters[name] as Record<string, unknown>) ?? {};
        range[bound] = numeric ? num(raw) : raw;
        filters[name] = range;
      } else if (field.kind === 'enum') filters[name] = list(raw);
      else if (field.kind === 'ref' || field.kind === 'refMany') filters[name] = (list(raw) as unknown[]).map(num);
      else if (field.kind === 'bool') filters[name] = raw === 'true' ? true : raw === 'false' ? false : raw;
      else filters[name] = raw;
    }
  }
  out.filters = filters;
  return out;
}

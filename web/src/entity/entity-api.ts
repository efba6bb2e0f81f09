import type { Entity } from '@insure/model/entity';
import type { ListQuery } from '@insure/model/derive/query';
import { z } from 'zod';
import { api } from '../app/api-client.ts';

export const refValueSchema = z.looseObject({
  id: z.number(),
  label: z.string().nullable().catch(''),
  code: z.string().nullable().optional(),
  deleted: z.boolean().optional(),
  status: z.string().nullable().optional(),
});
export type RefValue = z.infer<typeof refValueSchema>;

const canSchema = z.looseObject({
  edit: z.boolean().default(false),
  delete: z.boolean().default(false),
  reveal: z.boolean().default(false),
  /** Workflow moves the caller may make now (entities with a workflow). */
  actions: z.array(z.string()).default([]),
});

export const rowSchema = z.looseObject({
  id: z.number(),
  code: z.string().nullable().optional(),
  status: z.string(),
  version: z.number(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  sortIndex: z.number().nullable().optional(),
  _refs: z.record(z.string(), z.union([refValueSchema, z.array(refValueSchema), z.null()])).default({}),
  can: canSchema.default({ edit: false, delete: false, reveal: false, actions: [] }),
  /** Past its handling or response target (claims, tickets). */
  overdue: z.boolean().nullable().optional(),
});
export type EntityRow = z.infer<typeof rowSchema>;

const listEnvelopeSchema = z.looseObject({
  items: z.array(z.unknown()),
  total: z.number(),
  page: z.number().optional(),
  pageSize: z.number().optional(),
});
export type ListResult = { items: EntityRow[]; total: number; page?: number; pageSize?: number };

/**
 * The first rows of a page get the full row schema; the rest (the 1,000 / 10,000-row scroll mode) come from the
 * same query, so only the fields the table relies on are checked: zod, jitless under our CSP, spent seconds on
 * 10,000 rows. A row failing the quick check is parsed in full, which throws with the reason.
 */
const FULLY_CHECKED_ROWS = 100;
function parseListRows(items: unknown[]): EntityRow[] {
  return items.map((item, index) => {
    const row = item as Record<string, unknown> | null;
    const isPlainRow = index >= FULLY_CHECKED_ROWS && typeof row === 'object' && row !== null
      && typeof row.id === 'number' && typeof row.status === 'string' && typeof row.version === 'number'
      && (row._refs === undefined || (typeof row._refs === 'object' && row._refs !== null))
      && (row.can === undefined || (typeof row.can === 'object' && row.can !== null && Array.isArray((row.can as { actions?: unknown }).actions)));
    if (!isPlainRow) return rowSchema.parse(item);
    return { ...row, _refs: row._refs ?? {}, can: row.can ?? { edit: false, delete: false, reveal: false, actions: [] } } as EntityRow;
  });
}

const optionSchema = z.looseObject({ id: z.number(), code: z.string().nullable().optional(), label: z.string().nullable().catch('') });
export type RefOption = z.infer<typeof optionSchema>;
const optionsSchema = z.looseObject({ items: z.array(optionSchema) });

const historyItemSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  at: z.string(),
  actorName: z.string().nullable().optional(),
  action: z.string(),
  ip: z.string().nullable().optional(),
  /** Usually {field: {before, after}}; some actions (reveal) log other details. */
  changes: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;
const historySchema = z.looseObject({ items: z.array(historyItemSchema) });

const dependentSchema = z.looseObject({ entity: z.string(), field: z.string(), count: z.number() });
export type Dependent = z.infer<typeof dependentSchema>;
const dependentsSchema = z.looseObject({ items: z.array(dependentSchema) });

const revealSchema = z.looseObject({ values: z.record(z.string(), z.unknown()) });
const batchDeleteSchema = z.looseObject({ deleted: z.number() });

const base = (entity: Entity) => `/api/${entity.plural}`;

export const entityApi = {
  query: async (entity: Entity, query: ListQuery): Promise<ListResult> => {
    const page = await api.post(listEnvelopeSchema, `${base(entity)}/query`, query);
    return { ...page, items: parseListRows(page.items) };
  },
  get: (entity: Entity, id: number, signal?: AbortSignal): Promise<EntityRow> => api.get(rowSchema, `${base(entity)}/${id}`, signal),
  create: (entity: Entity, body: Record<string, unknown>): Promise<EntityRow> => api.post(rowSchema, base(entity), body),
  update: (entity: Entity, id: number, body: Record<string, unknown>): Promise<EntityRow> =>
    api.patch(rowSchema, `${base(entity)}/${id}`, body),
  remove: (entity: Entity, id: number): Promise<void> => api.remove(`${base(entity)}/${id}`),
  batchDelete: async (entity: Entity, ids: number[]): Promise<number> =>
    (await api.post(batchDeleteSchema, `${base(entity)}/batch-delete`, { ids })).deleted,
  restore: (entity: Entity, id: number): Promise<EntityRow> => api.post(rowSchema, `${base(entity)}/${id}/restore`),
  history: async (entity: Entity, id: number, signal?: AbortSignal): Promise<HistoryItem[]> =>
    (await api.get(historySchema, `${base(entity)}/${id}/history`, signal)).items,
  dependents: async (entity: Entity, id: number): Promise<Dependent[]> =>
    (await api.get(dependentsSchema, `${base(entity)}/${id}/dependents`)).items,
  reveal: async (entity: Entity, id: number, fields: string[], reason: string): Promise<Record<string, unknown>> =>
    (await api.post(revealSchema, `${base(entity)}/${id}/reveal`, { fields, reason })).values,
  options: async (entity: Entity, params: { q?: string; ids?: number[]; asker?: string }, signal?: AbortSignal): Promise<RefOption[]> => {
    const search = new URLSearchParams();
    if (params.asker) search.set('for', params.asker);
    if (params.q) search.set('q', params.q);
    if (params.ids && params.ids.length > 0) search.set('ids', params.ids.join(','));
    return (await api.get(optionsSchema, `${base(entity)}/options?${search.toString()}`, signal)).items;
  },
  exportUrl: (entity: Entity, format: 'csv' | 'xlsx', params: URLSearchParams, columns: string[] = []): string => {
    const search = new URLSearchParams(params);
    search.set('format', format);
    if (columns.length > 0) search.set('columns', columns.join(','));
    return `${base(entity)}/export?${search.toString()}`;
  },
};

/** The references of one field of a row, always as a list. */
export function refsOf(row: EntityRow, field: string): RefValue[] {
  const value = row._refs[field];
  if (!value) return [];
  return Array.isArray(value) ? value : [value];
}

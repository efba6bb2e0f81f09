import type { Entity } from '@insure/model/entity';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { z } from 'zod';
import { api } from '../app/api-client.ts';
import type { CustomField } from './custom-fields.ts';
import type { FilterFormValues } from './list-filters.ts';

const sortSchema = z.object({ sort: z.string().optional(), order: z.enum(['asc', 'desc']) });
const columnsSchema = z.object({ order: z.array(z.string()), hidden: z.array(z.string()) });
const filtersSchema = z.record(z.string(), z.unknown());

export const listSettingsSchema = z.object({
  columns: columnsSchema.optional(),
  pageSize: z.number().optional(),
  defaultFilters: filtersSchema.optional(),
  sort: sortSchema.optional(),
});
export type ListSettings = z.infer<typeof listSettingsSchema>;
export type ColumnChoice = z.infer<typeof columnsSchema>;

const viewSchema = z.object({
  id: z.number(),
  name: z.string(),
  state: z.object({ filters: filtersSchema, sort: sortSchema.optional(), columns: columnsSchema.optional() }),
  sharedRoleId: z.number().nullable(),
  ownerName: z.string(),
  mine: z.boolean(),
});
export type SavedView = z.infer<typeof viewSchema>;
const listStateSchema = z.object({ settings: listSettingsSchema, views: z.array(viewSchema) });

/**
 * Query-form values as JSON for the server: dates as YYYY-MM-DD, the keyword and personal-data
 * fields left out (a saved view must not keep someone's phone or ID number).
 */
export function serializeFilters(entity: Entity, values: FilterFormValues): Record<string, unknown> {
  const plain = (value: unknown): unknown => {
    if (dayjs.isDayjs(value)) return value.format('YYYY-MM-DD');
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).map(([key, inner]) => [key, plain(inner)]));
    return value;
  };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === 'q' || value === undefined || value === '' || entity.fields[name]?.pii) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[name] = plain(value);
  }
  return out;
}

/** The reverse of serializeFilters: date ranges become dayjs values again for the form's pickers. */
export function restoreFilters(entity: Entity, saved: Record<string, unknown> | undefined, customFields: CustomField[]): FilterFormValues {
  if (!saved) return {};
  const revive = (kind: string | undefined, value: unknown) =>
    (kind === 'date' || kind === 'datetime') && Array.isArray(value) ? value.map((bound) => (typeof bound === 'string' ? dayjs(bound) : bound)) : value;
  const out: FilterFormValues = {};
  for (const [name, value] of Object.entries(saved)) {
    if (name === 'custom' && value && typeof value === 'object') {
      out.custom = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revive(customFields.find((custom) => custom.key === key)?.field.kind, inner)]));
    } else out[name] = revive(entity.fields[name]?.kind, value);
  }
  return out;
}

/** Columns in the user's order; columns the choice does not name (the code, newly added ones) keep their own place. */
export function orderColumns<T extends { key: string }>(columns: T[], choice: ColumnChoice | undefined): T[] {
  if (!choice?.order.length) return columns;
  const rank = new Map(choice.order.map((key, index) => [key, index]));
  const ordered = columns.filter((column) => rank.has(column.key)).sort((a, b) => rank.get(a.key)! - rank.get(b.key)!);
  columns.forEach((column, index) => {
    if (!rank.has(column.key)) ordered.splice(Math.min(index, ordered.length), 0, column);
  });
  return ordered;
}

/** One list's server-kept settings and saved views, with writers that update the cache at once. */
export function useListSettings(entity: Entity) {
  const queryClient = useQueryClient();
  const key = ['list-settings', entity.name];
  const query = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get(listStateSchema, `/api/me/lists/${entity.name}`, signal), staleTime: 60_000 });
  const settings: ListSettings = query.data?.settings ?? {};
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });

  const saveSettings = useMutation({
    mutationFn: (next: ListSettings) => api.send('PUT', `/api/me/lists/${entity.name}/settings`, next),
    onMutate: (next) => queryClient.setQueryData(key, (old: z.infer<typeof listStateSchema> | undefined) => ({ views: old?.views ?? [], settings: next })),
    onError: () => void refresh(),
  });
  const updateSettings = (change: Partial<ListSettings>) => {
    const next = { ...settings, ...change };
    for (const name of Object.keys(next) as (keyof ListSettings)[]) if (next[name] === undefined) delete next[name];
    saveSettings.mutate(next);
  };

  const createView = useMutation({
    mutationFn: (input: { name: string; state: SavedView['state']; sharedRoleId: number | null }) => api.post(viewSchema, `/api/me/lists/${entity.name}/views`, input),
    onSuccess: () => void refresh(),
  });
  const deleteView = useMutation({
    mutationFn: (id: number) => api.remove(`/api/me/views/${id}`),
    onSuccess: () => void refresh(),
  });

  return { isLoaded: query.isSuccess || query.isError, settings, views: query.data?.views ?? [], updateSettings, createView, deleteView };
}

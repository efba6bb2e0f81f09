import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api, isApiError } from '../app/api-client.ts';
import { entityApi } from './entity-api.ts';
import { entityByName } from './entity-lookup.ts';

/** An admin-defined field (字段自定义) as the engine treats it. */
export interface CustomField {
  key: string;
  field: Field;
}

const definitionSchema = z.looseObject({
  key: z.string(),
  labelZh: z.string(),
  labelEn: z.string().nullable().optional(),
  kind: z.enum(['text', 'number', 'date', 'select']).catch('text'),
  options: z.union([z.array(z.string()), z.string(), z.null()]).optional(),
  required: z.boolean().nullable().optional(),
  filterable: z.boolean().nullable().optional(),
  showInList: z.boolean().nullable().optional(),
  status: z.string().optional(),
});
type Definition = z.infer<typeof definitionSchema>;
const definitionsSchema = z.looseObject({ items: z.array(definitionSchema) });

const optionList = (options: Definition['options']): string[] =>
  (Array.isArray(options) ? options : (options ?? '').split(/\r?\n/)).map((option) => option.trim()).filter(Boolean);

/** A definition as a declared field, so inputs, filters, cells and validation are the generic ones. */
function asField(definition: Definition): Field {
  const label = { zh: definition.labelZh, en: definition.labelEn || definition.labelZh };
  const common = { label, required: definition.required === true, filter: definition.filterable !== false, list: definition.showInList === true };
  switch (definition.kind) {
    case 'select':
      return { kind: 'enum', ...common, options: optionList(definition.options).map((option) => ({ value: option, label: { zh: option, en: option } })) };
    case 'number':
      return { kind: 'decimal', ...common };
    case 'date':
      return { kind: 'date', ...common };
    default:
      return { kind: 'text', ...common, max: 500 };
  }
}

/**
 * Definitions come from GET /api/<plural>/custom-fields (readable with `<entity>:view`); until the
 * server offers it, admins read them from the custom-field-definitions module itself.
 */
async function loadDefinitions(entity: Entity): Promise<Definition[]> {
  try {
    return (await api.get(definitionsSchema, `/api/${entity.plural}/custom-fields`)).items;
  } catch (error) {
    const module = entityByName('customFieldDefinition');
    // without the route, the path falls through to GET /api/<plural>/:id and fails on the id
    const isMissingRoute = isApiError(error) && (error.status === 404 || (error.code === 'VALIDATION' && 'id' in error.fields));
    if (!module || !isMissingRoute) throw error;
    const list = await entityApi.query(module, { page: 1, pageSize: 200, order: 'desc', filters: { entityName: [entity.name], status: ['normal'] } });
    return list.items.flatMap((item) => {
      const parsed = definitionSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/** The entity's admin-defined fields (empty for entities without `customFields`). */
export function useCustomFields(entity: Entity): CustomField[] {
  const query = useQuery({
    queryKey: ['custom-fields', entity.plural],
    queryFn: () => loadDefinitions(entity),
    enabled: entity.customFields === true,
    staleTime: 60_000,
    retry: false,
  });
  return (query.data ?? []).filter((definition) => definition.status === undefined || definition.status === 'normal').map((definition) => ({ key: definition.key, field: asField(definition) }));
}

/** A row's stored custom values. */
export function customValuesOf(row: Record<string, unknown>): Record<string, unknown> {
  const custom = row.custom;
  return typeof custom === 'object' && custom !== null && !Array.isArray(custom) ? (custom as Record<string, unknown>) : {};
}

export const customColumnKey = (key: string): string => `custom.${key}`;

import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { entities, findEntityByPlural } from '@insure/model/registry';

export const entityByName = (name: string): Entity | undefined => entities.find((entity) => entity.name === name);

export const entityByPlural = (plural: string): Entity | undefined => findEntityByPlural(plural);

/** Declared fields that appear in forms and detail views (hidden ones never do). */
export const visibleFields = (entity: Entity): [string, Field][] =>
  Object.entries(entity.fields).filter(([, field]) => !field.hidden);

/** Fields a user can type into: neither hidden nor maintained by the server. */
export const formFields = (entity: Entity): [string, Field][] =>
  visibleFields(entity).filter(([, field]) => !field.readOnly);

export const detailPath = (entity: Entity, id: number): string => `/m/${entity.plural}?detail=${id}`;

/** "CODE title" of a row, for confirmations and titles. */
export function recordName(entity: Entity, row: { id: number; code?: string | null; [field: string]: unknown }): string {
  const title = entity.titleField === 'code' ? undefined : row[entity.titleField];
  const code = row.code ?? `#${row.id}`;
  return typeof title === 'string' && title !== '' ? `${code} ${title}` : code;
}

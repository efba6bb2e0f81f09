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

/** Entities with a full page of their own (customer 360, policy, claim); the others open in their list's drawer. */
const recordPages: Record<string, string> = { customer: '/customers', policy: '/policies', claim: '/claims' };

export const recordPageBase = (entity: Entity): string | undefined => recordPages[entity.name];

export const recordPagePath = (entity: Entity, id: number): string | undefined => {
  const base = recordPageBase(entity);
  return base ? `${base}/${id}` : undefined;
};

/** Where a link to a record goes: its own page, else the list with the detail drawer open. */
export const detailPath = (entity: Entity, id: number): string => recordPagePath(entity, id) ?? `/m/${entity.plural}?detail=${id}`;

/** The list page of an entity (the menu entry a record page belongs to). */
export const listPath = (entity: Entity): string => `/m/${entity.plural}`;

/** "CODE title" of a row, for confirmations and titles. */
export function recordName(entity: Entity, row: { id: number; code?: string | null; [field: string]: unknown }): string {
  const title = entity.titleField === 'code' ? undefined : row[entity.titleField];
  const code = row.code ?? `#${row.id}`;
  return typeof title === 'string' && title !== '' ? `${code} ${title}` : code;
}

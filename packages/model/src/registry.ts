import type { Entity } from './entity.ts';
import { account } from './entities/account.ts';
import { customer } from './entities/customer.ts';
import { organisation } from './entities/organisation.ts';
import { role } from './entities/role.ts';
import { salesperson } from './entities/salesperson.ts';

/** Every declared entity, in menu order. */
export const entities: readonly Entity[] = [organisation, salesperson, customer, account, role];

const byName = new Map(entities.map((entity) => [entity.name, entity]));
const byPlural = new Map(entities.map((entity) => [entity.plural, entity]));

export function getEntity(name: string): Entity {
  const entity = byName.get(name);
  if (!entity) throw new Error(`unknown entity ${name}`);
  return entity;
}

export const findEntityByPlural = (plural: string): Entity | undefined => byPlural.get(plural);

import { getEntity } from '@insure/model/registry';
import { entities } from '@insure/model/registry';
import { entityTables, setTableLookup } from './entity-tables.ts';
import { platformTables } from './platform-tables.ts';
import type { TableSpec } from './schema-spec.ts';

setTableLookup((name) => getEntity(name).table);

/** The schema the current declarations ask for; migrations are generated from its difference to the snapshot. */
export function desiredSchema(): TableSpec[] {
  return [...entities.flatMap(entityTables), ...platformTables];
}

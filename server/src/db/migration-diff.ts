import type { SchemaChange, TableSpec } from './schema-spec.ts';

/**
 * Difference between two schemas: new tables, columns and indexes, changed or removed indexes; retyping needs a
 * hand-written migration, and a table disappears only when named in `droppable` (a declaration removed by
 * accident must not drop its data).
 */
export function diffSchemas(previous: TableSpec[], desired: TableSpec[], droppable: string[] = []): { change: SchemaChange; problems: string[] } {
  const change: SchemaChange = {};
  const problems: string[] = [];
  const before = new Map(previous.map((table) => [table.name, table]));
  for (const table of desired) {
    const old = before.get(table.name);
    if (!old) {
      (change.createTables ??= []).push(table);
      continue;
    }
    const oldColumns = new Map(old.columns.map((column) => [column.name, column]));
    for (const column of table.columns) {
      const existing = oldColumns.get(column.name);
      if (!existing) (change.addColumns ??= []).push({ table: table.name, column: { ...column, notNull: column.default === undefined ? false : column.notNull } });
      else if (JSON.stringify(existing) !== JSON.stringify(column)) problems.push(`${table.name}.${column.name} changed: write this migration by hand`);
    }
    const oldIndexes = new Map(old.indexes.map((index) => [index.name, JSON.stringify(index)]));
    for (const index of table.indexes) {
      const existing = oldIndexes.get(index.name);
      if (existing === JSON.stringify(index)) continue;
      // An index whose definition changed is rebuilt under its name.
      if (existing) (change.dropIndexes ??= []).push(index.name);
      (change.createIndexes ??= []).push({ table: table.name, index });
    }
    for (const index of old.indexes) if (!table.indexes.some((candidate) => candidate.name === index.name)) (change.dropIndexes ??= []).push(index.name);
    for (const column of old.columns) if (!table.columns.some((candidate) => candidate.name === column.name)) problems.push(`${table.name}.${column.name} removed: write this migration by hand`);
  }
  for (const table of previous) {
    if (desired.some((candidate) => candidate.name === table.name)) continue;
    if (droppable.includes(table.name)) (change.dropTables ??= []).push(table.name);
    else problems.push(`table ${table.name} removed: confirm with --drop-table ${table.name}`);
  }
  for (const name of droppable) if (!previous.some((table) => table.name === name)) problems.push(`--drop-table ${name}: no such table in the snapshot`);
  return { change, problems };
}

export const isEmptyChange = (change: SchemaChange) =>
  !change.createTables?.length && !change.addColumns?.length && !change.createIndexes?.length && !change.dropIndexes?.length && !change.statements && !change.dropTables?.length;

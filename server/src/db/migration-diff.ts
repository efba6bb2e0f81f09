import type { SchemaChange, TableSpec } from './schema-spec.ts';

/** Additive difference between two schemas; dropping or retyping needs a hand-written migration. */
export function diffSchemas(previous: TableSpec[], desired: TableSpec[]): { change: SchemaChange; problems: string[] } {
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
    const oldIndexes = new Set(old.indexes.map((index) => JSON.stringify(index)));
    for (const index of table.indexes) if (!oldIndexes.has(JSON.stringify(index))) (change.createIndexes ??= []).push({ table: table.name, index });
    for (const column of old.columns) if (!table.columns.some((candidate) => candidate.name === column.name)) problems.push(`${table.name}.${column.name} removed: write this migration by hand`);
  }
  for (const table of previous) if (!desired.some((candidate) => candidate.name === table.name)) problems.push(`table ${table.name} removed: write this migration by hand`);
  return { change, problems };
}

export const isEmptyChange = (change: SchemaChange) =>
  !change.createTables?.length && !change.addColumns?.length && !change.createIndexes?.length && !change.statements;

import { type Entity, systemFields } from '@insure/model/entity';
import { blindIndexedKinds, columnName, type Field } from '@insure/model/field';
import type { ColumnSpec, ColumnType, IndexSpec, TableSpec } from './schema-spec.ts';

const live = 'deleted_at is null';

/** Physical columns of one declared field (PII fields become ciphertext + mask + optional blind index). */
export function fieldColumns(name: string, field: Field): ColumnSpec[] {
  const column = columnName(name);
  if (field.kind === 'refMany') return [];
  if (field.pii) {
    const columns: ColumnSpec[] = [
      { name: `${column}_enc`, type: 'text' },
      { name: `${column}_mask`, type: 'text' },
    ];
    if (blindIndexedKinds.has(field.kind)) columns.push({ name: `${column}_bidx`, type: 'text' });
    return columns;
  }
  const types: Record<Field['kind'], ColumnType> = {
    text: 'text',
    textarea: 'text',
    phone: 'text',
    idCard: 'text',
    email: 'text',
    enum: 'text',
    money: 'bigint',
    int: 'bigint',
    decimal: 'real',
    date: 'date',
    datetime: 'timestamp',
    bool: 'boolean',
    ref: 'bigint',
    refMany: 'bigint',
    permissions: 'json',
  };
  const spec: ColumnSpec = { name: column, type: types[field.kind] };
  if (field.kind === 'ref' && 'entity' in field) spec.references = tableOf(field.entity);
  return [spec];
}

let tableOfEntity: (entityName: string) => string = (name) => name;
/** The registry lives in the model package; callers inject the lookup to keep this file pure. */
export const setTableLookup = (lookup: (entityName: string) => string) => {
  tableOfEntity = lookup;
};
const tableOf = (entityName: string) => tableOfEntity(entityName);

export const joinTableName = (entity: Entity, fieldName: string) => `${entity.table}__${columnName(fieldName)}`;

const equalityKinds = new Set<Field['kind']>(['enum', 'ref', 'bool']);
const orderedKinds = new Set<Field['kind']>(['money', 'int', 'decimal', 'date', 'datetime']);

/**
 * Indexes of one field, chosen for the queries the engine runs on large tables:
 * - unique values: a unique index over live rows; blind indexes: exact lookup of encrypted phone / ID numbers;
 * - keyword-searched text: a pattern index (value, deleted_at, list order), so `LIKE 'prefix%'` reads only the
 *   matching range and a keyword page is ordered and counted from the index alone;
 * - equality filters (enum, reference, bool, exact-match text): (value, deleted_at, status, list order), so a
 *   filtered page is read in list order straight from the index and its total is counted from the index
 *   alone; references get it even when not filterable (dependents, related lists);
 * - range filters and sorts (dates, amounts, sortable text): a plain index.
 * Substring ('contains') text filters get none: a b-tree cannot answer them.
 */
function fieldIndexes(entity: Entity, name: string, field: Field): IndexSpec[] {
  const table = entity.table;
  const column = columnName(name);
  if (field.pii) {
    if (!blindIndexedKinds.has(field.kind)) return [];
    const blind = `${column}_bidx`;
    return [field.unique ? { name: `${table}_${blind}_uq`, columns: [blind], unique: true, where: live } : { name: `${table}_${blind}_idx`, columns: [blind] }];
  }
  const textual = !equalityKinds.has(field.kind) && !orderedKinds.has(field.kind) && field.kind !== 'permissions';
  const indexes: IndexSpec[] = [];
  if (field.unique) indexes.push({ name: `${table}_${column}_uq`, columns: [column], unique: true, where: live });
  const listOrder = entity.hasSortIndex ? ['sort_index desc', 'id desc'] : ['id desc'];
  if (field.search && textual) indexes.push({ name: `${table}_${column}_search`, columns: [column, 'deleted_at', ...listOrder], pattern: true });
  const equalityFilter = field.filter && (equalityKinds.has(field.kind) || (textual && field.filterMatch === 'exact'));
  if (field.kind === 'ref' || (equalityFilter && !field.unique)) {
    indexes.push({ name: `${table}_${column}_list`, columns: [column, 'deleted_at', 'status', ...listOrder] });
  } else if (!field.unique && (field.sortable || (field.filter && orderedKinds.has(field.kind)))) {
    indexes.push({ name: `${table}_${column}_idx`, columns: [column] });
  }
  return indexes;
}

export function entityTables(entity: Entity): TableSpec[] {
  const columns: ColumnSpec[] = [
    { name: 'id', type: 'id' },
    { name: 'code', type: 'text', notNull: true },
    { name: 'status', type: 'text', notNull: true, default: entity.statuses[0]!.value },
  ];
  if (entity.hasSortIndex) columns.push({ name: 'sort_index', type: 'integer', notNull: true, default: 0 });
  columns.push(
    { name: 'version', type: 'integer', notNull: true, default: 1 },
    { name: 'created_at', type: 'timestamp', notNull: true },
    { name: 'updated_at', type: 'timestamp', notNull: true },
    { name: 'created_by', type: 'bigint' },
    { name: 'updated_by', type: 'bigint' },
    { name: 'deleted_at', type: 'timestamp' },
  );
  if (entity.customFields) columns.push({ name: 'custom', type: 'json' });
  // Codes are generated (prefix + sequence): the unique index also serves the keyword box's prefix match.
  const indexes: IndexSpec[] = [{ name: `${entity.table}_code_uq`, columns: ['code'], unique: true, pattern: true }];
  indexes.push(
    entity.hasSortIndex
      ? { name: `${entity.table}_live_order`, columns: ['sort_index desc', 'id desc'], where: live }
      : { name: `${entity.table}_live_order`, columns: ['deleted_at', 'id desc'] },
  );
  const joinTables: TableSpec[] = [];
  for (const [name, field] of Object.entries(entity.fields)) {
    columns.push(...fieldColumns(name, field));
    if (field.kind === 'refMany' && 'entity' in field) {
      const joinName = joinTableName(entity, name);
      joinTables.push({
        name: joinName,
        columns: [
          { name: 'owner_id', type: 'bigint', notNull: true, references: entity.table, onDelete: 'cascade' },
          { name: 'target_id', type: 'bigint', notNull: true, references: tableOf(field.entity) },
        ],
        primaryKey: ['owner_id', 'target_id'],
        indexes: [{ name: `${joinName}_target`, columns: ['target_id'] }],
      });
      continue;
    }
    indexes.push(...fieldIndexes(entity, name, field));
  }
  for (const extra of entity.indexes ?? []) {
    indexes.push({
      name: `${entity.table}_${extra.name}`,
      columns: extra.fields.map((field) => {
        const [name, order] = field.split(' ');
        if (!(name! in entity.fields) && !(systemFields as readonly string[]).includes(name!)) throw new Error(`${entity.name}: index ${extra.name} names an unknown field ${name}`);
        return `${columnName(name!)}${order ? ` ${order}` : ''}`;
      }),
    });
  }
  return [{ name: entity.table, columns, indexes: withoutRedundantPlainIndexes(indexes) }, ...joinTables];
}

/**
 * A field's plain one-column index (range filters, sorts) is left out when another full index of the table leads
 * with the same column in the same order and collation: that one answers the same ranges and sorts, and every
 * insert would otherwise maintain both.
 */
function withoutRedundantPlainIndexes(indexes: IndexSpec[]): IndexSpec[] {
  const plain = (index: IndexSpec) => index.columns.length === 1 && !index.unique && !index.where && !index.pattern;
  return indexes.filter((index) => !(plain(index) && indexes.some((other) => other !== index && !other.where && !other.pattern && other.columns.length > 1 && other.columns[0] === index.columns[0])));
}

import type { Entity } from '@insure/model/entity';
import { sortableFields } from '@insure/model/derive/query';
import type { TableColumnType } from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { labelOf } from '../app/i18n.ts';
import { customColumnKey, customValuesOf, type CustomField } from './custom-fields.ts';
import type { EntityRow } from './entity-api.ts';
import { FieldValue, StatusTag } from './FieldValue.tsx';
import { formatDateTime } from './format-value.ts';

export type EntityColumn = TableColumnType<EntityRow> & { key: string; title: string };

export interface SortState {
  sort?: string;
  order: 'asc' | 'desc';
}

interface ColumnOptions {
  entity: Entity;
  t: TFunction;
  locale: string;
  sort: SortState;
  isMobile: boolean;
  /** Renders the code cell (a link opening the detail drawer). */
  renderCode: (row: EntityRow) => ReactNode;
  customFields: CustomField[];
}

const widthByKind: Record<string, number> = {
  date: 120,
  datetime: 170,
  money: 140,
  int: 90,
  decimal: 110,
  enum: 120,
  bool: 80,
  phone: 140,
  idCard: 190,
};

/** The data columns of an entity list: code, fields with `list: true`, status and updated-at. */
export function buildColumns({ entity, t, locale, sort, isMobile, renderCode, customFields }: ColumnOptions): EntityColumn[] {
  const sortable = new Set(sortableFields(entity));
  const sortOrder = (key: string) => (sort.sort === key ? (sort.order === 'asc' ? 'ascend' : 'descend') : null);
  const sortProps = (key: string): Pick<TableColumnType<EntityRow>, 'sorter' | 'sortOrder' | 'sortDirections'> =>
    sortable.has(key) ? { sorter: true, sortOrder: sortOrder(key), sortDirections: ['ascend', 'descend'] } : {};

  const columns: EntityColumn[] = [
    {
      key: 'code',
      dataIndex: 'code',
      title: t('entity.code'),
      fixed: 'left',
      width: isMobile ? 120 : 140,
      render: (_value: unknown, row: EntityRow) => renderCode(row),
      ...sortProps('code'),
    },
  ];
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.list || field.hidden) continue;
    columns.push({
      key: name,
      dataIndex: name,
      title: labelOf(field.label, locale),
      width: widthByKind[field.kind],
      ellipsis: field.kind === 'text' || field.kind === 'textarea' ? { showTitle: true } : undefined,
      align: field.kind === 'money' || field.kind === 'int' || field.kind === 'decimal' ? 'right' : undefined,
      render: (_value: unknown, row: EntityRow) => <FieldValue field={field} name={name} row={row} />,
      ...sortProps(name),
    });
  }
  for (const { key, field } of customFields) {
    if (!field.list) continue;
    columns.push({
      key: customColumnKey(key),
      title: labelOf(field.label, locale),
      width: widthByKind[field.kind],
      ellipsis: field.kind === 'text' ? { showTitle: true } : undefined,
      render: (_value: unknown, row: EntityRow) => <FieldValue field={field} name={key} row={row} override={customValuesOf(row)[key] ?? null} />,
    });
  }
  if (entity.hasSortIndex) {
    columns.push({ key: 'sortIndex', dataIndex: 'sortIndex', title: t('entity.sortIndex'), width: 100, align: 'right', ...sortProps('sortIndex') });
  }
  columns.push(
    {
      key: 'status',
      dataIndex: 'status',
      title: t('entity.status'),
      width: 100,
      render: (_value: unknown, row: EntityRow) => <StatusTag entity={entity} value={row.status} />,
    },
    {
      key: 'updatedAt',
      dataIndex: 'updatedAt',
      title: t('entity.updatedAt'),
      width: 170,
      render: (value: unknown) => (typeof value === 'string' ? formatDateTime(value) : '-'),
      ...sortProps('updatedAt'),
    },
  );
  return columns;
}

/** Column sort from antd's table onChange sorter argument. */
export function sortFromTable(sorter: unknown): SortState | undefined {
  const single = Array.isArray(sorter) ? (sorter as unknown[])[0] : sorter;
  if (typeof single !== 'object' || single === null) return undefined;
  const { columnKey, order } = single as { columnKey?: unknown; order?: unknown };
  if (typeof columnKey !== 'string' || (order !== 'ascend' && order !== 'descend')) return { order: 'desc' };
  return { sort: columnKey, order: order === 'ascend' ? 'asc' : 'desc' };
}

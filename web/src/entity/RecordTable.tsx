import type { Entity } from '@insure/model/entity';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Table, type TableColumnType } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { entityApi, type EntityRow } from './entity-api.ts';
import { detailPath } from './entity-lookup.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { FieldValue, StatusTag } from './FieldValue.tsx';

interface RecordTableProps {
  entity: Entity;
  /** List-query filters, e.g. {policyId: [12]}. */
  filters: Record<string, unknown>;
  /** Fields not shown (the one filtered on says nothing new). */
  omit?: readonly string[];
  /** At most this many field columns (list fields in declaration order). */
  maxColumns?: number;
  /** The field columns to show instead (in this order). */
  fields?: readonly string[];
  pageSize?: number;
  sort?: string;
  /** Extra columns after the status (row actions). */
  extraColumns?: TableColumnType<EntityRow>[];
  testId?: string;
  empty?: ReactNode;
}

/** A compact, paged table of one entity's records matching fixed filters; codes link to the records. */
export function RecordTable({ entity, filters, omit = [], maxColumns = 5, fields, pageSize = 10, sort, extraColumns = [], testId, empty }: RecordTableProps) {
  const { t, i18n } = useTranslation();
  const isMobile = useIsMobile();
  const [page, setPage] = useState(1);
  const query = { page, pageSize, order: 'desc' as const, ...(sort ? { sort } : {}), filters };
  const list = useQuery({
    queryKey: [...entityQueryKey(entity, 'related'), query],
    queryFn: () => entityApi.query(entity, query),
    placeholderData: keepPreviousData,
  });

  const candidates = fields
    ? fields.flatMap((name) => (entity.fields[name] ? [[name, entity.fields[name]] as const] : []))
    : Object.entries(entity.fields).filter(([name, field]) => field.list && !field.hidden && !omit.includes(name));
  const fieldColumns = candidates.slice(0, isMobile ? Math.min(candidates.length, 3) : fields ? candidates.length : maxColumns);
  const columns: TableColumnType<EntityRow>[] = [
    {
      key: 'code',
      title: t('entity.code'),
      fixed: isMobile ? undefined : 'left',
      render: (_value: unknown, row: EntityRow) => <Link to={detailPath(entity, row.id)}>{row.code ?? `#${row.id}`}</Link>,
    },
    ...fieldColumns.map(([name, field]) => ({
      key: name,
      title: labelOf(field.label, i18n.language),
      align: field.kind === 'money' || field.kind === 'int' ? ('right' as const) : undefined,
      render: (_value: unknown, row: EntityRow) => <FieldValue field={field} name={name} row={row} />,
    })),
    { key: 'status', title: t('entity.status'), render: (_value: unknown, row: EntityRow) => <StatusTag entity={entity} value={row.status} /> },
    ...extraColumns,
  ];

  const total = list.data?.total ?? 0;
  return (
    <Table<EntityRow>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={list.data?.items ?? []}
      loading={list.isFetching}
      rowClassName={(row) => (row.overdue === true ? 'row-overdue' : '')}
      pagination={total > pageSize ? { current: page, pageSize, total, onChange: setPage, size: 'small', simple: isMobile, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      locale={list.isError ? { emptyText: errorMessage(list.error, t) } : empty ? { emptyText: empty } : undefined}
      data-testid={testId ?? `records-${entity.name}`}
    />
  );
}

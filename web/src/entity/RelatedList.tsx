import type { Entity, RelatedList as RelatedDeclaration } from '@insure/model/entity';
import { useQuery } from '@tanstack/react-query';
import { Card, Table, type TableColumnType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { entityApi, type EntityRow } from './entity-api.ts';
import { detailPath } from './entity-lookup.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { FieldValue, StatusTag } from './FieldValue.tsx';

const maxColumns = 4;

interface RelatedListProps {
  related: RelatedDeclaration;
  target: Entity;
  parentId: number;
}

/** Records of another entity pointing at this one (entity.related), via the normal list query. */
export function RelatedList({ related, target, parentId }: RelatedListProps) {
  const { t, i18n } = useTranslation();
  const query = {
    page: 1,
    pageSize: 10,
    order: 'desc' as const,
    filters: { [related.field]: [parentId] },
  };
  const list = useQuery({
    queryKey: [...entityQueryKey(target, 'related'), related.field, parentId],
    queryFn: () => entityApi.query(target, query),
  });

  const fieldColumns = Object.entries(target.fields)
    .filter(([name, field]) => field.list && !field.hidden && name !== related.field)
    .slice(0, maxColumns);
  const columns: TableColumnType<EntityRow>[] = [
    {
      key: 'code',
      title: t('entity.code'),
      render: (_value: unknown, row: EntityRow) => <Link to={detailPath(target, row.id)}>{row.code ?? `#${row.id}`}</Link>,
    },
    ...fieldColumns.map(([name, field]) => ({
      key: name,
      title: labelOf(field.label, i18n.language),
      render: (_value: unknown, row: EntityRow) => <FieldValue field={field} name={name} row={row} />,
    })),
    { key: 'status', title: t('entity.status'), render: (_value: unknown, row: EntityRow) => <StatusTag entity={target} value={row.status} /> },
  ];

  const total = list.data?.total ?? 0;
  return (
    <Card
      size="small"
      title={labelOf(related.label, i18n.language)}
      extra={total > query.pageSize ? t('detail.relatedMore', { total, shown: query.pageSize }) : t('list.total', { total })}
      style={{ marginBottom: 12 }}
      data-testid={`related-${target.name}-${related.field}`}
    >
      <Table<EntityRow>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={list.isError ? { emptyText: errorMessage(list.error, t) } : undefined}
      />
    </Card>
  );
}

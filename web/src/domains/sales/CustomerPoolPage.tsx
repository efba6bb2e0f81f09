import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Space, Table, Tag, Typography, type TableColumnType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageSize } from '../../app/use-page-size.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { formatDateTime } from '../../entity/format-value.ts';
import { customerEntity, salesApi, salesKeys, type PoolPage } from './sales-api.ts';

type PoolRow = PoolPage['items'][number];
const shownFields = ['category', 'source', 'city', 'orgId'] as const;

/** 客户公海: customers without an owner in my organisation subtree, with their last owner and a claim button. */
export function CustomerPoolPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = usePageSize(me.id);
  const [keyword, setKeyword] = useState('');
  const [claiming, setClaiming] = useState<number>();
  usePageTitle(t('pool.title'));
  const pool = useQuery({ queryKey: salesKeys.pool(page, pageSize, keyword), queryFn: ({ signal }) => salesApi.pool(page, pageSize, keyword, signal), placeholderData: keepPreviousData });
  const canClaim = hasPermission(me, 'customer:edit') && pool.data?.claimLimit !== null && pool.data?.claimLimit !== undefined;

  const claim = async (row: PoolRow) => {
    setClaiming(row.id);
    try {
      await salesApi.claim(row.id);
      void message.success(t('pool.claimed', { name: String(row.name ?? row.code) }));
      void queryClient.invalidateQueries({ queryKey: entityQueryKey(customerEntity) });
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setClaiming(undefined);
    }
  };

  const columns: TableColumnType<PoolRow>[] = [
    { key: 'code', title: t('entity.code'), render: (_value, row) => <Link to={`/customers/${row.id}`}>{row.code ?? row.id}</Link> },
    { key: 'name', title: labelOf(customerEntity.fields.name!.label, i18n.language), render: (_value, row) => String(row.name ?? '') },
    ...shownFields.map((name) => ({
      key: name,
      title: labelOf(customerEntity.fields[name]!.label, i18n.language),
      render: (_value: unknown, row: PoolRow) => <FieldValue field={customerEntity.fields[name]!} name={name} row={row} />,
    })),
    {
      key: 'previous',
      title: t('pool.previousOwner'),
      render: (_value, row) =>
        row.pool ? (
          <Space size={4} wrap>
            <Tag color={row.pool.action === 'return' ? 'orange' : 'default'}>{t(`pool.actions.${row.pool.action}`)}</Tag>
            <span>{row.pool.previousOwnerName ?? '-'}</span>
            <Typography.Text type="secondary">{formatDateTime(row.pool.at)}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('pool.neverOwned')}</Typography.Text>
        ),
    },
    ...(canClaim
      ? [
          {
            key: 'actions',
            title: t('list.actions'),
            render: (_value: unknown, row: PoolRow) => (
              <Button size="small" type="link" loading={claiming === row.id} onClick={() => void claim(row)} data-testid={`pool-claim-${row.id}`}>
                {t('pool.claim')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card className="page-card" size="small" data-testid="pool-page">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('pool.title')}
          </Typography.Title>
          <Input.Search allowClear placeholder={t('pool.search')} onSearch={(value) => { setKeyword(value.trim()); setPage(1); }} style={{ width: 220 }} />
        </Space>
        {pool.data?.claimLimit !== null && pool.data?.claimLimit !== undefined && (
          <Typography.Text data-testid="pool-quota">{t('pool.quota', { count: pool.data.claimedToday ?? 0, limit: pool.data.claimLimit })}</Typography.Text>
        )}
      </div>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('pool.hint')} />
      <Table<PoolRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={pool.data?.items ?? []}
        loading={pool.isFetching}
        scroll={{ x: 'max-content' }}
        locale={pool.isError ? { emptyText: errorMessage(pool.error, t) } : { emptyText: t('pool.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: pool.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('list.total', { total }),
          onChange: (next, size) => {
            if (size !== pageSize) {
              setPageSize(size);
              setPage(1);
            } else setPage(next);
          },
        }}
        data-testid="pool-table"
      />
    </Card>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Popconfirm, Space, Table, Tag, Typography, type TableColumnType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useMe } from '../../app/AuthProvider.tsx';
import { hasPermission } from '../../app/auth-api.ts';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { type StatementTotal, formatYuan, salesApi, salesKeys } from './plans-api.ts';
import { formatDateTime } from '../../entity/format-value.ts';

const kinds = ['commission', 'planBonus', 'newCustomerBonus', 'managerOverride', 'chargeback'] as const;

export const runStatusTag = (status: string | null, t: (key: string) => string) =>
  status ? <Tag color={status === 'approved' ? 'green' : 'orange'} data-testid="run-status">{t(`sales.commission.status.${status}`)}</Tag> : <Tag data-testid="run-status">{t('sales.commission.status.none')}</Tag>;

/** 佣金结算: run, re-run and approve a month; statement totals of the salespeople in scope. */
export function CommissionPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  usePageTitle(t('sales.commission.title'));
  const period = searchParams.get('period') ?? dayjs().subtract(1, 'month').format('YYYY-MM');
  const statements = useQuery({ queryKey: salesKeys.statements(period), queryFn: ({ signal }) => salesApi.statements(period, signal) });
  const runs = useQuery({ queryKey: salesKeys.runs(), queryFn: ({ signal }) => salesApi.runs(signal) });
  const done = (key: string) => () => {
    message.success(t(key));
    void queryClient.invalidateQueries({ queryKey: salesKeys.all });
  };
  const onError = (error: unknown) => message.error(errorMessage(error, t));
  const run = useMutation({ mutationFn: () => salesApi.run(period), onSuccess: done('sales.commission.ran'), onError });
  const approve = useMutation({ mutationFn: () => salesApi.approve(period), onSuccess: done('sales.commission.approved'), onError });
  const status = statements.data?.status ?? null;
  const companyWide = me.dataScope === 'all';

  const columns: TableColumnType<StatementTotal>[] = [
    {
      key: 'salesperson',
      title: t('sales.commission.salesperson'),
      render: (_value, row) => (
        <Link to={`/sales/commission/${period}/${row.salespersonId}`} data-testid={`statement-link-${row.salespersonId}`}>
          {String(row.salespersonName ?? row.salespersonId)}
        </Link>
      ),
    },
    ...kinds.map((kind) => ({ key: kind, title: t(`sales.commission.kind.${kind}`), align: 'right' as const, render: (_value: unknown, row: StatementTotal) => formatYuan(row.byKind[kind] ?? 0, i18n.language) })),
    { key: 'total', title: t('sales.commission.total'), align: 'right', render: (_value, row) => <Typography.Text strong>{formatYuan(row.total, i18n.language)}</Typography.Text> },
  ];

  return (
    <Card className="page-card" size="small" data-testid="commission-page">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('sales.commission.title')}
          </Typography.Title>
          <DatePicker picker="month" allowClear={false} value={dayjs(`${period}-01`)} onChange={(value: Dayjs | null) => value && setSearchParams({ period: value.format('YYYY-MM') })} data-testid="commission-period" />
          {runStatusTag(status, t)}
          {runs.data?.items.find((item) => item.period === period)?.lastRunAt ? (
            <Typography.Text type="secondary">{t('sales.commission.lastRun', { at: formatDateTime(runs.data.items.find((item) => item.period === period)!.lastRunAt ?? '', undefined, false) })}</Typography.Text>
          ) : null}
        </Space>
        <Space>
          {hasPermission(me, 'incentiveRun:create') && companyWide && status !== 'approved' ? (
            <Button type="primary" loading={run.isPending} onClick={() => run.mutate()} data-testid="commission-run">
              {status ? t('sales.commission.rerun') : t('sales.commission.run')}
            </Button>
          ) : null}
          {hasPermission(me, 'incentiveRun:approve') && companyWide && status === 'open' ? (
            <Popconfirm title={t('sales.commission.approveConfirm', { period })} onConfirm={() => approve.mutate()}>
              <Button loading={approve.isPending} data-testid="commission-approve">{t('sales.commission.approve')}</Button>
            </Popconfirm>
          ) : null}
        </Space>
      </div>
      <Table<StatementTotal>
        rowKey="salespersonId"
        size="middle"
        columns={columns}
        dataSource={statements.data?.items ?? []}
        loading={statements.isFetching}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        locale={statements.isError ? { emptyText: errorMessage(statements.error, t) } : { emptyText: t('sales.commission.empty') }}
        data-testid="statement-totals"
      />
    </Card>
  );
}

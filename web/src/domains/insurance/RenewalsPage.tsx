import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Segmented, Space, Table, Tag, Tooltip, Typography, type TableColumnType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { useIsMobile } from '../../app/use-is-mobile.ts';
import { usePageSize } from '../../app/use-page-size.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import type { EntityRow } from '../../entity/entity-api.ts';
import { detailPath } from '../../entity/entity-lookup.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { insuranceApi, insuranceKeys, policyEntity, type RenewalDays } from './insurance-api.ts';
import { RenewButton } from './RenewButton.tsx';

const windows: RenewalDays[] = [30, 60, 90];
const shownFields = ['applicantId', 'insuredId', 'productId', 'insuranceType', 'endDate', 'premium', 'sumInsured', 'salespersonId'] as const;

function daysLeft(row: EntityRow): number | undefined {
  if (typeof row.endDate !== 'string') return undefined;
  return dayjs(row.endDate).startOf('day').diff(dayjs().startOf('day'), 'day');
}

/** 续保管理: in-force policies ending within 30/60/90 days (in the caller's data scope), with a renew action. */
export function RenewalsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const [days, setDays] = useState<RenewalDays>(30);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = usePageSize(me.id);
  usePageTitle(t('renewals.title'));
  const list = useQuery({
    queryKey: insuranceKeys.renewals(days, page, pageSize),
    queryFn: ({ signal }) => insuranceApi.renewals(days, page, pageSize, signal),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnType<EntityRow>[] = [
    {
      key: 'policyNo',
      title: labelOf(policyEntity.fields.policyNo!.label, i18n.language),
      fixed: isMobile ? undefined : 'left',
      render: (_value, row) => <Link to={detailPath(policyEntity, row.id)}>{String(row.policyNo ?? row.code ?? row.id)}</Link>,
    },
    {
      key: 'daysLeft',
      title: t('renewals.daysLeft'),
      align: 'right',
      render: (_value, row) => {
        const left = daysLeft(row);
        if (left === undefined) return '-';
        return <Tag color={left <= 7 ? 'red' : left <= 30 ? 'orange' : 'blue'}>{t('renewals.inDays', { count: left })}</Tag>;
      },
    },
    ...shownFields.slice(0, isMobile ? 2 : shownFields.length).map((name) => {
      const field = policyEntity.fields[name]!;
      return {
        key: name,
        title: labelOf(field.label, i18n.language),
        align: field.kind === 'money' ? ('right' as const) : undefined,
        render: (_value: unknown, row: EntityRow) => <FieldValue field={field} name={name} row={row} asLink />,
      };
    }),
    { key: 'actions', title: t('list.actions'), fixed: isMobile ? undefined : 'right', render: (_value, row) => <RenewButton row={row} size="small" type="link" /> },
  ];

  return (
    <Card className="page-card" size="small" data-testid="renewals-page">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('renewals.title')}
          </Typography.Title>
          <Segmented<RenewalDays>
            value={days}
            onChange={(value) => {
              setDays(value);
              setPage(1);
            }}
            options={windows.map((value) => ({ value, label: <span data-testid={`renewals-${value}`}>{t('renewals.window', { count: value })}</span> }))}
            data-testid="renewals-days"
          />
        </Space>
        <Tooltip title={t('list.reload')}>
          <Button icon={<ReloadOutlined />} aria-label={t('list.reload')} onClick={() => void queryClient.invalidateQueries({ queryKey: insuranceKeys.renewals(days, page, pageSize).slice(0, 3) })} />
        </Tooltip>
      </div>
      <Table<EntityRow>
        rowKey="id"
        size={isMobile ? 'small' : 'middle'}
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        locale={list.isError ? { emptyText: errorMessage(list.error, t) } : { emptyText: t('renewals.empty', { count: days }) }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => t('list.total', { total }),
          simple: isMobile,
          onChange: (next, size) => {
            if (size !== pageSize) {
              setPageSize(size);
              setPage(1);
            } else setPage(next);
          },
        }}
        data-testid="list-table"
      />
    </Card>
  );
}

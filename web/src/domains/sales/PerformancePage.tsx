import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Segmented, Space, Table, Typography, type TableColumnType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { type RankingRow, type SalesFigures, formatYuan, salesApi, salesKeys } from './plans-api.ts';
import { formatPercent } from '../../entity/format-value.ts';

type GroupBy = 'salesperson' | 'org';
type Granularity = 'month' | 'quarter' | 'year';
const sorts = ['premium', 'policyCount', 'newCustomers', 'closeRate'] as const;

/** 销售业绩统计: rankings and trends computed by the server from policies, opportunities and customers in scope. */
export function PerformancePage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('sales.performance.title'));
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs().endOf('year')]);
  const [groupBy, setGroupBy] = useState<GroupBy>('salesperson');
  const [sort, setSort] = useState<(typeof sorts)[number]>('premium');
  const [granularity, setGranularity] = useState<Granularity>('month');
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const rankingParams = { from, to, groupBy, sort };
  const ranking = useQuery({ queryKey: salesKeys.ranking(rankingParams), queryFn: ({ signal }) => salesApi.ranking(rankingParams, signal) });
  const trendParams = { from, to, granularity };
  const trend = useQuery({ queryKey: salesKeys.trend(trendParams), queryFn: ({ signal }) => salesApi.trend(trendParams, signal) });

  const rate = (value: number | null) => (value === null ? '-' : formatPercent(value));
  const figureColumns = <T extends SalesFigures>(): TableColumnType<T>[] => [
    { key: 'premium', title: t('sales.performance.premium'), align: 'right', render: (_value, row) => formatYuan(row.premium, i18n.language) },
    { key: 'policyCount', title: t('sales.performance.policyCount'), align: 'right', dataIndex: 'policyCount' },
    { key: 'closeRate', title: t('sales.performance.closeRate'), align: 'right', render: (_value, row) => <span title={`${row.won} / ${row.won + row.lost}`}>{rate(row.closeRate)}</span> },
    { key: 'wonLost', title: t('sales.performance.wonLost'), align: 'right', render: (_value, row) => `${row.won} / ${row.lost}` },
    { key: 'newCustomers', title: t('sales.performance.newCustomers'), align: 'right', dataIndex: 'newCustomers' },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="sales-performance-page">
      <Card className="page-card" size="small">
        <div className="list-toolbar">
          <Space wrap>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('sales.performance.title')}
            </Typography.Title>
            <DatePicker.RangePicker value={range} allowClear={false} onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])} />
            <Segmented<GroupBy> value={groupBy} onChange={setGroupBy} options={(['salesperson', 'org'] as const).map((value) => ({ value, label: t(`sales.performance.by.${value}`) }))} />
            <Segmented value={sort} onChange={(value) => setSort(value as (typeof sorts)[number])} options={sorts.map((value) => ({ value, label: t(`sales.performance.sort.${value}`) }))} />
          </Space>
        </div>
        <Table<RankingRow>
          rowKey="id"
          size="middle"
          columns={[{ key: 'rank', title: t('sales.performance.rank'), dataIndex: 'rank', width: 64 }, { key: 'name', title: t(`sales.performance.by.${groupBy}`), dataIndex: 'name' }, ...figureColumns<RankingRow>()]}
          dataSource={ranking.data?.items ?? []}
          loading={ranking.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={ranking.isError ? { emptyText: errorMessage(ranking.error, t) } : undefined}
          summary={() =>
            ranking.data ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={2}>{t('sales.performance.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">{formatYuan(ranking.data.total.premium, i18n.language)}</Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">{ranking.data.total.policyCount}</Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">{rate(ranking.data.total.closeRate)}</Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">{`${ranking.data.total.won} / ${ranking.data.total.lost}`}</Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">{ranking.data.total.newCustomers}</Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
          data-testid="ranking-table"
        />
      </Card>
      <Card className="page-card" size="small" title={t('sales.performance.trend')} extra={<Segmented<Granularity> value={granularity} onChange={setGranularity} options={(['month', 'quarter', 'year'] as const).map((value) => ({ value, label: t(`sales.performance.granularity.${value}`) }))} />}>
        <Table
          rowKey="period"
          size="small"
          columns={[{ key: 'period', title: t('sales.performance.period'), dataIndex: 'period' }, ...figureColumns<SalesFigures & { period: string }>()]}
          dataSource={trend.data?.items ?? []}
          loading={trend.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="trend-table"
        />
      </Card>
    </Space>
  );
}

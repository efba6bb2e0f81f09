import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Row, Segmented, Space, Statistic, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { type SatisfactionGroupBy, type SatisfactionRow, serviceApi, serviceKeys } from './service-api.ts';

const percent = (value: number | null) => (value === null ? '-' : `${value}%`);

/** 回访统计: CSAT (share of ratings averaging 4+) and NPS (promoters − detractors) per product, salesperson, org or month. */
export function SatisfactionPage() {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<SatisfactionGroupBy>('product');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  usePageTitle(t('menu.satisfaction'));
  const from = range?.[0]?.format('YYYY-MM-DD');
  const to = range?.[1]?.format('YYYY-MM-DD');
  const figures = useQuery({ queryKey: serviceKeys.satisfaction(groupBy, from ?? '', to ?? ''), queryFn: ({ signal }) => serviceApi.satisfaction(groupBy, from, to, signal) });
  const overall = figures.data?.overall;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="satisfaction-page">
      <Card>
        <Space wrap>
          <Segmented<SatisfactionGroupBy>
            value={groupBy}
            onChange={setGroupBy}
            options={(['product', 'salesperson', 'org', 'month'] as const).map((value) => ({ value, label: t(`satisfaction.by.${value}`) }))}
          />
          <DatePicker.RangePicker value={range} onChange={(value) => setRange(value as [Dayjs | null, Dayjs | null] | null)} />
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Card><Statistic title={t('satisfaction.surveys')} value={overall?.surveys ?? 0} loading={figures.isLoading} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('satisfaction.csat')} value={percent(overall?.csat ?? null)} loading={figures.isLoading} data-testid="overall-csat" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('satisfaction.nps')} value={overall?.nps ?? '-'} loading={figures.isLoading} data-testid="overall-nps" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('satisfaction.averageRating')} value={overall?.averageRating ?? '-'} loading={figures.isLoading} /></Card></Col>
      </Row>
      <Card>
        <Table<SatisfactionRow>
          rowKey={(row) => String(row.key)}
          size="small"
          loading={figures.isFetching}
          scroll={{ x: 'max-content' }}
          dataSource={figures.data?.groups ?? []}
          locale={{ emptyText: figures.isError ? errorMessage(figures.error, t) : t('satisfaction.none') }}
          pagination={false}
          columns={[
            { key: 'label', title: t(`satisfaction.by.${groupBy}`), render: (_v, row) => row.label ?? t('satisfaction.unassigned') },
            { key: 'surveys', title: t('satisfaction.surveys'), dataIndex: 'surveys', align: 'right' },
            { key: 'csat', title: 'CSAT', align: 'right', render: (_v, row) => percent(row.csat) },
            { key: 'averageRating', title: t('satisfaction.averageRating'), dataIndex: 'averageRating', align: 'right', render: (value) => value ?? '-' },
            { key: 'nps', title: 'NPS', dataIndex: 'nps', align: 'right', render: (value) => value ?? '-' },
            { key: 'split', title: t('satisfaction.split'), render: (_v, row) => `${row.promoters} / ${row.passives} / ${row.detractors}` },
          ]}
        />
      </Card>
    </Space>
  );
}

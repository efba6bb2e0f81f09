import type { EnumField } from '@insure/model/field';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Result, Row, Space, Statistic, Table, Typography, type TableColumnType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { formatMoney } from '../../entity/format-value.ts';
import { opportunityEntity, salesApi, salesKeys, type OutcomeFigures } from './sales-api.ts';
import { formatPercent } from '../../entity/format-value.ts';

const stageField = opportunityEntity.fields.stage as EnumField;
const sourceField = opportunityEntity.fields.source as EnumField;
export const percent = (value: number | null | undefined) => (value === null || value === undefined ? '-' : formatPercent(value));

/** The outcome columns shared by the breakdown tables. */
export function outcomeColumns<T extends OutcomeFigures>(t: (key: string) => string, locale: string): TableColumnType<T>[] {
  const money = (value: number) => formatMoney(value, locale);
  return [
    { key: 'count', title: t('pipeline.count'), dataIndex: 'count', align: 'right' },
    { key: 'won', title: t('pipeline.won'), dataIndex: 'won', align: 'right' },
    { key: 'lost', title: t('pipeline.lost'), dataIndex: 'lost', align: 'right' },
    { key: 'winRate', title: t('pipeline.winRate'), align: 'right', render: (_value, row) => percent(row.winRate) },
    { key: 'wonAmount', title: t('pipeline.wonAmount'), align: 'right', render: (_value, row) => money(row.wonAmount) },
    { key: 'openAmount', title: t('pipeline.openAmount'), align: 'right', render: (_value, row) => money(row.openAmount) },
    { key: 'weightedAmount', title: t('pipeline.weightedAmount'), align: 'right', render: (_value, row) => money(row.weightedAmount) },
  ];
}

/** 销售漏斗与预测: funnel, conversion by stage, source, owner and month, and the weighted forecast (in scope). */
export function PipelineStatisticsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('pipeline.statisticsTitle'));
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs().endOf('year')]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const stats = useQuery({ queryKey: salesKeys.statistics(from, to), queryFn: ({ signal }) => salesApi.statistics(from, to, signal), placeholderData: keepPreviousData });
  const money = (value: number) => formatMoney(value, i18n.language);
  const stageLabel = (stage: string) => labelOf(stageField.options.find((option) => option.value === stage)?.label ?? { zh: stage, en: stage }, i18n.language);
  const sourceLabel = (source: string | null) => (source ? labelOf(sourceField.options.find((option) => option.value === source)?.label ?? { zh: source, en: source }, i18n.language) : t('pipeline.none'));
  const data = stats.data;

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="pipeline-statistics">
      <Card size="small" className="page-card">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('pipeline.statisticsTitle')}
          </Typography.Title>
          <DatePicker.RangePicker value={range} allowClear={false} onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])} aria-label={t('pipeline.period')} />
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('pipeline.periodHint')}
        </Typography.Paragraph>
      </Card>
      {stats.isError && <Result status="warning" title={errorMessage(stats.error, t)} />}
      {data && (
        <>
          <Row gutter={[12, 12]}>
            {[
              ['pipeline.count', String(data.total.count)],
              ['pipeline.winRate', percent(data.total.winRate)],
              ['pipeline.wonAmount', money(data.total.wonAmount)],
              ['pipeline.openAmount', money(data.total.openAmount)],
              ['pipeline.forecastWeighted', money(data.forecast.weightedAmount)],
            ].map(([key, value]) => (
              <Col key={key} xs={12} md={8} lg={4}>
                <Card size="small">
                  <Statistic title={t(key!)} value={value} data-testid={`stat-${key!.split('.')[1]}`} />
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" title={t('pipeline.funnel')}>
            <Table
              rowKey="stage"
              size="small"
              pagination={false}
              dataSource={data.funnel}
              data-testid="funnel-table"
              columns={[
                { key: 'stage', title: t('pipeline.stage'), render: (_value, row) => stageLabel(row.stage) },
                { key: 'reached', title: t('pipeline.reached'), dataIndex: 'reached', align: 'right' },
                { key: 'share', title: t('pipeline.shareOfAll'), align: 'right', render: (_value, row) => percent(row.shareOfAll) },
                { key: 'next', title: t('pipeline.conversionToNext'), align: 'right', render: (_value, row) => percent(row.conversionToNext) },
              ]}
            />
          </Card>
          <Card size="small" title={t('pipeline.byStage')}>
            <Table
              rowKey="stage"
              size="small"
              pagination={false}
              dataSource={data.byStage}
              columns={[
                { key: 'stage', title: t('pipeline.stage'), render: (_value, row) => stageLabel(row.stage) },
                { key: 'probability', title: t('pipeline.probability'), align: 'right', render: (_value, row) => `${row.probability}%` },
                { key: 'count', title: t('pipeline.count'), dataIndex: 'count', align: 'right' },
                { key: 'amount', title: t('pipeline.amount'), align: 'right', render: (_value, row) => money(row.amount) },
                { key: 'weighted', title: t('pipeline.weightedAmount'), align: 'right', render: (_value, row) => money(row.weightedAmount) },
              ]}
            />
          </Card>
          <Card size="small" title={t('pipeline.forecast')}>
            <Table
              rowKey={(row) => row.month ?? 'none'}
              size="small"
              pagination={false}
              dataSource={data.forecast.byMonth}
              data-testid="forecast-table"
              columns={[
                { key: 'month', title: t('pipeline.closeMonth'), render: (_value, row) => row.month ?? t('pipeline.noCloseDate') },
                { key: 'count', title: t('pipeline.count'), dataIndex: 'count', align: 'right' },
                { key: 'amount', title: t('pipeline.amount'), align: 'right', render: (_value, row) => money(row.amount) },
                { key: 'weighted', title: t('pipeline.weightedAmount'), align: 'right', render: (_value, row) => money(row.weightedAmount) },
              ]}
            />
          </Card>
          <Card size="small" title={t('pipeline.bySource')}>
            <Table rowKey={(row) => row.source ?? 'none'} size="small" pagination={false} scroll={{ x: 'max-content' }} dataSource={data.bySource} columns={[{ key: 'source', title: t('pipeline.source'), render: (_value, row) => sourceLabel(row.source) }, ...outcomeColumns<(typeof data.bySource)[number]>(t, i18n.language)]} />
          </Card>
          <Card size="small" title={t('pipeline.byOwner')}>
            <Table rowKey={(row) => row.ownerId ?? 0} size="small" pagination={false} scroll={{ x: 'max-content' }} dataSource={data.byOwner} columns={[{ key: 'owner', title: t('pipeline.owner'), render: (_value, row) => row.ownerName ?? t('pipeline.none') }, ...outcomeColumns<(typeof data.byOwner)[number]>(t, i18n.language)]} />
          </Card>
          <Card size="small" title={t('pipeline.byMonth')}>
            <Table rowKey="month" size="small" pagination={false} scroll={{ x: 'max-content' }} dataSource={data.byMonth} columns={[{ key: 'month', title: t('pipeline.createdMonth'), dataIndex: 'month' }, ...outcomeColumns<(typeof data.byMonth)[number]>(t, i18n.language)]} />
          </Card>
        </>
      )}
    </Space>
  );
}

import type { EnumField } from '@insure/model/field';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Result, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { formatMoney } from '../../entity/format-value.ts';
import { percent } from './PipelineStatisticsPage.tsx';
import { competitorEntity, opportunityEntity, salesApi, salesKeys } from './sales-api.ts';

const reasonField = opportunityEntity.fields.outcomeReason as EnumField;
const typeField = competitorEntity.fields.type as EnumField;

/** 竞争对手报告: won against / lost to each competitor, with the reasons, from opportunities closed in the period. */
export function CompetitorReportPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('competitorReport.title'));
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs().endOf('year')]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const report = useQuery({ queryKey: salesKeys.competitorReport(from, to), queryFn: ({ signal }) => salesApi.competitorReport(from, to, signal), placeholderData: keepPreviousData });
  const label = (field: EnumField, value: string | null) => (value ? labelOf(field.options.find((option) => option.value === value)?.label ?? { zh: value, en: value }, i18n.language) : t('pipeline.none'));
  const reasons = (items: { reason: string | null; count: number }[]) => (
    <Space size={4} wrap>
      {items.map((item) => (
        <Tag key={item.reason ?? 'none'}>
          {label(reasonField, item.reason)} × {item.count}
        </Tag>
      ))}
    </Space>
  );

  return (
    <Card className="page-card" size="small" data-testid="competitor-report">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('competitorReport.title')}
          </Typography.Title>
          <DatePicker.RangePicker value={range} allowClear={false} onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])} aria-label={t('pipeline.period')} />
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('competitorReport.hint')}</Typography.Paragraph>
      {report.isError && <Result status="warning" title={errorMessage(report.error, t)} />}
      <Table
        rowKey="competitorId"
        size="middle"
        loading={report.isFetching}
        dataSource={report.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={false}
        columns={[
          { key: 'name', title: labelOf(competitorEntity.fields.name!.label, i18n.language), dataIndex: 'name' },
          { key: 'type', title: labelOf(typeField.label, i18n.language), render: (_value, row) => label(typeField, row.type) },
          { key: 'decided', title: t('competitorReport.decided'), dataIndex: 'decided', align: 'right' },
          { key: 'won', title: t('competitorReport.wonAgainst'), dataIndex: 'won', align: 'right' },
          { key: 'lost', title: t('competitorReport.lostTo'), dataIndex: 'lost', align: 'right' },
          { key: 'winRate', title: t('pipeline.winRate'), align: 'right', render: (_value, row) => percent(row.winRate) },
          { key: 'lostAmount', title: t('competitorReport.lostAmount'), align: 'right', render: (_value, row) => formatMoney(row.lostAmount, i18n.language) },
          { key: 'lossReasons', title: t('competitorReport.lossReasons'), render: (_value, row) => reasons(row.lossReasons) },
          { key: 'winReasons', title: t('competitorReport.winReasons'), render: (_value, row) => reasons(row.winReasons) },
          { key: 'comparisons', title: t('competitorReport.comparisons'), dataIndex: 'comparisons', align: 'right' },
        ]}
      />
    </Card>
  );
}

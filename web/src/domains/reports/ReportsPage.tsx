import { DownloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Segmented, Select, Space, Table, Typography, type TableColumnType } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { EChart, type EChartOption } from '../../app/EChart.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { downloadFrom } from '../../entity/ExportApproval.tsx';
import { formatMeasure } from './format.ts';
import { ReportFilters } from './ReportFilters.tsx';
import { type Dimension, type Granularity, type Report, type ReportParams, type ReportType, dimensionKeys, reportKeys, reportTypeKeys, reportsApi, unsupported } from './reports-api.ts';

const isOneOf = <T extends string>(values: readonly T[], value: string | null, fallback: T): T => (value && (values as readonly string[]).includes(value) ? (value as T) : fallback);

/** The dashboard state lives in the URL, so saved definitions and links open it with their parameters. */
export function useReportParams() {
  const [search, setSearch] = useSearchParams();
  const type = isOneOf(reportTypeKeys, search.get('type'), 'sales');
  const dimension = isOneOf(dimensionKeys, search.get('dimension'), 'period');
  const params: ReportParams = {
    dimension: unsupported[type]?.includes(dimension) ? 'period' : dimension,
    granularity: isOneOf(['month', 'quarter', 'year'] as const, search.get('granularity'), 'month'),
    from: search.get('from') ?? dayjs().startOf('year').format('YYYY-MM-DD'),
    to: search.get('to') ?? dayjs().endOf('year').format('YYYY-MM-DD'),
    ...(Number(search.get('orgId')) > 0 ? { orgId: Number(search.get('orgId')) } : {}),
    ...(search.get('productType') ? { productType: search.get('productType')! } : {}),
  };
  const update = (next: Partial<ReportParams> & { type?: ReportType }) => {
    const merged: Record<string, unknown> = { type, ...params, ...next };
    setSearch(new URLSearchParams(Object.entries(merged).filter(([, value]) => value !== undefined && value !== '').map(([key, value]) => [key, String(value)])), { replace: true });
  };
  return { type, params, update };
}

function chartOptions(report: Report, t: (key: string) => string, locale: string): { bars: EChartOption; trend: EChartOption } {
  const primary = report.measures.find((measure) => measure.key === report.primary)!;
  // The trend's second series: a count beside a money measure (policies beside premium), none for count reports.
  const countMeasure = primary.kind === 'count' ? null : (report.measures.find((measure) => measure.kind === 'count' && measure.key !== primary.key) ?? null);
  const rows = report.rows.slice(0, 20);
  const axisFormatter = (value: number) => formatMeasure(value, primary.kind, locale);
  const bars: EChartOption = {
    tooltip: { trigger: 'axis', valueFormatter: (value) => formatMeasure(Number(value), primary.kind, locale) },
    grid: { left: 16, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((row) => row.label), axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: axisFormatter } },
    series: [{ type: 'bar', name: t(`reports.measures.${primary.key}`), data: rows.map((row) => row.values[primary.key] ?? 0), itemStyle: { color: '#1677ff' }, barMaxWidth: 36 }],
  };
  if (report.type === 'policyStatus') {
    // One stacked bar per status: the parts of the policy count.
    const statuses = report.measures.filter((measure) => measure.key !== primary.key);
    bars.legend = { top: 0 };
    bars.grid = { left: 16, right: 16, top: 36, bottom: 8, containLabel: true };
    bars.series = statuses.map((measure) => ({ type: 'bar', stack: 'status', name: t(`reports.measures.${measure.key}`), data: rows.map((row) => row.values[measure.key] ?? 0), barMaxWidth: 36 }));
  }
  const trend: EChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 16, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: report.trend.map((point) => point.period) },
    yAxis: [
      { type: 'value', axisLabel: { formatter: axisFormatter } },
      ...(countMeasure ? [{ type: 'value' as const, splitLine: { show: false } }] : []),
    ],
    series: [
      { type: 'line', smooth: true, name: t(`reports.measures.${primary.key}`), data: report.trend.map((point) => point.values[primary.key] ?? 0), areaStyle: { opacity: 0.12 } },
      ...(countMeasure ? [{ type: 'bar' as const, yAxisIndex: 1, name: t(`reports.measures.${countMeasure.key}`), data: report.trend.map((point) => point.values[countMeasure.key] ?? 0), barMaxWidth: 24, itemStyle: { color: '#91caff' } }] : []),
    ],
  };
  return { bars, trend };
}

/** 报表统计: one report by dimension with a chart, its trend and the table; export and save as a definition. */
export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { type, params, update } = useReportParams();
  usePageTitle(t('reports.title'));
  const report = useQuery({ queryKey: reportKeys.report(type, params), queryFn: ({ signal }) => reportsApi.report(type, params, signal) });
  const charts = useMemo(() => (report.data ? chartOptions(report.data, t, i18n.language) : null), [report.data, t, i18n.language]);
  const dimensionLabel = t(`reports.dimensions.${params.dimension}`);

  const columns: TableColumnType<Report['rows'][number]>[] = [
    { key: 'label', title: dimensionLabel, dataIndex: 'label', fixed: 'left' },
    ...(report.data?.measures ?? []).map((measure) => ({
      key: measure.key,
      title: t(`reports.measures.${measure.key}`),
      align: 'right' as const,
      render: (_value: unknown, row: Report['rows'][number]) => formatMeasure(row.values[measure.key], measure.kind, i18n.language),
    })),
  ];

  const save = () =>
    void navigate('/m/report-definitions', {
      state: {
        createPrefill: {
          name: `${t(`reports.types.${type}`)} · ${dimensionLabel}`,
          reportType: type,
          dimension: params.dimension,
          periodFrom: params.from,
          periodTo: params.to,
          ...(me.orgId ? { orgId: me.orgId } : {}),
        },
      },
    });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="reports-page">
      <Card className="page-card" size="small">
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
            <Space wrap>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('reports.title')}
              </Typography.Title>
              <Select<ReportType>
                value={type}
                style={{ minWidth: 180 }}
                onChange={(next) => update({ type: next, dimension: unsupported[next]?.includes(params.dimension) ? 'period' : params.dimension })}
                options={reportTypeKeys.map((key) => ({ value: key, label: t(`reports.types.${key}`) }))}
                data-testid="report-type"
                aria-label={t('reports.reportType')}
              />
            </Space>
            <Space>
              {hasPermission(me, 'reportDefinition:create') && (
                <Button icon={<SaveOutlined />} onClick={save} data-testid="report-save">
                  {t('reports.save')}
                </Button>
              )}
              {hasPermission(me, 'reportDefinition:export') && (
                <Button icon={<DownloadOutlined />} onClick={() => downloadFrom(reportsApi.exportUrl(type, params))} data-testid="report-export">
                  {t('reports.export')}
                </Button>
              )}
            </Space>
          </Space>
          <Space wrap>
            <Typography.Text type="secondary">{t('reports.dimension')}</Typography.Text>
            <Segmented<Dimension>
              value={params.dimension}
              onChange={(dimension) => update({ dimension })}
              options={dimensionKeys.map((key) => ({ value: key, label: t(`reports.dimensions.${key}`), disabled: unsupported[type]?.includes(key) }))}
              data-testid="report-dimension"
            />
            <Segmented<Granularity> value={params.granularity} onChange={(granularity) => update({ granularity })} options={(['month', 'quarter', 'year'] as const).map((key) => ({ value: key, label: t(`reports.granularity.${key}`) }))} />
          </Space>
          <ReportFilters value={params} onChange={(next) => update({ ...next, from: next.from ?? params.from, to: next.to ?? params.to, orgId: next.orgId, productType: unsupported[type]?.includes('productType') ? undefined : next.productType })} />
        </Space>
      </Card>
      {report.isError && <Alert type="error" showIcon message={errorMessage(report.error, t)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={`${t(`reports.measures.${report.data?.primary ?? 'premium'}`)} · ${dimensionLabel}`}>
            {charts && <EChart option={charts.bars} testId="report-chart" />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('reports.trend')}>
            {charts && <EChart option={charts.trend} testId="report-trend" />}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t(`reports.types.${type}`)}>
        <Table
          rowKey={(row) => String(row.key)}
          size="middle"
          columns={columns}
          dataSource={report.data?.rows ?? []}
          loading={report.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="report-table"
          summary={() =>
            report.data ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <strong>{t('reports.total')}</strong>
                </Table.Summary.Cell>
                {report.data.measures.map((measure, index) => (
                  <Table.Summary.Cell key={measure.key} index={index + 1} align="right">
                    <strong>{formatMeasure(report.data!.totals[measure.key], measure.kind, i18n.language)}</strong>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            ) : null
          }
        />
      </Card>
    </Space>
  );
}

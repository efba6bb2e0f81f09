import { SaveOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Input, Row, Segmented, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { EChart, type EChartOption, escapeChartText, loadChinaMap, mapProvinceName } from '../../app/EChart.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { ReportFilters } from './ReportFilters.tsx';
import { type Analysis, type AnalysisDimension, type AnalysisParams, analysisDimensionKeys, query, reportKeys, reportsApi } from './reports-api.ts';
import { formatPercent } from '../../entity/format-value.ts';

type Item = Analysis['items'][number];

function chartOption(dimension: AnalysisDimension, items: Item[], hasMap: boolean, t: (key: string) => string): EChartOption {
  if (dimension === 'region' && hasMap) {
    const max = Math.max(1, ...items.map((item) => item.count));
    return {
      tooltip: { trigger: 'item', formatter: (params: unknown) => { const p = params as { name: string; value?: number }; return `${escapeChartText(p.name)}: ${Number.isFinite(p.value) ? p.value : 0}`; } },
      visualMap: { min: 0, max, left: 8, bottom: 8, calculable: true, inRange: { color: ['#e6f4ff', '#1677ff', '#003eb3'] } },
      series: [
        {
          type: 'map',
          map: 'china',
          roam: false,
          name: t('analysis.customers'),
          label: { show: false },
          emphasis: { label: { show: true } },
          data: items.filter((item) => item.key !== 'unknown').map((item) => ({ name: mapProvinceName(item.key), value: item.count, key: item.key })),
        },
      ],
    };
  }
  if (dimension === 'intent' || dimension === 'satisfaction') {
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '70%'], data: items.map((item) => ({ name: item.label, value: item.count })), label: { formatter: '{b}\n{c}' } }],
    };
  }
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 16, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: items.map((item) => item.label), axisLabel: { interval: 0, rotate: items.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('analysis.customers'), data: items.map((item) => item.count), itemStyle: { color: '#1677ff' }, barMaxWidth: 40 }],
  };
}

/** 客户分析: distributions of the customers in scope with drill-down to the customer list; saved with a conclusion. */
export function CustomerAnalysisPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [conclusion, setConclusion] = useState('');
  const [hasMap, setHasMap] = useState(false);
  usePageTitle(t('analysis.title'));
  const dimensionParam = search.get('dimension');
  const dimension = (analysisDimensionKeys as readonly string[]).includes(dimensionParam ?? '') ? (dimensionParam as AnalysisDimension) : 'age';
  const params: AnalysisParams = {
    dimension,
    ...(search.get('from') ? { from: search.get('from')! } : {}),
    ...(search.get('to') ? { to: search.get('to')! } : {}),
    ...(Number(search.get('orgId')) > 0 ? { orgId: Number(search.get('orgId')) } : {}),
    ...(search.get('productType') ? { productType: search.get('productType')! } : {}),
  };
  const update = (next: Partial<AnalysisParams>) => setSearch(new URLSearchParams(query({ ...params, ...next })), { replace: true });
  const analysis = useQuery({ queryKey: reportKeys.analysis(params), queryFn: ({ signal }) => reportsApi.analysis(params, signal) });
  useEffect(() => {
    if (dimension === 'region') void loadChinaMap().then(setHasMap);
  }, [dimension]);
  const items = analysis.data?.items ?? [];
  const option = useMemo(() => chartOption(dimension, analysis.data?.items ?? [], hasMap, t), [dimension, analysis.data, hasMap, t]);

  const drill = (item: Item | undefined) => {
    if (!item?.drill) return;
    void navigate('/m/customers', { state: { listFilters: item.drill } });
  };
  const onChartClick = (event: { name: string; dataIndex: number }) => {
    if (dimension === 'region' && hasMap) drill(items.find((item) => mapProvinceName(item.key) === event.name));
    else drill(items[event.dataIndex]);
  };
  const save = () =>
    void navigate('/m/customer-analyses', {
      state: {
        createPrefill: {
          title: t(`analysis.dimensions.${dimension}`),
          dimension,
          periodFrom: params.from ?? null,
          periodTo: params.to ?? null,
          criteria: query({ orgId: params.orgId, productType: params.productType }) || null,
          conclusion: conclusion || null,
          analystId: me.id,
          ...(me.orgId ? { orgId: me.orgId } : {}),
        },
      },
    });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="analysis-page">
      <Card className="page-card" size="small">
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('analysis.title')}
            </Typography.Title>
            <Segmented<AnalysisDimension>
              value={dimension}
              onChange={(next) => update({ dimension: next })}
              options={analysisDimensionKeys.map((key) => ({ value: key, label: t(`analysis.dimensions.${key}`) }))}
              data-testid="analysis-dimension"
            />
          </Space>
          <ReportFilters value={params} allowEmptyPeriod onChange={(next) => update(next)} />
          {(params.from || params.orgId || params.productType) && <Typography.Text type="secondary">{t('analysis.noDrillWithFilters')}</Typography.Text>}
        </Space>
      </Card>
      {analysis.isError && <Alert type="error" showIcon message={errorMessage(analysis.error, t)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={`${t(`analysis.dimensions.${dimension}`)} · ${t('analysis.total', { count: analysis.data?.total ?? 0 })}`}>
            <EChart option={option} height={dimension === 'region' && hasMap ? 460 : 340} onClick={onChartClick} testId="analysis-chart" loading={analysis.isFetching} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('analysis.table')}>
            <Table<Item>
              rowKey="key"
              size="small"
              dataSource={items}
              pagination={false}
              scroll={{ y: 400 }}
              data-testid="analysis-table"
              columns={[
                { key: 'label', title: t(`analysis.dimensions.${dimension}`), dataIndex: 'label' },
                { key: 'count', title: t('analysis.customers'), dataIndex: 'count', align: 'right' },
                {
                  key: 'share',
                  title: t('analysis.share'),
                  align: 'right',
                  render: (_value, item) => (analysis.data?.total ? formatPercent(item.count / analysis.data.total) : '-'),
                },
                {
                  key: 'drill',
                  title: '',
                  render: (_value, item) =>
                    item.drill && item.count > 0 ? (
                      <Button type="link" size="small" onClick={() => drill(item)}>
                        {t('analysis.viewCustomers')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {hasPermission(me, 'customerAnalysis:create') && (
        <Card size="small" title={t('analysis.conclusion')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input.TextArea rows={3} maxLength={8000} value={conclusion} onChange={(event) => setConclusion(event.target.value)} placeholder={t('analysis.conclusionPlaceholder')} data-testid="analysis-conclusion" />
            <Button icon={<SaveOutlined />} onClick={save} data-testid="analysis-save">
              {t('analysis.save')}
            </Button>
          </Space>
        </Card>
      )}
    </Space>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Result, Row, Skeleton, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { StatusTag } from '../../entity/FieldValue.tsx';
import { formatMoney } from '../../entity/format-value.ts';
import { claimEntity, insuranceApi, insuranceKeys, type ClaimFigures } from './insurance-api.ts';

/** A policy's claim situation, computed by the server from its claims: totals and figures per claim status. */
export function ClaimSummaryCard({ policyId }: { policyId: number }) {
  const { t, i18n } = useTranslation();
  const summary = useQuery({ queryKey: insuranceKeys.claimSummary(policyId), queryFn: ({ signal }) => insuranceApi.claimSummary(policyId, signal) });
  const money = (value: number) => formatMoney(value, i18n.language);

  const body = () => {
    if (summary.isLoading) return <Skeleton active />;
    if (summary.isError || !summary.data) return <Result status="warning" subTitle={errorMessage(summary.error, t)} />;
    const data = summary.data;
    if (data.count === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('policyPage.noClaims')} />;
    const rows = claimEntity.statuses.flatMap((status) => {
      const figures = data.byStatus[status.value];
      return figures ? [{ status: status.value, ...figures }] : [];
    });
    return (
      <>
        <Row gutter={[12, 12]} className="stat-grid">
          <Col span={12}>
            <Statistic title={t('policyPage.claimCount')} value={data.count} />
          </Col>
          <Col span={12}>
            <Statistic title={t('claimPage.requested')} value={money(data.requested)} />
          </Col>
          <Col span={12}>
            <Statistic title={t('claimPage.approved')} value={money(data.approved)} />
          </Col>
          <Col span={12}>
            <Statistic title={t('claimPage.paid')} value={money(data.paid)} styles={{ content: { color: 'var(--ant-color-success)' } }} />
          </Col>
        </Row>
        <Table<ClaimFigures & { status: string }>
          style={{ marginTop: 12 }}
          rowKey="status"
          size="small"
          pagination={false}
          dataSource={rows}
          scroll={{ x: 'max-content' }}
          columns={[
            { key: 'status', title: t('entity.status'), render: (_value, row) => <StatusTag entity={claimEntity} value={row.status} /> },
            { key: 'count', title: t('policyPage.claimCountShort'), dataIndex: 'count', align: 'right' },
            { key: 'requested', title: t('claimPage.requested'), align: 'right', render: (_value, row) => money(row.requested) },
            { key: 'paid', title: t('claimPage.paid'), align: 'right', render: (_value, row) => money(row.paid) },
          ]}
        />
      </>
    );
  };

  return (
    <Card size="small" title={t('policyPage.claimSituation')} data-testid="claim-summary">
      {body()}
    </Card>
  );
}

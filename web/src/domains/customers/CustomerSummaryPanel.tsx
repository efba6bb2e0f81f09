import { insuranceTypes } from '@insure/model/enums/insurance';
import { useQuery } from '@tanstack/react-query';
import { Alert, Col, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { findOption, formatDateTime, formatMoney } from '../../entity/format-value.ts';
import { customerApi, summaryKey } from './customer-api.ts';

/** The customer's figures, computed by the server from policies, claims, tickets and interactions. */
export function CustomerSummaryPanel({ customerId }: { customerId: number }) {
  const { t, i18n } = useTranslation();
  const summary = useQuery({ queryKey: summaryKey(customerId), queryFn: ({ signal }) => customerApi.summary(customerId, signal) });
  if (summary.isLoading) return <Skeleton active paragraph={{ rows: 2 }} />;
  if (summary.isError || !summary.data) return <Alert type="warning" showIcon title={errorMessage(summary.error, t)} />;
  const data = summary.data;
  const money = (value: number) => formatMoney(value, i18n.language);
  const figures = [
    { key: 'policies', title: t('customer360.policies'), value: `${data.inForceCount} / ${data.policyCount}`, hint: t('customer360.inForceOfTotal') },
    { key: 'premium', title: t('customer360.totalPremium'), value: money(data.totalPremium) },
    { key: 'sumInsured', title: t('customer360.totalSumInsured'), value: money(data.totalSumInsured) },
    { key: 'claims', title: t('customer360.claims'), value: String(data.claimCount), hint: t('customer360.claimAmounts', { requested: money(data.claimRequested), paid: money(data.claimPaid) }) },
    { key: 'tickets', title: t('customer360.openTickets'), value: String(data.openTickets) },
    { key: 'lastInteraction', title: t('customer360.lastInteraction'), value: data.lastInteractionAt ? formatDateTime(data.lastInteractionAt).slice(0, 10) : '-' },
  ];
  return (
    <div data-testid="customer-summary">
      <Row gutter={[16, 12]} className="stat-grid">
        {figures.map((figure) => (
          <Col key={figure.key} xs={12} sm={8} xl={4}>
            <Statistic title={figure.title} value={figure.value} />
            {figure.hint && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {figure.hint}
              </Typography.Text>
            )}
          </Col>
        ))}
      </Row>
      {data.byInsuranceType.length > 0 && (
        <Space size={[8, 8]} wrap style={{ marginTop: 12 }} data-testid="customer-holdings">
          <Typography.Text type="secondary">{t('customer360.holdings')}</Typography.Text>
          {data.byInsuranceType.map((holding) => {
            const option = findOption(insuranceTypes, holding.insuranceType);
            return (
              <Tag key={holding.insuranceType ?? 'none'} color={option?.color}>
                {option ? labelOf(option.label, i18n.language) : (holding.insuranceType ?? '-')} ×{holding.count} · {money(holding.premium)}
              </Tag>
            );
          })}
        </Space>
      )}
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Table, Tag, Typography, type TableColumnType } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { runStatusTag } from './CommissionPage.tsx';
import { type StatementLine, formatYuan, salesApi, salesKeys } from './plans-api.ts';

const kindColors: Record<string, string> = { commission: 'blue', planBonus: 'gold', newCustomerBonus: 'cyan', managerOverride: 'purple', chargeback: 'red' };

/** Why a line has its amount, in words, from the figures the engine kept with it. */
export function explainLine(line: StatementLine, t: TFunction, locale: string): string {
  const money = (value: unknown) => (typeof value === 'number' ? formatYuan(value, locale) : '-');
  const detail = line.detail;
  const rule = `${String(line.ruleName ?? line.ruleId ?? '')} v${line.ruleVersion ?? ''}`;
  switch (line.kind) {
    case 'commission': {
      const text = t('sales.statement.explain.commission', { policyNo: detail.policyNo, premium: money(detail.premium), share: detail.sharePercent, base: money(line.base), rate: line.ratePercent, year: detail.policyYear, rule });
      return detail.withheld ? `${text}; ${t('sales.statement.explain.withheld', { status: t(`sales.statement.policyStatus.${String(detail.status)}`), endedOn: detail.endedOn, days: detail.clawbackDays })}` : text;
    }
    case 'planBonus':
      return t('sales.statement.explain.planBonus', { achieved: money(detail.achieved), level: t(`sales.plan.level.${String(detail.level)}`), levelValue: money(detail.levelValue), threshold: detail.thresholdPercent, fixed: money(detail.fixed), rate: line.ratePercent ?? 0, excess: money(detail.excess), rule });
    case 'newCustomerBonus':
      return t('sales.statement.explain.newCustomerBonus', { count: detail.newCustomers, each: money(detail.perCustomer), rule });
    case 'managerOverride':
      return t('sales.statement.explain.managerOverride', { rate: line.ratePercent, base: money(line.base), member: detail.memberId, rule });
    case 'chargeback':
      return t('sales.statement.explain.chargeback', { policyNo: detail.policyNo, status: t(`sales.statement.policyStatus.${String(detail.status)}`), endedOn: detail.endedOn, days: detail.daysInForce, limit: detail.clawbackDays, rate: line.ratePercent, base: money(line.base), source: line.sourcePeriod, rule });
    default:
      return '';
  }
}

/** One salesperson's statement for a month: a line per policy and rule. */
export function StatementPage() {
  const { t, i18n } = useTranslation();
  const params = useParams();
  const period = String(params.period);
  const salespersonId = Number(params.salespersonId);
  const statement = useQuery({ queryKey: salesKeys.statement(period, salespersonId), queryFn: ({ signal }) => salesApi.statement(period, salespersonId, signal) });
  usePageTitle(t('sales.statement.title'));
  const data = statement.data;

  const columns: TableColumnType<StatementLine>[] = [
    { key: 'kind', title: t('sales.statement.kind'), render: (_value, line) => <Tag color={kindColors[line.kind]}>{t(`sales.commission.kind.${line.kind}`)}</Tag> },
    { key: 'policy', title: t('sales.statement.policy'), render: (_value, line) => (line.policyId ? <Link to={`/policies/${line.policyId}`}>{String(line.detail.policyNo ?? line.policyId)}</Link> : '-') },
    { key: 'explain', title: t('sales.statement.why'), render: (_value, line) => <span data-testid="line-explanation">{explainLine(line, t, i18n.language)}</span> },
    { key: 'amount', title: t('sales.statement.amount'), align: 'right', render: (_value, line) => <Typography.Text type={line.amount < 0 ? 'danger' : undefined} data-testid="line-amount">{formatYuan(line.amount, i18n.language)}</Typography.Text> },
  ];

  return (
    <Card className="page-card" size="small" data-testid="statement-page" title={t('sales.statement.title')} extra={<Link to={`/sales/commission?period=${period}`}>{t('sales.statement.back')}</Link>}>
      {data ? (
        <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('sales.commission.salesperson')}><span data-testid="statement-salesperson">{String(data.salesperson.name ?? '')}</span></Descriptions.Item>
          <Descriptions.Item label={t('sales.statement.period')}>{data.period}</Descriptions.Item>
          <Descriptions.Item label={t('sales.statement.status')}>{runStatusTag(data.status, t)}</Descriptions.Item>
          <Descriptions.Item label={t('sales.commission.total')}><Typography.Text strong data-testid="statement-total">{formatYuan(data.total, i18n.language)}</Typography.Text></Descriptions.Item>
        </Descriptions>
      ) : null}
      <Table<StatementLine>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={statement.isFetching}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={statement.isError ? { emptyText: errorMessage(statement.error, t) } : { emptyText: t('sales.statement.empty') }}
        data-testid="statement-lines"
      />
    </Card>
  );
}

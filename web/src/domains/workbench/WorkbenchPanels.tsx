import { useQuery } from '@tanstack/react-query';
import { entities } from '@insure/model/registry';
import { labelOf } from '../../app/i18n.ts';
import { Badge, Card, Col, Empty, List, Progress, Row, Space, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../../app/error-message.ts';
import { formatYuan } from '../sales/plans-api.ts';
import { reportKeys, reportsApi, type Workbench } from '../reports/reports-api.ts';

function Panel({ title, extra, testId, children }: { title: string; extra?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <Card size="small" title={title} extra={extra} data-testid={testId} style={{ height: '100%' }}>
      {children}
    </Card>
  );
}

type Line = { key: number; to: string; title: ReactNode; date?: string | null; tag?: ReactNode };
function Lines({ items, today }: { items: Line[]; today: string }) {
  const { t } = useTranslation();
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.nothingDue')} />;
  return (
    <List
      size="small"
      dataSource={items}
      renderItem={(item) => (
        <List.Item extra={item.date ? <Typography.Text type={item.date.slice(0, 10) < today ? 'danger' : 'secondary'}>{item.date.slice(0, 10)}</Typography.Text> : null}>
          <Space size={6}>
            <Link to={item.to}>{item.title}</Link>
            {item.tag}
          </Space>
        </List.Item>
      )}
    />
  );
}

/** The workbench figures from GET /api/workbench (one request): what is due, waiting, the plan and the ranking. */
export function WorkbenchPanels() {
  const { t, i18n } = useTranslation();
  const bench = useQuery({ queryKey: reportKeys.workbench, queryFn: ({ signal }) => reportsApi.workbench(signal) });
  if (bench.isError) return <Card size="small">{errorMessage(bench.error, t)}</Card>;
  const data: Workbench | undefined = bench.data;
  if (!data) return <Card size="small" loading />;
  const today = data.today;
  const scopeTag = data.team ? <Tag color="purple">{t('workbench.team')}</Tag> : null;
  const waiting = (kind: 'claims' | 'tickets') => {
    const section = data[kind];
    if (!section) return null;
    const plural = kind === 'claims' ? 'claims' : 'feedback';
    return (
      <Col xs={24} md={12} xl={8} key={kind}>
        <Panel
          title={t(`workbench.${kind}Waiting`)}
          testId={`workbench-${kind}`}
          extra={
            <Space>
              <Badge count={section.count} showZero color="#1677ff" />
              {data.team && <Typography.Text type="secondary">{t('workbench.teamOpen', { count: section.team })}</Typography.Text>}
            </Space>
          }
        >
          <Lines today={today} items={section.items.map((item) => ({ key: item.id, to: kind === 'claims' ? `/claims/${item.id}` : `/m/${plural}?detail=${item.id}`, title: item.title, date: item.date }))} />
        </Panel>
      </Col>
    );
  };
  const plan = data.plan;
  return (
    <Row gutter={[16, 16]}>
      {data.followUps && (
        <Col xs={24} md={12} xl={8}>
          <Panel title={t('workbench.followUpsDue')} testId="workbench-follow-ups" extra={<Space>{scopeTag}<Badge count={data.followUps.count} showZero color={data.followUps.overdue ? '#ff4d4f' : '#1677ff'} /></Space>}>
            <Lines today={today} items={data.followUps.items.map((item) => ({ key: item.id, to: `/customers/${item.customerId}`, title: `${item.customerName ?? ''} · ${item.subject}`, date: item.date }))} />
          </Panel>
        </Col>
      )}
      {data.renewals && (
        <Col xs={24} md={12} xl={8}>
          <Panel title={t('workbench.renewalsDue')} testId="workbench-renewals" extra={<Space>{scopeTag}<Badge count={data.renewals.count} showZero color="#fa8c16" /></Space>}>
            <Lines today={today} items={data.renewals.items.map((item) => ({ key: item.id, to: `/policies/${item.id}`, title: `${item.policyNo} · ${item.customerName ?? ''}`, date: item.date }))} />
          </Panel>
        </Col>
      )}
      {waiting('claims')}
      {waiting('tickets')}
      <Col xs={24} md={12} xl={8}>
        <Panel title={t('workbench.planProgress')} testId="workbench-plan">
          {plan ? (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Typography.Text strong>
                {plan.name} <Typography.Text type="secondary">({plan.periodStart} ~ {plan.periodEnd})</Typography.Text>
              </Typography.Text>
              {(['premium', 'policyCount', 'newCustomers'] as const).map((metric) => (
                <div key={metric}>
                  <Typography.Text>
                    {t(`workbench.plan.${metric}`)}: {metric === 'premium' ? formatYuan(plan[metric].achieved, i18n.language) : plan[metric].achieved}
                    {plan[metric].target !== null && ` / ${metric === 'premium' ? formatYuan(plan[metric].target!, i18n.language) : plan[metric].target}`}
                  </Typography.Text>
                  <Progress aria-label={t(`workbench.plan.${metric}`)} percent={Math.min(100, plan[metric].percent ?? 0)} format={() => (plan[metric].percent === null ? '-' : `${plan[metric].percent}%`)} size="small" />
                </div>
              ))}
            </Space>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noPlan')} />
          )}
        </Panel>
      </Col>
      {data.ranking && (
        <Col xs={24} md={12} xl={8}>
          <Panel title={t('workbench.ranking', { month: data.ranking.month })} testId="workbench-ranking">
            {data.ranking.mine && (
              <Row gutter={8} style={{ marginBottom: 8 }}>
                <Col span={12}>
                  <Statistic title={t('workbench.myRank')} value={data.ranking.mine.rank} suffix={`/ ${data.ranking.ranked}`} />
                </Col>
                <Col span={12}>
                  <Statistic title={t('workbench.myPremium')} value={formatYuan(data.ranking.mine.premium, i18n.language)} />
                </Col>
              </Row>
            )}
            {data.ranking.top.length > 0 ? (
              <List
                size="small"
                dataSource={data.ranking.top}
                renderItem={(row) => (
                  <List.Item extra={formatYuan(row.premium, i18n.language)}>
                    <Space>
                      <Tag color={row.rank <= 3 ? 'gold' : 'default'}>{row.rank}</Tag>
                      {row.name}
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              !data.ranking.mine && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noRanking')} />
            )}
          </Panel>
        </Col>
      )}
      <Col xs={24} md={12} xl={8}>
        <Panel title={t('workbench.recent')} testId="workbench-recent">
          {data.recent.length ? (
            <List
              size="small"
              dataSource={data.recent}
              renderItem={(row) => (
                <List.Item extra={<Typography.Text type="secondary" style={{ marginLeft: 12 }}>{dayjs(row.at).format('MM-DD HH:mm')}</Typography.Text>}>
                  {t(`workbench.actions.${row.action}`, { defaultValue: row.action })} · {(() => {
                    const entity = entities.find((candidate) => candidate.name === row.module);
                    return entity ? labelOf(entity.label, i18n.language) : row.module;
                  })()}
                  {row.recordId ? ` #${row.recordId}` : ''}
                </List.Item>
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noActivity')} />
          )}
        </Panel>
      </Col>
    </Row>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Modal, Progress, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/AuthProvider.tsx';
import { hasPermission } from '../../app/auth-api.ts';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { type MetricProgress, type PlanNode, evenTimeSplit, formatYuan, salesApi, salesKeys } from './plans-api.ts';

/** A metric as a progress bar: red when behind where the elapsed time says it should be. */
function MetricBar({ metric, money, locale, label }: { metric: MetricProgress; money?: boolean; locale: string; label: string }) {
  const { t } = useTranslation();
  const show = (value: number | null) => (value === null ? '-' : money ? formatYuan(value, locale) : String(value));
  if (metric.target === null) return <span>{show(metric.achieved)}</span>;
  const percent = metric.percent ?? 0;
  return (
    <Tooltip
      title={
        <div>
          <div>{t('sales.plan.achieved')}: {show(metric.achieved)}</div>
          <div>{t('sales.plan.levels')}: {show(metric.target)} / {show(metric.stretch)} / {show(metric.challenge)}</div>
          <div>{t('sales.plan.expectedByNow')}: {show(metric.expected)}</div>
        </div>
      }
    >
      <div style={{ minWidth: 160 }} data-behind={metric.behind ? 'true' : 'false'}>
        <Progress aria-label={label} percent={Math.min(100, percent)} format={() => `${percent}%`} status={metric.behind ? 'exception' : percent >= 100 ? 'success' : 'active'} size="small" />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {show(metric.achieved)} / {show(metric.target)}
          {metric.levelReached ? <Tag color="green" style={{ marginLeft: 4 }}>{t(`sales.plan.level.${metric.levelReached}`)}</Tag> : null}
        </Typography.Text>
      </div>
    </Tooltip>
  );
}

/** 销售计划看板: the plan cascade in scope with live progress, children sums and behind-plan flags. */
export function PlanBoardPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [editing, setEditing] = useState<PlanNode | null>(null);
  const [notes, setNotes] = useState('');
  usePageTitle(t('sales.plan.title'));
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const tree = useQuery({ queryKey: salesKeys.planTree(from, to), queryFn: ({ signal }) => salesApi.planTree(from, to, signal) });
  const save = useMutation({
    mutationFn: () => salesApi.saveNotes(editing!.id, notes.trim() ? notes : null),
    onSuccess: () => {
      message.success(t('sales.plan.notesSaved'));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: salesKeys.all });
    },
    onError: (error) => message.error(errorMessage(error, t)),
  });
  const split = useMutation({
    mutationFn: ({ plan, into }: { plan: PlanNode; into: 'quarter' | 'month' }) => salesApi.split(plan.id, evenTimeSplit(plan as PlanNode & Record<string, unknown>, into)),
    onSuccess: () => {
      message.success(t('sales.plan.splitDone'));
      void queryClient.invalidateQueries({ queryKey: salesKeys.all });
    },
    onError: (error) => message.error(errorMessage(error, t)),
  });
  const splitOptions = (plan: PlanNode): ('quarter' | 'month')[] => (plan.periodType === 'year' ? ['quarter', 'month'] : plan.periodType === 'quarter' ? ['month'] : []);
  const canWriteNotes = (plan: PlanNode) => (plan.salespersonId !== null && plan.salespersonId === me.salespersonId) || hasPermission(me, 'salesPlan:edit');

  const columns: TableColumnType<PlanNode>[] = [
    {
      key: 'name',
      title: t('sales.plan.plan'),
      render: (_value, plan) => (
        <Space direction="vertical" size={0}>
          <Space>
            <Typography.Text strong>{plan.name}</Typography.Text>
            {plan.behind ? <Tag color="red" data-testid="behind-plan">{t('sales.plan.behind')}</Tag> : null}
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {plan.salespersonName ?? plan.orgName} · {plan.periodStart} ~ {plan.periodEnd} · {t('sales.plan.elapsed', { percent: plan.elapsedPercent })}
          </Typography.Text>
          {plan.mismatches.length ? (
            <Tooltip title={plan.mismatches.map((field) => `${t(`sales.plan.metric.${field}`)}: ${plan.sums?.[field] ?? 0}`).join('; ')}>
              <Tag color="orange" data-testid="children-mismatch">{t('sales.plan.childrenMismatch')}</Tag>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    { key: 'premium', title: t('sales.plan.metric.premiumTarget'), render: (_value, plan) => <MetricBar label={t('sales.plan.metric.premiumTarget')} metric={plan.progress.premium} money locale={i18n.language} /> },
    { key: 'policyCount', title: t('sales.plan.metric.policyCountTarget'), render: (_value, plan) => <MetricBar label={t('sales.plan.metric.policyCountTarget')} metric={plan.progress.policyCount} locale={i18n.language} /> },
    { key: 'newCustomer', title: t('sales.plan.metric.newCustomerTarget'), render: (_value, plan) => <MetricBar label={t('sales.plan.metric.newCustomerTarget')} metric={plan.progress.newCustomer} locale={i18n.language} /> },
    {
      key: 'pending',
      title: t('sales.plan.pendingSignings'),
      align: 'right',
      render: (_value, plan) => `${plan.figures.pendingSignings} / ${formatYuan(plan.figures.pendingSigningAmount, i18n.language)}`,
    },
    {
      key: 'notes',
      title: t('sales.plan.ownerNotes'),
      render: (_value, plan) => (
        <Space>
          <Typography.Text ellipsis style={{ maxWidth: 200 }}>{plan.ownerNotes ?? ''}</Typography.Text>
          {hasPermission(me, 'salesPlan:create') && !plan.children?.length
            ? splitOptions(plan).map((into) => (
                <Button key={into} size="small" type="link" loading={split.isPending} onClick={() => split.mutate({ plan, into })} data-testid={`plan-split-${into}-${plan.id}`}>
                  {t(`sales.plan.splitInto.${into}`)}
                </Button>
              ))
            : null}
          {canWriteNotes(plan) ? (
            <Button
              size="small"
              type="link"
              data-testid={`plan-notes-${plan.id}`}
              onClick={() => {
                setEditing(plan);
                setNotes(plan.ownerNotes ?? '');
              }}
            >
              {t('sales.plan.editNotes')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];

  const childless = (nodes: PlanNode[]): PlanNode[] => nodes.map((node) => ({ ...node, children: node.children.length ? childless(node.children) : (undefined as unknown as PlanNode[]) }));
  return (
    <Card className="page-card" size="small" data-testid="plan-board-page">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('sales.plan.title')}
          </Typography.Title>
          <Select value={year} onChange={setYear} options={[thisYear - 2, thisYear - 1, thisYear, thisYear + 1].map((value) => ({ value, label: String(value) }))} data-testid="plan-year" aria-label={t('sales.plan.year')} />
        </Space>
      </div>
      <Table<PlanNode>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={childless(tree.data?.items ?? [])}
        loading={tree.isFetching}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        scroll={{ x: 'max-content' }}
        locale={tree.isError ? { emptyText: errorMessage(tree.error, t) } : { emptyText: t('sales.plan.empty') }}
        key={tree.dataUpdatedAt}
        data-testid="plan-tree"
      />
      <Modal open={editing !== null} title={t('sales.plan.editNotes')} onCancel={() => setEditing(null)} onOk={() => save.mutate()} confirmLoading={save.isPending} okText={t('common.save')}>
        <Input.TextArea rows={5} maxLength={2000} showCount value={notes} onChange={(event) => setNotes(event.target.value)} data-testid="plan-notes-input" />
      </Modal>
    </Card>
  );
}

import { Input, InputNumber, Select, Tag, Typography, type TableColumnType } from 'antd';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { i18n as i18nInstance, labelOf } from '../../app/i18n.ts';
import { formatDateTime } from '../../entity/format-value.ts';
import { LogQueryPage, logText, type LogRow } from './LogQueryPage.tsx';
import { auditActions, moduleLabel, moduleLabels } from './module-labels.ts';

const actionColors: Record<string, string> = { create: 'green', update: 'blue', delete: 'red', purge: 'magenta', restore: 'orange', reveal: 'gold', revoke: 'red' };

export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const actionLabel = (action: string) => (i18nInstance.exists(`history.actions.${action}`) ? t(`history.actions.${action}`) : action);

  const columns: TableColumnType<LogRow>[] = [
    { key: 'at', title: t('logs.at'), width: 170, render: (_v, row) => (typeof row.at === 'string' ? formatDateTime(row.at) : '-') },
    { key: 'actorName', title: t('logs.actor'), render: (_v, row) => logText(row.actorName) },
    {
      key: 'module',
      title: t('logs.module'),
      render: (_v, row) => {
        const label = typeof row.module === 'string' ? moduleLabel(row.module) : undefined;
        return label ? labelOf(label, i18n.language) : logText(row.module);
      },
    },
    {
      key: 'action',
      title: t('logs.action'),
      render: (_v, row) => (typeof row.action === 'string' ? <Tag color={actionColors[row.action]}>{actionLabel(row.action)}</Tag> : '-'),
    },
    { key: 'record', title: t('logs.recordId'), render: (_v, row) => logText(row.recordId) },
    { key: 'ip', title: t('logs.ip'), render: (_v, row) => logText(row.ip) },
  ];

  return (
    <LogQueryPage
      title={t('menu.auditLog')}
      endpoint="/api/audit-logs/query"
      testId="audit-log-table"
      columns={columns}
      exportUrl={
        hasPermission(me, 'auditLog:export')
          ? ({ recordId: _recordId, ...filters }) => `/api/audit-logs/export?${new URLSearchParams({ ...filters, format: 'csv' }).toString()}`
          : undefined
      }
      expandedRow={(row) => (
        <Typography.Paragraph style={{ margin: 0 }}>
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {JSON.stringify(row.changes ?? null, null, 2)}
          </pre>
        </Typography.Paragraph>
      )}
      filters={[
        { name: 'actorName', label: t('logs.actor'), input: <Input allowClear data-testid="audit-actor" /> },
        {
          name: 'module',
          label: t('logs.module'),
          input: (
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('common.all')}
              options={moduleLabels.map((module) => ({ value: module.name, label: labelOf(module.label, i18n.language) }))}
              data-testid="audit-module"
            />
          ),
        },
        {
          name: 'action',
          label: t('logs.action'),
          input: <Select allowClear placeholder={t('common.all')} options={auditActions.map((action) => ({ value: action, label: actionLabel(action) }))} />,
        },
        { name: 'recordId', label: t('logs.recordId'), input: <InputNumber min={1} precision={0} style={{ width: '100%' }} /> },
      ]}
    />
  );
}

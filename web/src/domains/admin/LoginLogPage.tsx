import { Input, Select, Tag, type TableColumnType } from 'antd';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { i18n as i18nInstance } from '../../app/i18n.ts';
import { formatDateTime } from '../../entity/format-value.ts';
import { LogQueryPage, logText, type LogRow } from './LogQueryPage.tsx';

const outcomes = ['success', 'failed', 'captcha_failed', 'locked', 'locked_attempt', 'rate_limited', 'disabled'];

export function LoginLogPage() {
  const { t } = useTranslation();
  const me = useMe();
  const outcomeText = (outcome: unknown) =>
    typeof outcome === 'string' && i18nInstance.exists(`logs.outcomes.${outcome}`) ? t(`logs.outcomes.${outcome}`) : logText(outcome);

  const columns: TableColumnType<LogRow>[] = [
    { key: 'at', title: t('logs.at'), width: 170, render: (_v, row) => (typeof row.at === 'string' ? formatDateTime(row.at) : '-') },
    { key: 'loginName', title: t('logs.loginName'), render: (_v, row) => logText(row.loginName) },
    {
      key: 'outcome',
      title: t('logs.result'),
      render: (_v, row) => <Tag color={row.outcome === 'success' ? 'green' : 'red'}>{outcomeText(row.outcome)}</Tag>,
    },
    { key: 'detail', title: t('logs.detail'), render: (_v, row) => logText(row.detail) },
    { key: 'ip', title: t('logs.ip'), render: (_v, row) => logText(row.ip) },
    { key: 'userAgent', title: t('logs.userAgent'), ellipsis: true, width: 280, render: (_v, row) => logText(row.userAgent) },
  ];

  return (
    <LogQueryPage
      title={t('menu.loginLog')}
      endpoint="/api/login-logs/query"
      testId="login-log-table"
      columns={columns}
      exportUrl={
        hasPermission(me, 'loginLog:export')
          ? (filters) => `/api/login-logs/export?${new URLSearchParams({ ...filters, format: 'csv' }).toString()}`
          : undefined
      }
      filters={[
        { name: 'loginName', label: t('logs.loginName'), input: <Input allowClear /> },
        {
          name: 'outcome',
          label: t('logs.result'),
          input: <Select allowClear placeholder={t('common.all')} options={outcomes.map((outcome) => ({ value: outcome, label: outcomeText(outcome) }))} />,
        },
        { name: 'ip', label: t('logs.ip'), input: <Input allowClear /> },
      ]}
    />
  );
}

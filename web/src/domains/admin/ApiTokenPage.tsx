import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Space, Table, Tag, Typography, type TableColumnType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { formatDateTime } from '../../entity/format-value.ts';
import { CreateTokenDialog } from './CreateTokenDialog.tsx';

const tokenSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  prefix: z.string().nullable().optional(),
  accountId: z.number().nullable().optional(),
  loginName: z.string().nullable().optional(),
  expiresAt: z.string().nullable().optional(),
  revokedAt: z.string().nullable().optional(),
  lastUsedAt: z.string().nullable().optional(),
  createdAt: z.string().nullable().optional(),
});
type TokenRow = z.infer<typeof tokenSchema>;
const tokensSchema = z.looseObject({ items: z.array(tokenSchema) });
const tokensKey = ['api-tokens'];

const when = (value: string | null | undefined) => (value ? formatDateTime(value) : '-');

/** API tokens for third-party integration: list, create (shown once), revoke. */
export function ApiTokenPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  usePageTitle(t('menu.apiToken'));
  const [isCreating, setIsCreating] = useState(false);
  const tokens = useQuery({ queryKey: tokensKey, queryFn: ({ signal }) => api.get(tokensSchema, '/api/api-tokens', signal) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: tokensKey });

  const revoke = async (token: TokenRow) => {
    try {
      await api.remove(`/api/api-tokens/${token.id}`);
      void message.success(t('tokens.revoked'));
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const stateOf = (token: TokenRow) => {
    if (token.revokedAt) return <Tag color="default">{t('tokens.stateRevoked')}</Tag>;
    if (token.expiresAt && dayjs(token.expiresAt).isBefore(dayjs())) return <Tag color="orange">{t('tokens.stateExpired')}</Tag>;
    return <Tag color="green">{t('tokens.stateActive')}</Tag>;
  };

  const columns: TableColumnType<TokenRow>[] = [
    { key: 'name', title: t('tokens.name'), render: (_v, token) => token.name },
    { key: 'prefix', title: t('tokens.prefix'), render: (_v, token) => <Typography.Text code>{token.prefix ? `${token.prefix}…` : '-'}</Typography.Text> },
    { key: 'account', title: t('tokens.account'), render: (_v, token) => token.loginName ?? token.accountId ?? '-' },
    { key: 'state', title: t('tokens.state'), render: (_v, token) => stateOf(token) },
    { key: 'expiresAt', title: t('tokens.expiresAt'), render: (_v, token) => when(token.expiresAt) },
    { key: 'lastUsedAt', title: t('tokens.lastUsedAt'), render: (_v, token) => when(token.lastUsedAt) },
    { key: 'createdAt', title: t('tokens.createdAt'), render: (_v, token) => when(token.createdAt) },
    {
      key: 'actions',
      title: t('list.actions'),
      render: (_v, token) =>
        hasPermission(me, 'apiToken:delete') && !token.revokedAt ? (
          <Popconfirm
            title={t('tokens.revokeConfirm', { name: token.name })}
            okText={t('tokens.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke(token)}
          >
            <Button type="link" size="small" danger data-testid="token-revoke">
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Card size="small">
      <div className="list-toolbar">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('menu.apiToken')}
        </Typography.Title>
        <Space>
          {hasPermission(me, 'apiToken:create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setIsCreating(true)} data-testid="token-create">
              {t('tokens.create')}
            </Button>
          )}
          <Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('list.reload')} />
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      <Table<TokenRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={tokens.data?.items ?? []}
        loading={tokens.isFetching}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={tokens.isError ? { emptyText: errorMessage(tokens.error, t) } : undefined}
        data-testid="token-table"
      />
      <CreateTokenDialog
        open={isCreating}
        onClose={() => setIsCreating(false)}
        onCreated={refresh}
      />
    </Card>
  );
}

import { CloudUploadOutlined, DatabaseOutlined, DownloadOutlined, FileExcelOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Radio, Space, Table, Tag, Tooltip, Typography, Upload, type TableColumnType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, isApiError, request } from '../../app/api-client.ts';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { formatDateTime } from '../../entity/format-value.ts';
import { formatNumber } from '../../entity/format-value.ts';

const labelSchema = z.object({ zh: z.string(), en: z.string() });
const backupSchema = z.looseObject({
  id: z.string(),
  kind: z.enum(['system', 'importantData']),
  trigger: z.enum(['manual', 'scheduled', 'safety', 'upload']),
  fileName: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  schemaVersion: z.string().nullable(),
  encrypted: z.boolean(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number().nullable(),
  createdBy: z.looseObject({ name: z.string() }),
  modules: z.array(z.string()).optional(),
  error: z.string().nullable().optional(),
});
type BackupRow = z.infer<typeof backupSchema>;
const listSchema = z.looseObject({
  items: z.array(backupSchema),
  policy: z.looseObject({ cron: z.string(), keepDaily: z.number(), keepWeekly: z.number(), encrypted: z.boolean() }),
  importantModules: z.array(z.object({ name: z.string(), label: labelSchema })),
});
const restoredSchema = z.looseObject({ restoredFrom: z.string(), safetyBackup: z.string() });
const listKey = ['backups'];

const statusColors: Record<BackupRow['status'], string> = { running: 'processing', succeeded: 'green', failed: 'red' };

export const formatBytes = (bytes: number | null): string => {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${formatNumber(bytes / 1024, undefined, 1)} KB`;
  if (bytes < 1024 ** 3) return `${formatNumber(bytes / 1024 ** 2, undefined, 1)} MB`;
  return `${formatNumber(bytes / 1024 ** 3, undefined, 2)} GB`;
};

/** The server's field reasons (already translated) or the general message. */
const problemOf = (error: unknown, t: Parameters<typeof errorMessage>[1]) =>
  isApiError(error) && Object.keys(error.fields).length ? Object.values(error.fields).join('；') : errorMessage(error, t);

/** 数据备份: system backups and important-data exports, download/upload for off-site copies, restore with the password. */
export function BackupPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  usePageTitle(t('menu.backup'));
  const [isTaking, setIsTaking] = useState(false);
  const [isUploading, setIsUploading] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [restoring, setRestoring] = useState<BackupRow | null>(null);
  const backups = useQuery({ queryKey: listKey, queryFn: ({ signal }) => api.get(listSchema, '/api/backups', signal) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: listKey });

  const take = async (body: Record<string, unknown>) => {
    setIsTaking(true);
    try {
      await api.post(backupSchema, '/api/backups', body);
      void message.success(t('backups.taken'));
      setExportOpen(false);
    } catch (error) {
      void message.error(problemOf(error, t));
    } finally {
      setIsTaking(false);
      refresh();
    }
  };

  const upload = async (file: File) => {
    setIsUploading(true);
    try {
      await request('POST', `/api/backups/upload?fileName=${encodeURIComponent(file.name)}`, { raw: { data: file, contentType: 'application/vnd.insure-backup' } });
      void message.success(t('backups.uploaded'));
      refresh();
    } catch (error) {
      void message.error(problemOf(error, t));
    } finally {
      setIsUploading(false);
    }
  };

  const remove = async (row: BackupRow) => {
    try {
      await api.remove(`/api/backups/${row.id}`);
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const columns: TableColumnType<BackupRow>[] = [
    { key: 'startedAt', title: t('backups.startedAt'), render: (_v, row) => formatDateTime(row.startedAt) },
    {
      key: 'kind',
      title: t('backups.kind'),
      render: (_v, row) => (
        <Space size={4}>
          <Tag color={row.kind === 'system' ? 'blue' : 'purple'}>{t(`backups.kinds.${row.kind}`)}</Tag>
          {row.encrypted && <Tag>{t('backups.encrypted')}</Tag>}
        </Space>
      ),
    },
    { key: 'trigger', title: t('backups.trigger'), render: (_v, row) => t(`backups.triggers.${row.trigger}`) },
    {
      key: 'status',
      title: t('backups.status'),
      render: (_v, row) => (
        <Tooltip title={row.error ?? undefined}>
          <Tag color={statusColors[row.status]}>{t(`backups.statuses.${row.status}`)}</Tag>
        </Tooltip>
      ),
    },
    { key: 'size', title: t('backups.size'), render: (_v, row) => formatBytes(row.sizeBytes) },
    { key: 'duration', title: t('backups.duration'), render: (_v, row) => (row.durationMs === null ? '-' : `${formatNumber(row.durationMs / 1000, undefined, 1)} s`) },
    { key: 'by', title: t('backups.by'), render: (_v, row) => (row.createdBy.name === 'schedule' ? t('backups.triggers.scheduled') : row.createdBy.name) },
    {
      key: 'sha256',
      title: 'SHA-256',
      render: (_v, row) => (row.sha256 ? <Typography.Text code copyable={{ text: row.sha256 }}>{row.sha256.slice(0, 12)}…</Typography.Text> : '-'),
    },
    {
      key: 'actions',
      title: t('list.actions'),
      render: (_v, row) => (
        <Space size={0}>
          {row.status === 'succeeded' && hasPermission(me, 'backup:export') && (
            <Button type="link" size="small" icon={<DownloadOutlined />} href={`/api/backups/${row.id}/download`} download data-testid="backup-download">
              {t('backups.download')}
            </Button>
          )}
          {row.status === 'succeeded' && row.kind === 'system' && hasPermission(me, 'backup:import') && (
            <Button type="link" size="small" danger onClick={() => setRestoring(row)} data-testid="backup-restore">
              {t('backups.restore')}
            </Button>
          )}
          {row.status !== 'running' && hasPermission(me, 'backup:delete') && (
            <Popconfirm title={t('backups.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => remove(row)}>
              <Button type="link" size="small" danger data-testid="backup-delete">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const policy = backups.data?.policy;
  return (
    <Card size="small">
      <div className="list-toolbar">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('menu.backup')}
        </Typography.Title>
        <Space wrap>
          {hasPermission(me, 'backup:create') && (
            <>
              <Button type="primary" icon={<DatabaseOutlined />} loading={isTaking} onClick={() => void take({ kind: 'system' })} data-testid="backup-take">
                {t('backups.take')}
              </Button>
              <Button icon={<FileExcelOutlined />} onClick={() => setExportOpen(true)} data-testid="backup-important">
                {t('backups.important')}
              </Button>
            </>
          )}
          {hasPermission(me, 'backup:import') && (
            <Upload
              showUploadList={false}
              accept=".gz,.enc"
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <Button icon={<CloudUploadOutlined />} loading={isUploading} data-testid="backup-upload">
                {t('backups.upload')}
              </Button>
            </Upload>
          )}
          <Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('list.reload')} />
        </Space>
      </div>
      {policy && (
        <Typography.Paragraph type="secondary" data-testid="backup-policy">
          {t('backups.policy', { cron: policy.cron === 'off' ? t('backups.scheduleOff') : policy.cron, daily: policy.keepDaily, weekly: policy.keepWeekly })}
          {policy.encrypted ? ` ${t('backups.policyEncrypted')}` : ''}
        </Typography.Paragraph>
      )}
      <Table<BackupRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={backups.data?.items ?? []}
        loading={backups.isFetching}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={backups.isError ? { emptyText: errorMessage(backups.error, t) } : undefined}
        data-testid="backup-table"
      />
      <ImportantDataDialog
        open={exportOpen}
        busy={isTaking}
        modules={(backups.data?.importantModules ?? []).filter((module) => hasPermission(me, `${module.name}:export`)).map((module) => ({ value: module.name, label: labelOf(module.label, i18n.language) }))}
        onCancel={() => setExportOpen(false)}
        onSubmit={(values) => void take({ kind: 'importantData', ...values })}
      />
      <RestoreDialog
        backup={restoring}
        onClose={() => setRestoring(null)}
        onRestored={(result) => {
          setRestoring(null);
          // Everyone is signed out by a restore; say what happened before the session ends.
          modal.success({
            title: t('backups.restoredTitle'),
            content: t('backups.restored', { from: result.restoredFrom, safety: result.safetyBackup }),
            onOk: () => window.location.assign('/login'),
          });
        }}
      />
    </Card>
  );
}

function ImportantDataDialog(props: { open: boolean; busy: boolean; modules: { value: string; label: string }[]; onCancel: () => void; onSubmit: (values: { modules: string[]; format: 'csv' | 'xlsx' }) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ modules: string[]; format: 'csv' | 'xlsx' }>();
  return (
    <Modal open={props.open} title={t('backups.important')} okText={t('backups.exportNow')} cancelText={t('common.cancel')} confirmLoading={props.busy} onCancel={props.onCancel} onOk={() => form.submit()} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('backups.importantIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ format: 'xlsx', modules: props.modules.slice(0, 2).map((module) => module.value) }} onFinish={props.onSubmit}>
        <Form.Item name="modules" label={t('backups.modules')} rules={[{ required: true, message: t('validation.required') }]}>
          <Checkbox.Group options={props.modules} data-testid="backup-modules" />
        </Form.Item>
        <Form.Item name="format" label={t('backups.format')}>
          <Radio.Group options={[{ value: 'xlsx', label: 'Excel (xlsx)' }, { value: 'csv', label: 'CSV' }]} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RestoreDialog({ backup, onClose, onRestored }: { backup: BackupRow | null; onClose: () => void; onRestored: (result: z.infer<typeof restoredSchema>) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async ({ password }: { password: string }) => {
    if (!backup) return;
    setBusy(true);
    setProblem(null);
    try {
      onRestored(await api.post(restoredSchema, `/api/backups/${backup.id}/restore`, { password }));
      form.resetFields();
    } catch (error) {
      if (isApiError(error) && error.fields.password) form.setFields([{ name: 'password', errors: [error.fields.password] }]);
      else setProblem(problemOf(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={backup !== null}
      title={t('backups.restoreTitle')}
      okText={t('backups.restoreNow')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onCancel={() => {
        setProblem(null);
        onClose();
      }}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {backup && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert type="warning" showIcon title={t('backups.restoreWarning', { time: formatDateTime(backup.startedAt), id: backup.id })} />
          {problem && <Alert type="error" showIcon title={problem} data-testid="backup-restore-problem" />}
          <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
            <Form.Item name="password" label={t('backups.password')} rules={[{ required: true, message: t('validation.required') }]}>
              <Input.Password autoComplete="current-password" data-testid="backup-password" />
            </Form.Item>
          </Form>
        </Space>
      )}
    </Modal>
  );
}

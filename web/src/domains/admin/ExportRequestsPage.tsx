import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography, type TableColumnType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { downloadFrom } from '../../entity/ExportApproval.tsx';
import { entityByPlural } from '../../entity/entity-lookup.ts';
import { formatDateTime } from '../../entity/format-value.ts';

const requestSchema = z.looseObject({
  id: z.number(),
  module: z.string(),
  format: z.string(),
  rowCount: z.number(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'downloaded', 'expired']),
  requesterName: z.string(),
  createdAt: z.string(),
  deciderName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  expiresAt: z.string().nullable(),
  canDecide: z.boolean(),
  canDownload: z.boolean(),
});
type ExportRequest = z.infer<typeof requestSchema>;
const pageSchema = z.looseObject({ items: z.array(requestSchema), total: z.number() });
const statusColors: Record<ExportRequest['status'], string> = { pending: 'gold', approved: 'green', rejected: 'red', downloaded: 'blue', expired: 'default' };

/** Exports above the row limit: requesters follow and download theirs; managers approve or reject those in their scope. */
export function ExportRequestsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  usePageTitle(t('menu.exportRequest'));
  const [status, setStatus] = useState<string>();
  const [page, setPage] = useState(1);
  const [rejecting, setRejecting] = useState<ExportRequest>();
  const [form] = Form.useForm<{ note: string }>();
  const search = new URLSearchParams({ page: String(page), pageSize: '20', ...(status ? { status } : {}) });
  const requests = useQuery({
    queryKey: ['export-requests', search.toString()],
    queryFn: ({ signal }) => api.get(pageSchema, `/api/export-requests?${search.toString()}`, signal),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['export-requests'] });

  const decide = async (row: ExportRequest, decision: 'approve' | 'reject', note?: string) => {
    try {
      await api.post(z.unknown(), `/api/export-requests/${row.id}/${decision}`, note ? { note } : {});
      void message.success(t(decision === 'approve' ? 'exportRequest.approved' : 'exportRequest.rejected'));
      setRejecting(undefined);
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const columns: TableColumnType<ExportRequest>[] = [
    { key: 'createdAt', title: t('exportRequest.createdAt'), render: (_, row) => formatDateTime(row.createdAt) },
    {
      key: 'module',
      title: t('exportRequest.module'),
      render: (_, row) => {
        const entity = entityByPlural(row.module);
        return entity ? labelOf(entity.label, i18n.language) : row.module;
      },
    },
    { key: 'rows', title: t('exportRequest.rows'), align: 'right', render: (_, row) => row.rowCount.toLocaleString(i18n.language) },
    { key: 'requester', title: t('exportRequest.requester'), dataIndex: 'requesterName' },
    { key: 'reason', title: t('exportRequest.reason'), dataIndex: 'reason', ellipsis: true },
    {
      key: 'status',
      title: t('exportRequest.status'),
      render: (_, row) => (
        <Tag color={statusColors[row.status]} data-testid={`export-request-status-${row.id}`}>
          {t(`exportRequest.state.${row.status}`)}
        </Tag>
      ),
    },
    {
      key: 'decision',
      title: t('exportRequest.decision'),
      render: (_, row) =>
        row.decidedAt ? (
          <Typography.Text type="secondary">
            {row.deciderName} · {formatDateTime(row.decidedAt)}
            {row.decisionNote ? ` · ${row.decisionNote}` : ''}
          </Typography.Text>
        ) : (
          '-'
        ),
    },
    {
      key: 'actions',
      title: t('list.actions'),
      render: (_, row) => (
        <Space>
          {row.canDecide && (
            <>
              <Button size="small" type="primary" onClick={() => void decide(row, 'approve')} data-testid={`export-request-approve-${row.id}`}>
                {t('exportRequest.approve')}
              </Button>
              <Button size="small" danger onClick={() => (form.resetFields(), setRejecting(row))} data-testid={`export-request-reject-${row.id}`}>
                {t('exportRequest.reject')}
              </Button>
            </>
          )}
          {row.canDownload && (
            <Button
              size="small"
              onClick={() => {
                downloadFrom(`/api/export-requests/${row.id}/download`);
                setTimeout(refresh, 1500);
              }}
              data-testid={`export-request-download-${row.id}`}
            >
              {t('exportRequest.download')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card className="page-card" size="small">
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          placeholder={t('exportRequest.status')}
          style={{ width: 160 }}
          value={status}
          onChange={(value) => (setStatus(value), setPage(1))}
          options={(['pending', 'approved', 'rejected', 'downloaded', 'expired'] as const).map((value) => ({ value, label: t(`exportRequest.state.${value}`) }))}
          data-testid="export-request-status-filter"
        />
        <Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('list.reload')} />
      </Space>
      <Typography.Paragraph type="secondary">{t('exportRequest.help')}</Typography.Paragraph>
      <Table<ExportRequest>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={requests.data?.items ?? []}
        loading={requests.isFetching}
        pagination={{ current: page, pageSize: 20, total: requests.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('list.total', { total }) }}
        scroll={{ x: 'max-content' }}
        data-testid="export-request-table"
      />
      <Modal
        open={!!rejecting}
        title={t('exportRequest.reject')}
        onCancel={() => setRejecting(undefined)}
        onOk={async () => {
          const { note } = await form.validateFields();
          if (rejecting) await decide(rejecting, 'reject', note);
        }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="note" label={t('exportRequest.note')} rules={[{ required: true, min: 2, message: t('exportRequest.noteRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

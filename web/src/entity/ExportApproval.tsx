import type { ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import { App, Form, Input, Modal, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import { api } from '../app/api-client.ts';
import { errorMessage } from '../app/error-message.ts';
import { entityApi } from './entity-api.ts';
import { exportableFilters, toExportParams } from './list-filters.ts';
import { formatNumber } from './format-value.ts';

type Format = 'csv' | 'xlsx';
const preflightSchema = z.object({ rows: z.number(), limit: z.number(), approvalRequired: z.boolean() });

interface Pending {
  format: Format;
  rows: number;
  limit: number;
  body: Record<string, unknown>;
}

/** Clicks a link so the browser downloads the streamed file itself (no copy of it in page memory). */
export function downloadFrom(url: string) {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Export of the current filter: asks the server how many rows it holds first; above the approval limit it
 * opens a request form (reason required) instead of downloading.
 */
export function useExport(entity: Entity): { startExport: (format: Format, query: ListQuery, columns: string[]) => Promise<void>; dialog: ReactNode } {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [pending, setPending] = useState<Pending>();
  const [submitting, setSubmitting] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  // The message renders outside the router's tree: it navigates through the page's hook, not a <Link>.
  const navigate = useNavigate();

  const startExport = async (format: Format, query: ListQuery, columns: string[]) => {
    const body = { format, ...(query.q ? { q: query.q } : {}), filters: exportableFilters(entity, query.filters), ...(columns.length ? { columns } : {}) };
    try {
      const check = await api.post(preflightSchema, `/api/${entity.plural}/export/preflight`, body);
      if (!check.approvalRequired) {
        downloadFrom(entityApi.exportUrl(entity, format, toExportParams(entity, query), columns));
        return;
      }
      form.resetFields();
      setPending({ format, rows: check.rows, limit: check.limit, body });
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const submit = async () => {
    if (!pending) return;
    const { reason } = await form.validateFields();
    setSubmitting(true);
    try {
      await api.post(z.unknown(), '/api/export-requests', { module: entity.plural, reason, ...pending.body });
      setPending(undefined);
      void message.success(
        <span data-testid="export-request-sent">
          {t('exportRequest.sent')} <a onClick={() => navigate('/admin/export-requests')}>{t('exportRequest.open')}</a>
        </span>,
      );
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setSubmitting(false);
    }
  };

  const dialog = (
    <Modal
      open={!!pending}
      title={t('exportRequest.title')}
      okText={t('exportRequest.submit')}
      onOk={submit}
      confirmLoading={submitting}
      onCancel={() => setPending(undefined)}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'export-request-submit' } as Record<`data-${string}`, string>}
    >
      <Typography.Paragraph data-testid="export-request-intro">
        {t('exportRequest.intro', { rows: pending ? formatNumber(pending.rows) : '', limit: pending ? formatNumber(pending.limit) : '' })}
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('exportRequest.reason')}
          rules={[
            { required: true, message: t('exportRequest.reasonRequired') },
            { min: 5, message: t('exportRequest.reasonRequired') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="export-request-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
  return { startExport, dialog };
}

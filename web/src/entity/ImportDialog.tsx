import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { Alert, Button, Modal, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { isApiError, request } from '../app/api-client.ts';
import { errorMessage, reasonMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';

const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const resultSchema = z.looseObject({ valid: z.number(), imported: z.number() });
const problemsSchema = z.looseObject({
  total: z.number().optional(),
  reportId: z.string().optional(),
  problems: z.array(z.looseObject({ row: z.number(), column: z.string(), reason: z.string() })).default([]),
});
type Problems = z.infer<typeof problemsSchema>;
type Problem = Problems['problems'][number];

type Outcome = { kind: 'checked' | 'imported'; count: number } | { kind: 'problems'; problems: Problems } | { kind: 'error'; text: string };

interface ImportDialogProps {
  entity: Entity;
  open: boolean;
  onClose: () => void;
  onImported: () => void;
}

/** xlsx import: template download, optional dry run, all-or-nothing import with a per-row error report. */
export function ImportDialog({ entity, open, onClose, onImported }: ImportDialogProps) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [isBusy, setIsBusy] = useState(false);

  const close = () => {
    setFile(undefined);
    setOutcome(undefined);
    onClose();
  };

  const send = async (isDryRun: boolean) => {
    if (!file) return;
    setIsBusy(true);
    setOutcome(undefined);
    try {
      const path = `/api/${entity.plural}/import?dryRun=${isDryRun ? 'true' : 'false'}`;
      const result = resultSchema.parse(await request('POST', path, { raw: { data: file, contentType: xlsxMime } }));
      setOutcome(isDryRun ? { kind: 'checked', count: result.valid } : { kind: 'imported', count: result.imported });
      if (!isDryRun) onImported();
    } catch (error) {
      const parsed = isApiError(error) && error.code === 'IMPORT_INVALID' ? problemsSchema.safeParse(error.params) : undefined;
      setOutcome(parsed?.success ? { kind: 'problems', problems: parsed.data } : { kind: 'error', text: errorMessage(error, t) });
    } finally {
      setIsBusy(false);
    }
  };

  const templateUrl = `/api/${entity.plural}/import-template?lang=${i18n.language === 'en-US' ? 'en' : 'zh'}`;
  return (
    <Modal
      open={open}
      title={`${t('import.title')} · ${labelOf(entity.label, i18n.language)}`}
      onCancel={close}
      width={720}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={close}>{t('common.close')}</Button>
          <Button disabled={!file} loading={isBusy} onClick={() => void send(true)} data-testid="import-check">
            {t('import.check')}
          </Button>
          <Button type="primary" disabled={!file} loading={isBusy} onClick={() => void send(false)} data-testid="import-submit">
            {t('import.submit')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
      <Button icon={<DownloadOutlined />} href={templateUrl} download style={{ marginBottom: 12 }} data-testid="import-template">
        {t('import.template')}
      </Button>
      <Upload.Dragger
        accept=".xlsx"
        maxCount={1}
        fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
        beforeUpload={(chosen) => {
          setFile(chosen);
          setOutcome(undefined);
          return false;
        }}
        onRemove={() => {
          setFile(undefined);
          setOutcome(undefined);
        }}
        data-testid="import-file"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('import.drop')}</p>
      </Upload.Dragger>
      {outcome?.kind === 'checked' && <Alert type="success" showIcon title={t('import.checked', { count: outcome.count })} style={{ marginTop: 12 }} />}
      {outcome?.kind === 'imported' && <Alert type="success" showIcon title={t('import.imported', { count: outcome.count })} style={{ marginTop: 12 }} data-testid="import-done" />}
      {outcome?.kind === 'error' && <Alert type="error" showIcon title={outcome.text} style={{ marginTop: 12 }} />}
      {outcome?.kind === 'problems' && (
        <div style={{ marginTop: 12 }} data-testid="import-problems">
          <Alert
            type="error"
            showIcon
            title={t('import.problems', { count: outcome.problems.total ?? outcome.problems.problems.length })}
            action={
              outcome.problems.reportId ? (
                <Button size="small" href={`/api/import-reports/${outcome.problems.reportId}`} download>
                  {t('import.report')}
                </Button>
              ) : undefined
            }
          />
          <Table<Problem>
            size="small"
            rowKey={(problem) => `${problem.row}:${problem.column}:${problem.reason}`}
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            dataSource={outcome.problems.problems}
            columns={[
              { key: 'row', title: t('import.row'), dataIndex: 'row', width: 80 },
              { key: 'column', title: t('import.column'), dataIndex: 'column' },
              { key: 'reason', title: t('import.reason'), render: (_value: unknown, problem: Problem) => reasonMessage(problem.reason, t) },
            ]}
            style={{ marginTop: 8 }}
          />
        </div>
      )}
    </Modal>
  );
}

import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, List, Popconfirm, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, request } from '../app/api-client.ts';
import { errorMessage } from '../app/error-message.ts';
import type { EntityRow } from './entity-api.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { formatDateTime } from './format-value.ts';
import { formatNumber } from './format-value.ts';

const attachmentSchema = z.looseObject({
  id: z.number(),
  fileName: z.string(),
  sizeBytes: z.number().optional(),
  createdAt: z.string().optional(),
});
const listSchema = z.looseObject({
  items: z.array(attachmentSchema),
  allowedExtensions: z.array(z.string()).optional(),
  maxBytes: z.number().optional(),
});

const formatSize = (bytes: number | undefined): string => {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, undefined, 1)} KB`;
  return `${formatNumber(bytes / 1024 / 1024, undefined, 1)} MB`;
};

/** Files attached to a record (entity.attachments): download, upload and remove when editable. */
export function AttachmentList({ entity, row }: { entity: Entity; row: EntityRow }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [isUploading, setIsUploading] = useState(false);
  const key = [...entityQueryKey(entity, 'attachments', row.id)];
  const files = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get(listSchema, `/api/${entity.plural}/${row.id}/attachments`, signal) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: entityQueryKey(entity, 'history', row.id) });
  };

  const upload = async (file: File) => {
    const maxBytes = files.data?.maxBytes;
    if (maxBytes !== undefined && file.size > maxBytes) {
      void message.error(t('attachments.tooLarge', { size: formatSize(maxBytes) }));
      return;
    }
    setIsUploading(true);
    try {
      const path = `/api/${entity.plural}/${row.id}/attachments?fileName=${encodeURIComponent(file.name)}`;
      await request('POST', path, { raw: { data: file, contentType: 'application/octet-stream' } });
      void message.success(t('attachments.uploaded'));
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setIsUploading(false);
    }
  };

  const remove = async (id: number) => {
    try {
      await api.remove(`/api/attachments/${id}`);
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const extensions = files.data?.allowedExtensions ?? [];
  return (
    <div data-testid="attachments">
      {row.can.edit && (
        <div style={{ marginBottom: 12 }}>
          <Upload
            showUploadList={false}
            accept={extensions.map((extension) => (extension.startsWith('.') ? extension : `.${extension}`)).join(',')}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={isUploading} data-testid="attachment-upload">
              {t('attachments.upload')}
            </Button>
          </Upload>
          {extensions.length > 0 && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 12 }}>
              {t('attachments.hint', { extensions: extensions.join(', '), size: formatSize(files.data?.maxBytes) })}
            </Typography.Text>
          )}
        </div>
      )}
      <List
        size="small"
        bordered
        loading={files.isLoading}
        locale={{ emptyText: files.isError ? errorMessage(files.error, t) : t('attachments.empty') }}
        dataSource={files.data?.items ?? []}
        renderItem={(file) => (
          <List.Item
            actions={
              row.can.edit
                ? [
                    <Popconfirm key="remove" title={t('attachments.removeConfirm', { name: file.fileName })} onConfirm={() => remove(file.id)} okButtonProps={{ danger: true }}>
                      <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                    </Popconfirm>,
                  ]
                : undefined
            }
          >
            <List.Item.Meta
              avatar={<PaperClipOutlined />}
              title={
                <a href={`/api/attachments/${file.id}/download`} download>
                  {file.fileName}
                </a>
              }
              description={[formatSize(file.sizeBytes), file.createdAt ? formatDateTime(file.createdAt) : ''].filter(Boolean).join(' · ')}
            />
          </List.Item>
        )}
      />
    </div>
  );
}

import { DeleteOutlined, DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { Button, Dropdown, Segmented, Space, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';

interface ListToolbarProps {
  entity: Entity;
  canCreate: boolean;
  canDelete: boolean;
  canExport: boolean;
  selectedCount: number;
  /** Starts an export: a direct download, or an approval request when the rows exceed the limit. */
  onExport: (format: 'csv' | 'xlsx') => void;
  onAdd: () => void;
  onBatchDelete: () => void;
  onReload: () => void;
  /** Present when the user may import into this module. */
  onImport: (() => void) | undefined;
  columnSettings: ReactNode;
  /** Saved views and default filters of this list. */
  savedViews: ReactNode;
  view: { value: string; options: { value: string; label: string; icon: ReactNode }[]; onChange: (value: string) => void } | undefined;
}

export function ListToolbar(props: ListToolbarProps) {
  const { entity, canCreate, canDelete, canExport, selectedCount, onExport, onAdd, onBatchDelete, onReload, onImport, columnSettings, savedViews, view } = props;
  const { t, i18n } = useTranslation();
  return (
    <div className="list-toolbar">
      <Space wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {labelOf(entity.label, i18n.language)}
        </Typography.Title>
        {view && <Segmented size="small" value={view.value} options={view.options} onChange={(value) => view.onChange(String(value))} data-testid="list-view" />}
        {savedViews}
      </Space>
      <Space wrap>
        {canDelete && selectedCount > 0 && (
          <Button danger icon={<DeleteOutlined />} onClick={onBatchDelete} data-testid="list-batch-delete">
            {t('list.batchDelete', { count: selectedCount })}
          </Button>
        )}
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="list-add">
            {t('list.add')}
          </Button>
        )}
        {onImport && (
          <Button icon={<UploadOutlined />} onClick={onImport} data-testid="list-import">
            {t('list.import')}
          </Button>
        )}
        {canExport && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'xlsx', label: <span data-testid="export-xlsx">{t('list.exportXlsx')}</span> },
                { key: 'csv', label: <span data-testid="export-csv">{t('list.exportCsv')}</span> },
              ],
              onClick: ({ key }) => onExport(key as 'csv' | 'xlsx'),
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="list-export">
              {t('list.export')}
            </Button>
          </Dropdown>
        )}
        <Tooltip title={t('list.reload')}>
          <Button icon={<ReloadOutlined />} onClick={onReload} aria-label={t('list.reload')} data-testid="list-reload" />
        </Tooltip>
        {columnSettings}
      </Space>
    </div>
  );
}

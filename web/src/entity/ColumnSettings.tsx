import { SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Popover, Space, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

interface ColumnSettingsProps {
  columns: { key: string; title: string }[];
  hidden: string[];
  onChange: (hidden: string[]) => void;
}

/** Show/hide list columns. */
export function ColumnSettings({ columns, hidden, onChange }: ColumnSettingsProps) {
  const { t } = useTranslation();
  const hiddenSet = new Set(hidden);
  const content = (
    <Space orientation="vertical" size={4} style={{ maxHeight: 360, overflow: 'auto' }}>
      {columns.map((column) => (
        <Checkbox
          key={column.key}
          checked={!hiddenSet.has(column.key)}
          onChange={(event) =>
            onChange(event.target.checked ? hidden.filter((key) => key !== column.key) : [...hidden, column.key])
          }
        >
          {column.title}
        </Checkbox>
      ))}
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onChange([])}>
        {t('list.resetColumns')}
      </Button>
    </Space>
  );
  return (
    <Popover trigger="click" placement="bottomRight" title={t('list.columns')} content={content}>
      <Tooltip title={t('list.columns')}>
        <Button icon={<SettingOutlined />} aria-label={t('list.columns')} data-testid="list-columns" />
      </Tooltip>
    </Popover>
  );
}

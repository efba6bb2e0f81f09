import { ArrowDownOutlined, ArrowUpOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Popover, Space, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ColumnChoice } from './list-settings.ts';

interface ColumnSettingsProps {
  /** The columns in their current order. */
  columns: { key: string; title: string }[];
  hidden: string[];
  onChange: (choice: ColumnChoice | undefined) => void;
}

/** Show/hide and reorder list columns; the choice is kept per user and list on the server. */
export function ColumnSettings({ columns, hidden, onChange }: ColumnSettingsProps) {
  const { t } = useTranslation();
  const hiddenSet = new Set(hidden);
  const order = columns.map((column) => column.key);
  const move = (index: number, by: number) => {
    const next = [...order];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    onChange({ order: next, hidden });
  };
  const content = (
    <Space orientation="vertical" size={2} style={{ maxHeight: 360, overflow: 'auto' }} data-testid="column-settings">
      {columns.map((column, index) => (
        <Space key={column.key} size={4} style={{ width: '100%', justifyContent: 'space-between' }}>
          <Checkbox
            checked={!hiddenSet.has(column.key)}
            onChange={(event) => onChange({ order, hidden: event.target.checked ? hidden.filter((key) => key !== column.key) : [...hidden, column.key] })}
          >
            {column.title}
          </Checkbox>
          <Space size={0}>
            <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('list.moveUp', { column: column.title })} onClick={() => move(index, -1)} data-testid={`column-up-${column.key}`} />
            <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === columns.length - 1} aria-label={t('list.moveDown', { column: column.title })} onClick={() => move(index, 1)} data-testid={`column-down-${column.key}`} />
          </Space>
        </Space>
      ))}
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onChange(undefined)}>
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

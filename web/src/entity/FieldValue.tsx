import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { labelOf } from '../app/i18n.ts';
import { refsOf, type EntityRow, type RefValue } from './entity-api.ts';
import { detailPath, entityByName } from './entity-lookup.ts';
import { findOption, formatDate, formatDateTime, formatMoney, formatNumber, isBlank } from './format-value.ts';

export function StatusTag({ entity, value }: { entity: Entity; value: string }) {
  const { i18n } = useTranslation();
  const option = findOption(entity.statuses, value);
  return <Tag color={option?.color ?? 'default'}>{option ? labelOf(option.label, i18n.language) : value}</Tag>;
}

function RefLabel({ target, value, asLink }: { target: Entity | undefined; value: RefValue; asLink: boolean }) {
  const { t } = useTranslation();
  const text = value.label || value.code || `#${value.id}`;
  if (value.deleted) {
    return (
      <Space size={4}>
        <Typography.Text delete type="secondary">
          {text}
        </Typography.Text>
        <Tag color="red">{t('entity.deletedRef')}</Tag>
      </Space>
    );
  }
  if (asLink && target) return <Link to={detailPath(target, value.id)}>{text}</Link>;
  return <span>{text}</span>;
}

interface FieldValueProps {
  field: Field;
  name: string;
  row: EntityRow;
  /** References become links to the referenced record (detail view). */
  asLink?: boolean;
  /** A revealed plaintext replacing the masked value. */
  override?: unknown;
}

/** Read-only rendering of one field of a row, shared by table cells and the detail drawer. */
export function FieldValue({ field, name, row, asLink = false, override }: FieldValueProps) {
  const { t, i18n } = useTranslation();
  const value = override === undefined ? row[name] : override;

  if (field.kind === 'ref' || field.kind === 'refMany') {
    const refs = refsOf(row, name);
    if (refs.length === 0) return isBlank(value) || (Array.isArray(value) && value.length === 0) ? <span>-</span> : <span>{String(value)}</span>;
    const target = entityByName(field.entity);
    return (
      <Space size={[4, 4]} wrap>
        {refs.map((ref) => (
          <RefLabel key={ref.id} target={target} value={ref} asLink={asLink} />
        ))}
      </Space>
    );
  }
  if (isBlank(value)) return <span>-</span>;
  switch (field.kind) {
    case 'enum': {
      const option = findOption(field.options, value);
      return option ? <Tag color={option.color}>{labelOf(option.label, i18n.language)}</Tag> : <span>{String(value)}</span>;
    }
    case 'bool':
      return <Tag color={value ? 'green' : 'default'}>{value ? t('common.yes') : t('common.no')}</Tag>;
    case 'money':
      return <span>{typeof value === 'number' ? formatMoney(value, i18n.language) : String(value)}</span>;
    case 'datetime':
      return <span>{formatDateTime(String(value), i18n.language)}</span>;
    case 'date':
      return <span>{formatDate(String(value), i18n.language)}</span>;
    case 'int':
    case 'decimal':
      return <span>{typeof value === 'number' ? formatNumber(value, i18n.language) : String(value)}</span>;
    case 'permissions':
      return <span>{t('entity.permissionCount', { count: Array.isArray(value) ? value.length : 0 })}</span>;
    case 'textarea':
      return <span style={{ whiteSpace: 'pre-wrap' }}>{String(value)}</span>;
    default:
      return <span>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</span>;
  }
}

import type { Entity } from '@insure/model/entity';
import { Descriptions, Space, type DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { customValuesOf, useCustomFields } from './custom-fields.ts';
import type { EntityRow } from './entity-api.ts';
import { visibleFields } from './entity-lookup.ts';
import { FieldValue, StatusTag } from './FieldValue.tsx';
import { formatDateTime, isBlank } from './format-value.ts';
import { RevealButton } from './RevealButton.tsx';

interface DetailFieldsProps {
  entity: Entity;
  row: EntityRow;
  /** Columns on wide screens (one on phones). */
  columns?: number;
  /** Fields left out (shown elsewhere on the page). */
  omit?: readonly string[];
}

/** Every visible field of a record, personal data masked with an audited reveal, then the system fields. */
export function DetailFields({ entity, row, columns = 2, omit = [] }: DetailFieldsProps) {
  const { t, i18n } = useTranslation();
  const isMobile = useIsMobile();
  const [revealed, setRevealed] = useState<Record<string, unknown>>({});
  const customFields = useCustomFields(entity);
  const items: DescriptionsProps['items'] = [
    { key: 'code', label: t('entity.code'), children: row.code ?? `#${row.id}` },
    ...visibleFields(entity)
      .filter(([name]) => !omit.includes(name))
      .map(([name, field]) => {
        const isRevealed = name in revealed;
        const canReveal = field.pii === true && row.can.reveal && !isRevealed && !isBlank(row[name]);
        const label = labelOf(field.label, i18n.language);
        return {
          key: name,
          label,
          span: field.wide || field.kind === 'textarea' || field.kind === 'permissions' ? ('filled' as const) : undefined,
          children: (
            <Space size={4} wrap>
              <FieldValue field={field} name={name} row={row} asLink override={isRevealed ? revealed[name] : undefined} />
              {canReveal && (
                <RevealButton
                  entity={entity}
                  id={row.id}
                  field={name}
                  fieldLabel={label}
                  onRevealed={(value) => setRevealed((current) => ({ ...current, [name]: value }))}
                />
              )}
            </Space>
          ),
        };
      }),
    ...customFields.map(({ key, field }) => ({
      key: `custom.${key}`,
      label: labelOf(field.label, i18n.language),
      children: <FieldValue field={field} name={key} row={row} override={customValuesOf(row)[key] ?? null} />,
    })),
    { key: 'status', label: t('entity.status'), children: <StatusTag entity={entity} value={row.status} /> },
    ...(entity.hasSortIndex ? [{ key: 'sortIndex', label: t('entity.sortIndex'), children: String(row.sortIndex ?? 0) }] : []),
    { key: 'createdAt', label: t('entity.createdAt'), children: row.createdAt ? formatDateTime(row.createdAt) : '-' },
    { key: 'updatedAt', label: t('entity.updatedAt'), children: row.updatedAt ? formatDateTime(row.updatedAt) : '-' },
  ];
  return <Descriptions bordered size="small" column={isMobile ? 1 : columns} items={items} data-testid="detail-fields" />;
}

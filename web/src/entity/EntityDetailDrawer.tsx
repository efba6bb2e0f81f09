import { EditOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Drawer, Result, Skeleton, Space, Tabs, type DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../app/auth-api.ts';
import { useMe } from '../app/AuthProvider.tsx';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { customValuesOf, useCustomFields } from './custom-fields.ts';
import { AttachmentList } from './AttachmentList.tsx';
import { entityApi, type EntityRow } from './entity-api.ts';
import { entityByName, visibleFields } from './entity-lookup.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { FieldValue, StatusTag } from './FieldValue.tsx';
import { formatDateTime, isBlank } from './format-value.ts';
import { HistoryTimeline } from './HistoryTimeline.tsx';
import { RelatedList } from './RelatedList.tsx';
import { RevealButton } from './RevealButton.tsx';

function DetailFields({ entity, row }: { entity: Entity; row: EntityRow }) {
  const { t, i18n } = useTranslation();
  const isMobile = useIsMobile();
  const [revealed, setRevealed] = useState<Record<string, unknown>>({});
  const customFields = useCustomFields(entity);
  const items: DescriptionsProps['items'] = [
    { key: 'code', label: t('entity.code'), children: row.code ?? `#${row.id}` },
    ...visibleFields(entity).map(([name, field]) => {
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
  return <Descriptions bordered size="small" column={isMobile ? 1 : 2} items={items} data-testid="detail-fields" />;
}

interface EntityDetailDrawerProps {
  entity: Entity;
  id: number | undefined;
  onClose: () => void;
  onEdit: (id: number) => void;
}

/** The record, its related records and its change history. */
export function EntityDetailDrawer({ entity, id, onClose, onEdit }: EntityDetailDrawerProps) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const isMobile = useIsMobile();
  const rowQuery = useQuery({
    queryKey: entityQueryKey(entity, 'row', id ?? 0),
    queryFn: ({ signal }) => entityApi.get(entity, id ?? 0, signal),
    enabled: id !== undefined,
  });
  const row = rowQuery.data;
  const titleField = row ? row[entity.titleField] : undefined;
  const title = `${labelOf(entity.label, i18n.language)}${typeof titleField === 'string' ? ` · ${titleField}` : ''}`;

  const relatedLists = (entity.related ?? []).flatMap((related) => {
    const target = entityByName(related.entity);
    return target && hasPermission(me, `${target.name}:view`) ? [{ related, target }] : [];
  });

  const content = () => {
    if (rowQuery.isLoading) return <Skeleton active />;
    if (rowQuery.isError) return <Result status="404" subTitle={errorMessage(rowQuery.error, t)} />;
    if (!row) return null;
    return (
      <Tabs
        items={[
          { key: 'fields', label: t('detail.fields'), children: <DetailFields key={row.id} entity={entity} row={row} /> },
          ...(relatedLists.length > 0
            ? [
                {
                  key: 'related',
                  label: t('detail.related'),
                  children: relatedLists.map(({ related, target }) => (
                    <RelatedList key={`${target.name}.${related.field}`} related={related} target={target} parentId={row.id} />
                  )),
                },
              ]
            : []),
          ...(entity.attachments ? [{ key: 'attachments', label: t('detail.attachments'), children: <AttachmentList entity={entity} row={row} /> }] : []),
          { key: 'history', label: t('detail.history'), children: <HistoryTimeline entity={entity} id={row.id} /> },
        ]}
      />
    );
  };

  return (
    <Drawer
      open={id !== undefined}
      title={title}
      size={isMobile ? '100%' : 760}
      onClose={onClose}
      destroyOnHidden
      extra={
        row?.can.edit ? (
          <Button type="primary" icon={<EditOutlined />} onClick={() => onEdit(row.id)} data-testid="detail-edit">
            {t('list.edit')}
          </Button>
        ) : undefined
      }
      data-testid="detail-drawer"
    >
      {content()}
    </Drawer>
  );
}

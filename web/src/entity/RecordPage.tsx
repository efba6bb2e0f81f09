import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Result, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { hasPermission } from '../app/auth-api.ts';
import { useMe } from '../app/AuthProvider.tsx';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { usePageTitle } from '../app/use-page-title.ts';
import { ForbiddenPage } from '../pages/ForbiddenPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { entityApi, type EntityRow } from './entity-api.ts';
import { listPath } from './entity-lookup.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { EntityForm } from './EntityForm.tsx';
import { StatusTag } from './FieldValue.tsx';
import { WorkflowActions } from './workflow/WorkflowActions.tsx';

/** The record id of a /<page>/:id route, or undefined when it is not a positive whole number. */
export function useRecordId(): number | undefined {
  const { id } = useParams();
  const value = Number(id);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function useRecord(entity: Entity, id: number) {
  return useQuery({
    queryKey: entityQueryKey(entity, 'row', id),
    queryFn: ({ signal }) => entityApi.get(entity, id, signal),
  });
}

interface RecordPageProps {
  entity: Entity;
  id: number;
  /** Header buttons besides the workflow moves and edit. */
  actions?: (row: EntityRow) => ReactNode;
  /** Under the title (key figures). */
  summary?: (row: EntityRow) => ReactNode;
  children: (row: EntityRow) => ReactNode;
  testId: string;
}

/** A record's own page: a header with title, status, workflow moves and edit; then the page's sections. */
export function RecordPage({ entity, id, actions, summary, children, testId }: RecordPageProps) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const [isEditing, setIsEditing] = useState(false);
  const record = useRecord(entity, id);
  const row = record.data;
  const title = row ? row[entity.titleField] : undefined;
  const titleText = typeof title === 'string' && title !== '' ? title : (row?.code ?? `#${id}`);
  usePageTitle(row ? `${titleText} · ${labelOf(entity.label, i18n.language)}` : labelOf(entity.label, i18n.language));

  if (!hasPermission(me, `${entity.name}:view`)) return <ForbiddenPage />;
  if (record.isLoading) return <Card><Skeleton active /></Card>;
  if (record.isError || !row) {
    return (
      <Card>
        <Result status="404" subTitle={errorMessage(record.error, t)} extra={<Link to={listPath(entity)}>{labelOf(entity.label, i18n.language)}</Link>} />
      </Card>
    );
  }

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid={testId}>
      <Card size="small">
        <div className="record-header">
          <div style={{ minWidth: 0 }}>
            <Link to={listPath(entity)} data-testid="record-back">
              <ArrowLeftOutlined /> {labelOf(entity.label, i18n.language)}
            </Link>
            <div className="record-header-title" style={{ marginTop: 6 }}>
              <Typography.Title level={4} data-testid="record-title">
                {titleText}
              </Typography.Title>
              {row.code && titleText !== row.code && <Typography.Text type="secondary">{row.code}</Typography.Text>}
              <StatusTag entity={entity} value={row.status} />
              {row.overdue === true && (
                <Tooltip title={t('list.overdueHint')}>
                  <Tag color="red" data-testid="record-overdue">
                    {t('list.overdue')}
                  </Tag>
                </Tooltip>
              )}
            </div>
          </div>
          <Space wrap size={8}>
            {entity.workflow && <WorkflowActions entity={entity} row={row} />}
            {actions?.(row)}
            {row.can.edit && (
              <Button icon={<EditOutlined />} onClick={() => setIsEditing(true)} aria-label={t('list.edit')} data-testid="detail-edit">
                {isMobile ? undefined : t('list.edit')}
              </Button>
            )}
          </Space>
        </div>
        {summary && <div style={{ marginTop: 16 }}>{summary(row)}</div>}
      </Card>
      {children(row)}
      <EntityForm
        entity={entity}
        target={isEditing ? { mode: 'edit', id: row.id } : undefined}
        onClose={() => setIsEditing(false)}
        onSaved={() => {
          setIsEditing(false);
          void queryClient.invalidateQueries({ queryKey: ['entity'] });
        }}
      />
    </Space>
  );
}

/** The page of a record id taken from the route (or Not found). */
export function RecordRoute({ render }: { render: (id: number) => ReactNode }) {
  const id = useRecordId();
  return id === undefined ? <NotFoundPage /> : render(id);
}

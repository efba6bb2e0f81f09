import { EditOutlined, ExportOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Result, Skeleton, Space, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { hasPermission } from '../app/auth-api.ts';
import { useMe } from '../app/AuthProvider.tsx';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { AttachmentList } from './AttachmentList.tsx';
import { DetailFields } from './DetailFields.tsx';
import { entityApi } from './entity-api.ts';
import { entityByName, recordPagePath } from './entity-lookup.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { HistoryTimeline } from './HistoryTimeline.tsx';
import { RelatedList } from './RelatedList.tsx';
import { WorkflowActions } from './workflow/WorkflowActions.tsx';
import { WorkflowTimeline } from './workflow/WorkflowTimeline.tsx';

interface EntityDetailDrawerProps {
  entity: Entity;
  id: number | undefined;
  onClose: () => void;
  onEdit: (id: number) => void;
}

/** The record, its workflow moves and timeline, its related records and its change history. */
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
  const navigate = useNavigate();
  const pagePath = row ? recordPagePath(entity, row.id) : undefined;
  const pageLabel = entity.name === 'customer' ? t('customer360.open') : t('detail.openPage');

  const relatedLists = (entity.related ?? []).flatMap((related) => {
    const target = entityByName(related.entity);
    return target && hasPermission(me, `${target.name}:view`) ? [{ related, target }] : [];
  });

  const content = () => {
    if (rowQuery.isLoading) return <Skeleton active />;
    if (rowQuery.isError) return <Result status="404" subTitle={errorMessage(rowQuery.error, t)} />;
    if (!row) return null;
    return (
      <>
        {entity.workflow && row.can.actions.length > 0 && (
          <div style={{ marginBottom: 12 }}>
            <WorkflowActions entity={entity} row={row} />
          </div>
        )}
        <Tabs
          items={[
            { key: 'fields', label: t('detail.fields'), children: <DetailFields key={row.id} entity={entity} row={row} /> },
            ...(entity.workflow ? [{ key: 'timeline', label: t('workflow.timeline'), children: <WorkflowTimeline entity={entity} id={row.id} /> }] : []),
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
          ].map((item) => ({ ...item, label: <span data-testid={`tab-${item.key}`}>{item.label}</span> }))}
        />
      </>
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
        <Space size={8}>
          {pagePath && (
            <Button
              icon={<ExportOutlined />}
              onClick={() => navigate(pagePath)}
              aria-label={pageLabel}
              data-testid="detail-page"
            >
              {isMobile ? undefined : pageLabel}
            </Button>
          )}
          {row?.can.edit && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => onEdit(row.id)} aria-label={t('list.edit')} data-testid="detail-edit">
              {isMobile ? undefined : t('list.edit')}
            </Button>
          )}
        </Space>
      }
      data-testid="detail-drawer"
    >
      {content()}
    </Drawer>
  );
}

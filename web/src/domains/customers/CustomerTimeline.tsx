import { getEntity } from '@insure/model/registry';
import { useQuery } from '@tanstack/react-query';
import { Empty, Result, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { i18n as i18nInstance, labelOf } from '../../app/i18n.ts';
import { entityApi, type EntityRow, type HistoryItem } from '../../entity/entity-api.ts';
import { detailPath } from '../../entity/entity-lookup.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { formatDateTime, isBlank } from '../../entity/format-value.ts';
import { customerEntity } from './customer-api.ts';

const interactionEntity = getEntity('interaction');
const shownInteractions = 50;

type Entry = { at: string; key: string } & ({ kind: 'history'; item: HistoryItem } | { kind: 'interaction'; row: EntityRow });

function HistoryEntry({ item }: { item: HistoryItem }) {
  const { t, i18n } = useTranslation();
  const actionKey = `history.actions.${item.action}`;
  const changed = Object.keys(item.changes ?? {}).flatMap((name) => {
    const field = customerEntity.fields[name];
    return field ? [labelOf(field.label, i18n.language)] : [];
  });
  return (
    <div>
      <Space size={6} wrap>
        <Tag>{t('customer360.profileChange')}</Tag>
        <Typography.Text strong>{i18nInstance.exists(actionKey) ? t(actionKey) : item.action}</Typography.Text>
        <Typography.Text type="secondary">{item.actorName ?? t('history.system')}</Typography.Text>
      </Space>
      {changed.length > 0 && (
        <div>
          <Typography.Text type="secondary">{changed.join(t('common.separator'))}</Typography.Text>
        </div>
      )}
    </div>
  );
}

function InteractionEntry({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const fields = interactionEntity.fields;
  return (
    <div>
      <Space size={6} wrap>
        <FieldValue field={fields.type!} name="type" row={row} />
        <Link to={detailPath(interactionEntity, row.id)}>{typeof row.subject === 'string' ? row.subject : (row.code ?? `#${row.id}`)}</Link>
        {!isBlank(row.channel) && <FieldValue field={fields.channel!} name="channel" row={row} />}
        {!isBlank(row.ownerId) && (
          <Typography.Text type="secondary">
            <FieldValue field={fields.ownerId!} name="ownerId" row={row} />
          </Typography.Text>
        )}
      </Space>
      {typeof row.result === 'string' && row.result !== '' && (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }} ellipsis={{ rows: 2 }}>
          {t('customer360.result')}: {row.result}
        </Typography.Paragraph>
      )}
    </div>
  );
}

/** The customer's story by date, newest first: profile changes (history) and relationship records. */
export function CustomerTimeline({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const mayInteractions = hasPermission(me, 'interaction:view');
  const history = useQuery({ queryKey: entityQueryKey(customerEntity, 'history', customerId), queryFn: ({ signal }) => entityApi.history(customerEntity, customerId, signal) });
  const interactionQuery = { page: 1, pageSize: shownInteractions, sort: 'occurredAt', order: 'desc' as const, filters: { customerId: [customerId] } };
  const interactions = useQuery({
    queryKey: [...entityQueryKey(interactionEntity, 'related'), interactionQuery],
    queryFn: () => entityApi.query(interactionEntity, interactionQuery),
    enabled: mayInteractions,
  });
  if (history.isLoading || (mayInteractions && interactions.isLoading)) return <Skeleton active />;
  if (history.isError) return <Result status="warning" subTitle={errorMessage(history.error, t)} />;

  const entries: Entry[] = [
    ...(history.data ?? []).map((item): Entry => ({ kind: 'history', at: item.at, key: `h${item.id}`, item })),
    ...(interactions.data?.items ?? []).map((row): Entry => ({ kind: 'interaction', at: typeof row.occurredAt === 'string' ? row.occurredAt : (row.createdAt ?? ''), key: `i${row.id}`, row })),
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  if (entries.length === 0) return <Empty description={t('customer360.noEvents')} />;

  return (
    <Timeline
      data-testid="customer-timeline"
      items={entries.map((entry) => ({
        key: entry.key,
        color: entry.kind === 'interaction' ? 'green' : 'gray',
        content: (
          <>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(entry.at)}
            </Typography.Text>
            {entry.kind === 'history' ? <HistoryEntry item={entry.item} /> : <InteractionEntry row={entry.row} />}
          </>
        ),
      }))}
    />
  );
}

import type { Entity } from '@insure/model/entity';
import { useQuery } from '@tanstack/react-query';
import { Empty, Result, Skeleton, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../app/error-message.ts';
import { i18n as i18nInstance, labelOf } from '../app/i18n.ts';
import { entityApi, type HistoryItem } from './entity-api.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { findOption, formatDateTime, formatPlain } from './format-value.ts';

const actionColors: Record<string, string> = { create: 'green', update: 'blue', delete: 'red', restore: 'orange' };

function ChangeLines({ entity, changes }: { entity: Entity; changes: NonNullable<HistoryItem['changes']> }) {
  const { t, i18n } = useTranslation();
  const plain = (name: string, value: unknown): string => {
    if (name === 'status') {
      const option = findOption(entity.statuses, value);
      return option ? labelOf(option.label, i18n.language) : formatPlain(undefined, value, i18n.language, '', '');
    }
    return formatPlain(entity.fields[name], value, i18n.language, t('common.yes'), t('common.no'));
  };
  const fieldLabel = (name: string) => {
    const field = entity.fields[name];
    if (field) return labelOf(field.label, i18n.language);
    const systemKey = `entity.${name}`;
    return i18nInstance.exists(systemKey) ? t(systemKey) : name;
  };
  const isChange = (value: unknown): value is { before?: unknown; after?: unknown } =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && ('before' in value || 'after' in value);
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {Object.entries(changes).map(([name, change]) => (
        <li key={name}>
          <Typography.Text strong>{fieldLabel(name)}</Typography.Text>
          {': '}
          {isChange(change) ? (
            <>
              <Typography.Text type="secondary" delete>
                {plain(name, change.before)}
              </Typography.Text>
              {' → '}
              <Typography.Text>{plain(name, change.after)}</Typography.Text>
            </>
          ) : (
            <Typography.Text>{Array.isArray(change) ? change.map((item) => fieldLabel(String(item))).join(', ') : formatPlain(undefined, change, i18n.language, '', '')}</Typography.Text>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The record's change history: who changed what, when, with before → after values. */
export function HistoryTimeline({ entity, id }: { entity: Entity; id: number }) {
  const { t, i18n } = useTranslation();
  const history = useQuery({
    queryKey: entityQueryKey(entity, 'history', id),
    queryFn: ({ signal }) => entityApi.history(entity, id, signal),
  });
  if (history.isLoading) return <Skeleton active />;
  if (history.isError) return <Result status="warning" subTitle={errorMessage(history.error, t)} />;
  const items = history.data ?? [];
  if (items.length === 0) return <Empty description={t('detail.noHistory')} />;

  const actionLabel = (action: string) => {
    if (action.startsWith('transition:')) {
      const move = entity.workflow?.transitions.find((transition) => `transition:${transition.action}` === action);
      return t('history.actions.transition', { action: move ? labelOf(move.label, i18n.language) : action.slice('transition:'.length) });
    }
    const key = `history.actions.${action}`;
    return i18nInstance.exists(key) ? t(key) : action;
  };
  return (
    <Timeline
      data-testid="history-timeline"
      items={items.map((item) => ({
        key: String(item.id),
        color: actionColors[item.action] ?? (item.action.startsWith('transition:') ? 'purple' : 'gray'),
        title: formatDateTime(item.at),
        content: (
          <div>
            <div style={{ marginBottom: 4 }}>
              <Tag color={actionColors[item.action] ?? (item.action.startsWith('transition:') ? 'purple' : undefined)}>{actionLabel(item.action)}</Tag>
              <Typography.Text>{item.actorName ?? t('history.system')}</Typography.Text>
              {item.ip && <Typography.Text type="secondary"> · {item.ip}</Typography.Text>}
            </div>
            {item.changes && Object.keys(item.changes).length > 0 && <ChangeLines entity={entity} changes={item.changes} />}
          </div>
        ),
      }))}
    />
  );
}

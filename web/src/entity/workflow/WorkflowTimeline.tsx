import type { Entity } from '@insure/model/entity';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Empty, Result, Skeleton, Space, Timeline, Typography, theme } from 'antd';
import type { GlobalToken } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { entityApi } from '../entity-api.ts';
import { entityByName } from '../entity-lookup.ts';
import { entityQueryKey } from '../entity-query-keys.ts';
import { StatusTag } from '../FieldValue.tsx';
import { findOption, formatDateTime, formatPlain } from '../format-value.ts';
import { transitionOf, workflowApi, type TimelineItem } from './workflow-api.ts';

const presetColors = ['blue', 'purple', 'cyan', 'green', 'magenta', 'pink', 'red', 'orange', 'yellow', 'volcano', 'geekblue', 'gold', 'lime'] as const;
type PresetColor = (typeof presetColors)[number];
const isPreset = (color: string): color is PresetColor => (presetColors as readonly string[]).includes(color);

/** The dot colour of a status: its declared tag colour as a theme colour. */
function statusColor(entity: Entity, status: string, token: GlobalToken): string {
  const color = findOption(entity.statuses, status)?.color ?? 'default';
  if (color === 'processing') return token.colorPrimary;
  if (color === 'success') return token.colorSuccess;
  if (color === 'error') return token.colorError;
  if (color === 'warning') return token.colorWarning;
  return isPreset(color) ? token[color] : token.colorTextQuaternary;
}

/** Labels of the records that timeline data points at (the handler chosen on "accept"…), by field. */
function useRefLabels(entity: Entity, items: TimelineItem[]): (field: string, id: unknown) => string | undefined {
  const wanted = new Map<string, Set<number>>();
  for (const item of items) {
    for (const [name, value] of Object.entries(item.data ?? {})) {
      const field = entity.fields[name];
      if (field?.kind === 'ref' && typeof value === 'number') wanted.set(field.entity, (wanted.get(field.entity) ?? new Set()).add(value));
    }
  }
  const targets = [...wanted].flatMap(([name, ids]) => {
    const target = entityByName(name);
    return target ? [{ target, ids: [...ids].sort((a, b) => a - b) }] : [];
  });
  const results = useQueries({
    queries: targets.map(({ target, ids }) => ({
      queryKey: [...entityQueryKey(target, 'options-by-id'), ids.join(',')],
      queryFn: ({ signal }: { signal: AbortSignal }) => entityApi.options(target, { ids }, signal),
      staleTime: 60_000,
    })),
  });
  return (name, id) => {
    const field = entity.fields[name];
    if (field?.kind !== 'ref') return undefined;
    const index = targets.findIndex(({ target }) => target.name === field.entity);
    const option = results[index]?.data?.find((candidate) => candidate.id === id);
    return option ? option.label || option.code || undefined : undefined;
  };
}

/** The record's workflow moves (who, when, from → to, note and the values set), oldest first. */
export function WorkflowTimeline({ entity, id }: { entity: Entity; id: number }) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const timeline = useQuery({
    queryKey: entityQueryKey(entity, 'timeline', id),
    queryFn: ({ signal }) => workflowApi.timeline(entity, id, signal),
  });
  const items = timeline.data ?? [];
  const refLabel = useRefLabels(entity, items);
  if (timeline.isLoading) return <Skeleton active />;
  if (timeline.isError) return <Result status="warning" subTitle={errorMessage(timeline.error, t)} />;
  if (items.length === 0) return <Empty description={t('workflow.noEvents')} data-testid="timeline" />;

  const actionLabel = (action: string) => {
    const transition = transitionOf(entity, action);
    return transition ? labelOf(transition.label, i18n.language) : t(`workflow.systemActions.${action}`, { defaultValue: action });
  };
  const dataValue = (name: string, value: unknown) => {
    const field = entity.fields[name];
    return refLabel(name, value) ?? formatPlain(field, value, i18n.language, t('common.yes'), t('common.no'));
  };
  const dataLabel = (name: string) => {
    const field = entity.fields[name];
    return field ? labelOf(field.label, i18n.language) : t(`workflow.dataKeys.${name}`, { defaultValue: name });
  };

  return (
    <Timeline
      data-testid="timeline"
      items={items.map((item) => ({
        key: String(item.id),
        color: statusColor(entity, item.to, token),
        content: (
          <div data-testid="timeline-item">
            <Space size={[6, 0]} wrap>
              <Typography.Text strong>{actionLabel(item.action)}</Typography.Text>
              <Typography.Text type="secondary">{item.actorName ?? t('history.system')}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(item.at)}
              </Typography.Text>
            </Space>
            <div style={{ marginTop: 4 }}>
              <Space size={4} wrap>
                {item.from && (
                  <>
                    <StatusTag entity={entity} value={item.from} />
                    <span aria-hidden>→</span>
                  </>
                )}
                <StatusTag entity={entity} value={item.to} />
              </Space>
            </div>
            {item.note && (
              <Typography.Paragraph style={{ margin: '6px 0 0', whiteSpace: 'pre-wrap' }} type="secondary">
                “{item.note}”
              </Typography.Paragraph>
            )}
            {item.data && Object.keys(item.data).length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
                {Object.entries(item.data).map(([name, value]) => (
                  <li key={name}>
                    <Typography.Text type="secondary">{dataLabel(name)}: </Typography.Text>
                    <Typography.Text>{dataValue(name, value)}</Typography.Text>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
  );
}

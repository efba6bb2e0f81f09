import { useQuery } from '@tanstack/react-query';
import { Card, List, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { entityApi } from '../../entity/entity-api.ts';
import { detailPath, entityByName, recordName } from '../../entity/entity-lookup.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';

interface DueListProps {
  entityName: string;
  /** A date field; records whose date falls within the next `days` days are listed, soonest first. */
  dateField: string;
  days: number;
  /** Include overdue records (dates before today). */
  isOverdueIncluded?: boolean;
  title: string;
}

/** A short "due soon" list on the workbench (follow-ups, expiring policies), in the user's data scope. */
export function DueList({ entityName, dateField, days, isOverdueIncluded = false, title }: DueListProps) {
  const { t } = useTranslation();
  const me = useMe();
  const entity = entityByName(entityName);
  const today = dayjs().format('YYYY-MM-DD');
  const until = dayjs().add(days, 'day').format('YYYY-MM-DD');
  const isUsable = !!entity && !!entity.fields[dateField] && hasPermission(me, `${entityName}:view`);
  const range = isOverdueIncluded ? { lte: until } : { gte: today, lte: until };
  const list = useQuery({
    queryKey: [...(entity ? entityQueryKey(entity, 'due') : ['due']), dateField, range],
    queryFn: () =>
      entity
        ? entityApi.query(entity, { page: 1, pageSize: 6, sort: dateField, order: 'asc', filters: { [dateField]: range } })
        : Promise.resolve({ items: [], total: 0 }),
    enabled: isUsable,
  });
  if (!isUsable || !entity) return null;
  return (
    <Card title={title} size="small" extra={t('list.total', { total: list.data?.total ?? 0 })} data-testid={`due-${entityName}`}>
      <List
        size="small"
        loading={list.isLoading}
        locale={{ emptyText: list.isError ? errorMessage(list.error, t) : t('workbench.nothingDue') }}
        dataSource={list.data?.items ?? []}
        renderItem={(row) => {
          const date = typeof row[dateField] === 'string' ? String(row[dateField]) : '';
          const isOverdue = date !== '' && date < today;
          return (
            <List.Item extra={<Tag color={isOverdue ? 'red' : 'orange'}>{date}</Tag>}>
              <Typography.Text ellipsis>
                <Link to={detailPath(entity, row.id)}>{recordName(entity, row)}</Link>
              </Typography.Text>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

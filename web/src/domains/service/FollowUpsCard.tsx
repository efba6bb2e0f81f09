import { useQuery } from '@tanstack/react-query';
import { Card, List, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { detailPath, recordName } from '../../entity/entity-lookup.ts';
import { interactionEntity, serviceApi, serviceKeys } from './service-api.ts';

/** Workbench: the caller's follow-ups not yet done, overdue ones first and in red. */
export function FollowUpsCard() {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = hasPermission(me, 'interaction:view');
  const list = useQuery({ queryKey: serviceKeys.followUps('card'), queryFn: ({ signal }) => serviceApi.followUps('open', 7, 1, 6, undefined, signal), enabled: allowed });
  if (!allowed) return null;
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Card
      title={t('workbench.followUps')}
      size="small"
      extra={
        <Link to="/follow-ups" data-testid="follow-ups-more">
          {t('followUps.more', { total: list.data?.total ?? 0, overdue: list.data?.overdue ?? 0 })}
        </Link>
      }
      data-testid="due-interaction"
    >
      <List
        size="small"
        loading={list.isLoading}
        locale={{ emptyText: list.isError ? errorMessage(list.error, t) : t('workbench.nothingDue') }}
        dataSource={list.data?.items ?? []}
        renderItem={(row) => {
          const date = String(row.nextFollowUpDate ?? '');
          return (
            <List.Item extra={<Tag color={date < today ? 'red' : date === today ? 'orange' : 'blue'}>{date}</Tag>}>
              <Typography.Text ellipsis>
                <Link to={detailPath(interactionEntity, row.id)}>{recordName(interactionEntity, row)}</Link>
              </Typography.Text>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

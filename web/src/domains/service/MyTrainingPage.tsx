import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Rate, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { getEntity } from '@insure/model/registry';
import { enrolmentEntity, serviceApi, serviceKeys } from './service-api.ts';
import { formatDateTime } from '../../entity/format-value.ts';

const qualificationEntity = getEntity('qualification');
const sessionEntity = getEntity('trainingSession');
/** A session's time: start, and the end time when it ends the same day (else its date too). */
const when = (start: string | null, end: string | null) => {
  if (!start) return '-';
  const from = dayjs(start);
  if (!end) return formatDateTime(start, undefined, false);
  const to = dayjs(end);
  return `${formatDateTime(start, undefined, false)} – ${to.isSame(from, 'day') ? to.format('HH:mm') : formatDateTime(end, undefined, false)}`;
};
const optionLabel = (options: { value: string; label: { zh: string; en: string }; color?: string }[], value: unknown, locale: string) => {
  const option = options.find((candidate) => candidate.value === value);
  return option ? <Tag color={option.color}>{labelOf(option.label, locale)}</Tag> : String(value ?? '-');
};

/** 我的培训: the signed-in salesperson's courses, results and licences (with days left). */
export function MyTrainingPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('menu.myTraining'));
  const mine = useQuery({ queryKey: serviceKeys.myTraining(), queryFn: ({ signal }) => serviceApi.myTraining(signal) });
  const typeField = qualificationEntity.fields.type!;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="my-training-page">
      <Card title={t('myTraining.courses')}>
        <Table
          rowKey="id"
          size="small"
          loading={mine.isLoading}
          scroll={{ x: 'max-content' }}
          dataSource={mine.data?.enrolments ?? []}
          locale={{ emptyText: mine.isError ? errorMessage(mine.error, t) : <Empty description={t('myTraining.noCourses')} /> }}
          pagination={false}
          columns={[
            { key: 'course', title: t('myTraining.course'), render: (_v, row) => row.course?.name ?? '-' },
            { key: 'session', title: t('myTraining.session'), render: (_v, row) => (row.session ? <Space size={4}>{row.session.name}{row.session.status === 'cancelled' ? optionLabel(sessionEntity.statuses, 'cancelled', i18n.language) : null}</Space> : '-') },
            { key: 'sessionAt', title: t('myTraining.sessionAt'), render: (_v, row) => when(row.session?.startsAt ?? row.course?.sessionAt ?? null, row.session?.endsAt ?? null) },
            { key: 'location', title: t('myTraining.location'), render: (_v, row) => row.session?.location ?? row.course?.location ?? '-' },
            { key: 'trainer', title: t('myTraining.trainer'), render: (_v, row) => row.session?.trainer ?? (row.course?.trainer as string | null | undefined) ?? '-' },
            { key: 'attended', title: t('myTraining.attended'), render: (_v, row) => (row.attended == null ? '-' : row.attended ? <Tag color="green">{t('myTraining.attendedYes')}</Tag> : <Tag>{t('myTraining.attendedNo')}</Tag>) },
            { key: 'score', title: t('myTraining.score'), align: 'right', render: (_v, row) => (row.score == null ? '-' : `${String(row.score)}${row.course?.passMark != null ? ` / ${row.course.passMark}` : ''}`) },
            { key: 'status', title: t('myTraining.result'), render: (_v, row) => optionLabel(enrolmentEntity.statuses, row.status, i18n.language) },
            { key: 'feedback', title: t('myTraining.feedback'), render: (_v, row) => (row.feedbackRating == null ? '-' : <Rate disabled value={Number(row.feedbackRating)} style={{ fontSize: 12 }} />) },
          ]}
        />
      </Card>
      <Card title={t('myTraining.qualifications')}>
        <Table
          rowKey="id"
          size="small"
          loading={mine.isLoading}
          scroll={{ x: 'max-content' }}
          dataSource={mine.data?.qualifications ?? []}
          pagination={false}
          rowClassName={(row) => (row.valid ? '' : 'row-overdue')}
          columns={[
            { key: 'type', title: labelOf(typeField.label, i18n.language), render: (_v, row) => optionLabel(typeField.kind === 'enum' ? typeField.options : [], row.type, i18n.language) },
            { key: 'certificateNo', title: labelOf(qualificationEntity.fields.certificateNo!.label, i18n.language), dataIndex: 'certificateNo' },
            { key: 'expiresOn', title: labelOf(qualificationEntity.fields.expiresOn!.label, i18n.language), dataIndex: 'expiresOn' },
            {
              key: 'daysLeft',
              title: t('myTraining.daysLeft'),
              render: (_v, row) => (row.valid ? <Tag color={(row.daysLeft ?? 0) <= 30 ? 'orange' : 'green'}>{t('myTraining.inDays', { count: row.daysLeft ?? 0 })}</Tag> : <Tag color="red">{t('myTraining.expired')}</Tag>),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

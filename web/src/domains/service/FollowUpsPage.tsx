import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Segmented, Select, Space, Table, Tag, type TableColumnType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageSize } from '../../app/use-page-size.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import type { EntityRow } from '../../entity/entity-api.ts';
import { detailPath } from '../../entity/entity-lookup.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { type FollowUpState, interactionEntity, serviceApi, serviceKeys } from './service-api.ts';

const shownFields = ['customerId', 'type', 'channel', 'occurredAt', 'result', 'ownerId'] as const;
const typeField = interactionEntity.fields.type!;

/** 跟进提醒: relationship records whose next follow-up is overdue, due today or coming, not yet followed up, in scope. */
export function FollowUpsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [state, setState] = useState<FollowUpState>('open');
  const [type, setType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = usePageSize(me.id);
  usePageTitle(t('menu.followUps'));
  const list = useQuery({
    queryKey: serviceKeys.followUps(state, type ?? '', page, pageSize),
    queryFn: ({ signal }) => serviceApi.followUps(state, 30, page, pageSize, type, signal),
    placeholderData: keepPreviousData,
  });
  const today = dayjs().format('YYYY-MM-DD');
  const columns: TableColumnType<EntityRow>[] = [
    { key: 'subject', title: labelOf(interactionEntity.fields.subject!.label, i18n.language), render: (_v, row) => <Link to={detailPath(interactionEntity, row.id)}>{String(row.subject ?? row.code)}</Link> },
    {
      key: 'nextFollowUpDate',
      title: labelOf(interactionEntity.fields.nextFollowUpDate!.label, i18n.language),
      render: (_v, row) => {
        const date = String(row.nextFollowUpDate ?? '');
        return <Tag color={date < today ? 'red' : date === today ? 'orange' : 'blue'}>{date < today ? t('followUps.overdueOn', { date }) : date}</Tag>;
      },
    },
    ...shownFields.map((name) => ({ key: name, title: labelOf(interactionEntity.fields[name]!.label, i18n.language), render: (_v: unknown, row: EntityRow) => <FieldValue field={interactionEntity.fields[name]!} name={name} row={row} /> })),
  ];
  return (
    <Card title={t('menu.followUps')} data-testid="follow-ups-page">
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<FollowUpState>
          value={state}
          onChange={(value) => {
            setState(value);
            setPage(1);
          }}
          options={[
            { value: 'open', label: t('followUps.open') },
            { value: 'overdue', label: t('followUps.overdue') },
            { value: 'due', label: t('followUps.today') },
          ]}
          data-testid="follow-ups-state"
        />
        <Select
          allowClear
          placeholder={labelOf(typeField.label, i18n.language)}
          style={{ minWidth: 160 }}
          value={type}
          onChange={(value) => {
            setType(value);
            setPage(1);
          }}
          options={(typeField.kind === 'enum' ? typeField.options : []).map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))}
        />
      </Space>
      <Table<EntityRow>
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: list.isError ? errorMessage(list.error, t) : t('workbench.nothingDue') }}
        rowClassName={(row) => (String(row.nextFollowUpDate ?? '') < today ? 'row-overdue' : '')}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: true, onChange: (next, size) => { setPage(next); setPageSize(size); } }}
      />
    </Card>
  );
}

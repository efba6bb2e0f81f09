import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { entities } from '@insure/model/registry';
import { App, Button, Card, Popconfirm, Select, Space, Table, Typography, type TableColumnType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, isApiError } from '../../app/api-client.ts';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { labelOf } from '../../app/i18n.ts';
import { entityApi, rowSchema, type EntityRow } from '../../entity/entity-api.ts';
import { entityByName, entityByPlural } from '../../entity/entity-lookup.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { formatDateTime } from '../../entity/format-value.ts';

const binSchema = z.looseObject({ items: z.array(rowSchema), total: z.number() });
const dependentsSchema = z.array(z.looseObject({ entity: z.string(), field: z.string(), count: z.number() }));

/** Soft-deleted records per module: restore them, or purge them for good. */
export function RecycleBinPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  usePageTitle(t('menu.recycleBin'));
  const [plural, setPlural] = useState(entities.find((entity) => entity.name === 'customer')?.plural ?? entities[0]?.plural ?? '');
  const [page, setPage] = useState(1);
  const entity = entityByPlural(plural);
  const body = { module: plural, page, pageSize: 20 };
  const bin = useQuery({
    queryKey: ['recycle-bin', body],
    queryFn: () => api.post(binSchema, '/api/recycle-bin/query', body),
    placeholderData: keepPreviousData,
    enabled: !!entity,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['recycle-bin'] });
    if (entity) void queryClient.invalidateQueries({ queryKey: entityQueryKey(entity) });
  };

  const restore = async (row: EntityRow) => {
    if (!entity) return;
    try {
      await entityApi.restore(entity, row.id);
      void message.success(t('recycleBin.restored'));
      refresh();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const purge = async (row: EntityRow) => {
    try {
      await api.remove(`/api/recycle-bin/${plural}/${row.id}`);
      void message.success(t('recycleBin.purged'));
      refresh();
    } catch (error) {
      const parsed = isApiError(error) && error.code === 'IN_USE' ? dependentsSchema.safeParse(error.params.dependents) : undefined;
      if (!parsed?.success) {
        void message.error(errorMessage(error, t));
        return;
      }
      modal.warning({
        title: t('recycleBin.inUse'),
        content: (
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {parsed.data.map((dependent) => {
              const source = entityByName(dependent.entity);
              const field = source?.fields[dependent.field];
              return (
                <li key={`${dependent.entity}.${dependent.field}`}>
                  {t('list.dependentLine', {
                    entity: source ? labelOf(source.label, i18n.language) : dependent.entity,
                    field: field ? labelOf(field.label, i18n.language) : dependent.field,
                    count: dependent.count,
                  })}
                </li>
              );
            })}
          </ul>
        ),
      });
    }
  };

  const columns: TableColumnType<EntityRow>[] = [
    { key: 'code', title: t('entity.code'), render: (_v, row) => row.code ?? `#${row.id}` },
    {
      key: 'title',
      title: t('recycleBin.title'),
      render: (_v, row) => {
        const title = entity ? row[entity.titleField] : undefined;
        return typeof title === 'string' || typeof title === 'number' ? String(title) : '-';
      },
    },
    { key: 'deletedAt', title: t('recycleBin.deletedAt'), render: (_v, row) => (typeof row.deletedAt === 'string' ? formatDateTime(row.deletedAt) : '-') },
    {
      key: 'actions',
      title: t('list.actions'),
      render: (_v, row) => (
        <Space size={0}>
          {entity && hasPermission(me, `${entity.name}:delete`) && (
            <Button type="link" size="small" onClick={() => void restore(row)} data-testid="bin-restore">
              {t('recycleBin.restore')}
            </Button>
          )}
          {hasPermission(me, 'recycleBin:delete') && (
            <Popconfirm
              title={t('recycleBin.purgeConfirm', { name: row.code ?? row.id })}
              okText={t('recycleBin.purge')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => purge(row)}
            >
              <Button type="link" size="small" danger data-testid="bin-purge">
                {t('recycleBin.purge')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card size="small">
      <div className="list-toolbar">
        <Space wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('menu.recycleBin')}
          </Typography.Title>
          <Select
            value={plural}
            style={{ minWidth: 200 }}
            showSearch={{ optionFilterProp: 'label' }}
            options={entities.map((candidate) => ({ value: candidate.plural, label: labelOf(candidate.label, i18n.language) }))}
            onChange={(next: string) => {
              setPlural(next);
              setPage(1);
            }}
            aria-label={t('logs.module')}
            data-testid="bin-module"
          />
        </Space>
      </div>
      <Table<EntityRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={bin.data?.items ?? []}
        loading={bin.isFetching}
        scroll={{ x: 'max-content' }}
        locale={bin.isError ? { emptyText: errorMessage(bin.error, t) } : undefined}
        pagination={{ current: page, pageSize: 20, total: bin.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('list.total', { total }) }}
        data-testid="bin-table"
      />
    </Card>
  );
}

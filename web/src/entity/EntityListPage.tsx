import { TableOutlined } from '@ant-design/icons';
import type { ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Space, Table, Tag, Tooltip, type TablePaginationConfig } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { hasPermission } from '../app/auth-api.ts';
import { useMe } from '../app/AuthProvider.tsx';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { usePageTitle } from '../app/use-page-title.ts';
import { useCustomFields } from './custom-fields.ts';
import { ColumnSettings } from './ColumnSettings.tsx';
import { entityApi, type EntityRow } from './entity-api.ts';
import { buildColumns, sortFromTable, type EntityColumn, type SortState } from './entity-columns.tsx';
import { entityExtension } from './entity-extensions.ts';
import { EntityDetailDrawer } from './EntityDetailDrawer.tsx';
import { EntityForm, type FormTarget } from './EntityForm.tsx';
import { entityQueryKey } from './entity-query-keys.ts';
import { ImportDialog } from './ImportDialog.tsx';
import { exportColumns, filterValuesFrom, keywordOf, toListFilters, type FilterFormValues } from './list-filters.ts';
import { useExport } from './ExportApproval.tsx';
import { ListQueryForm } from './ListQueryForm.tsx';
import { ListToolbar } from './ListToolbar.tsx';
import { listPageSizes } from '@insure/model/derive/query';
import { orderColumns, restoreFilters, serializeFilters, useListSettings, type ColumnChoice } from './list-settings.ts';
import { SavedViews } from './SavedViews.tsx';
import { RowActions } from './RowActions.tsx';
import { useConfirmDelete } from './use-confirm-delete.tsx';
import { useScrollMode } from './use-scroll-mode.ts';

/** The generated list page of one declared entity (route /m/<plural>). */
export function EntityListPage({ entity }: { entity: Entity }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const me = useMe();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  // Another page may open this list already filtered (navigate(path, {state: {listFilters}}), e.g. an analysis drill-down).
  const [drillFilters] = useState(() => {
    const plain = (location.state as { listFilters?: Record<string, unknown> } | null)?.listFilters;
    return plain ? filterValuesFrom(entity, plain) : undefined;
  });
  const [filterValues, setFilterValues] = useState<FilterFormValues>(drillFilters ?? {});
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState>({ order: 'desc' });
  const [selectedIds, setSelectedIds] = useState<number[]>([]);
  const [formTarget, setFormTarget] = useState<FormTarget>();
  const [view, setView] = useState('table');
  const [isImportOpen, setIsImportOpen] = useState(false);
  const extension = entityExtension(entity.name);
  const customFields = useCustomFields(entity);
  const listSettings = useListSettings(entity);
  const { settings } = listSettings;
  const pageSize = settings.pageSize && (listPageSizes as readonly number[]).includes(settings.pageSize) ? settings.pageSize : 20;
  // A saved view's columns apply until the user changes columns; the user's own choice otherwise.
  const [viewColumns, setViewColumns] = useState<ColumnChoice>();
  const columnChoice = viewColumns ?? settings.columns;
  const hiddenColumns = columnChoice?.hidden ?? [];
  const [activeViewId, setActiveViewId] = useState<number>();
  const [formKey, setFormKey] = useState(0);
  const [isStarted, setIsStarted] = useState(false);
  // The user's default filters and sort, once their settings are in (the list waits for them).
  useEffect(() => {
    if (isStarted || !listSettings.isLoaded) return;
    setIsStarted(true);
    if (settings.defaultFilters && !drillFilters) {
      setFilterValues(restoreFilters(entity, settings.defaultFilters, customFields));
      setFormKey((key) => key + 1);
    }
    if (settings.sort) setSort(settings.sort);
  }, [isStarted, listSettings.isLoaded, settings, entity, customFields, drillFilters]);
  const { startExport, dialog: exportDialog } = useExport(entity);
  const navigate = useNavigate();
  // Another page may open this one with a create form to complete (navigate(path, {state: {createPrefill}})).
  const createPrefill = (location.state as { createPrefill?: Record<string, unknown> } | null)?.createPrefill;
  useEffect(() => {
    if (!createPrefill || !hasPermission(me, `${entity.name}:create`)) return;
    setFormTarget({ mode: 'create', prefill: createPrefill });
    void navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, [createPrefill, entity.name, me, navigate, location.pathname, location.search]);
  usePageTitle(labelOf(entity.label, i18n.language));

  const can = (action: string) => hasPermission(me, `${entity.name}:${action}`);
  const listQuery: ListQuery = {
    page,
    pageSize,
    order: sort.order,
    ...(sort.sort ? { sort: sort.sort } : {}),
    ...(keywordOf(filterValues) ? { q: keywordOf(filterValues) } : {}),
    filters: toListFilters(entity, filterValues, customFields),
  };
  const list = useQuery({
    queryKey: [...entityQueryKey(entity, 'list'), listQuery],
    queryFn: () => entityApi.query(entity, listQuery),
    placeholderData: keepPreviousData,
    enabled: isStarted,
  });

  const detailParam = Number(searchParams.get('detail'));
  const detailId = Number.isInteger(detailParam) && detailParam > 0 ? detailParam : undefined;
  const openDetail = (id: number | undefined) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id === undefined) next.delete('detail');
        else next.set('detail', String(id));
        return next;
      },
      { replace: id === undefined },
    );

  const refresh = () => void queryClient.invalidateQueries({ queryKey: entityQueryKey(entity) });

  const removeOne = useConfirmDelete(entity, (row) => {
    setSelectedIds((ids) => ids.filter((id) => id !== row.id));
    if (detailId === row.id) openDetail(undefined);
    refresh();
  });

  const batchDelete = () =>
    modal.confirm({
      title: t('list.batchDeleteTitle'),
      content: t('list.batchDeleteConfirm', { count: selectedIds.length }),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const deleted = await entityApi.batchDelete(entity, selectedIds);
          void message.success(t('list.batchDeleted', { count: deleted }));
          setSelectedIds([]);
          refresh();
        } catch (error) {
          void message.error(errorMessage(error, t));
        }
      },
    });

  const columns = buildColumns({
    entity,
    t,
    locale: i18n.language,
    sort,
    isMobile,
    customFields,
    renderCode: (row) => (
      <Space size={4}>
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => openDetail(row.id)} data-testid="row-code">
          {row.code ?? `#${row.id}`}
        </Button>
        {row.overdue === true && (
          <Tooltip title={t('list.overdueHint')}>
            <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="row-overdue">
              {t('list.overdue')}
            </Tag>
          </Tooltip>
        )}
      </Space>
    ),
  });
  const visibleColumns: EntityColumn[] = [
    ...orderColumns(columns, columnChoice).filter((column) => column.key === 'code' || !hiddenColumns.includes(column.key)),
    {
      key: 'actions',
      title: t('list.actions'),
      fixed: isMobile ? undefined : 'right',
      width: (isMobile ? 150 : 190) + 80 * ((extension.rowActions?.length ?? 0) + (entity.workflow ? 1 : 0)),
      render: (_value: unknown, row: EntityRow) => (
        <RowActions
          entity={entity}
          row={row}
          onDetail={() => openDetail(row.id)}
          onEdit={() => setFormTarget({ mode: 'edit', id: row.id })}
          onDelete={() => removeOne(row)}
          onChanged={refresh}
        />
      ),
    },
  ];

  const scrollMode = useScrollMode(pageSize, visibleColumns as never[], can('delete'));
  const pagination: TablePaginationConfig = {
    current: page,
    pageSize,
    total: list.data?.total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [...listPageSizes],
    showTotal: (total) => t('list.total', { total }),
    simple: isMobile,
  };

  const AlternateView = extension.alternateView?.component;
  const viewOptions = extension.alternateView
    ? {
        value: view,
        onChange: setView,
        options: [
          { value: 'table', label: t('list.tableView'), icon: <TableOutlined /> },
          { value: 'alternate', label: t(extension.alternateView.labelKey), icon: extension.alternateView.icon },
        ],
      }
    : undefined;

  return (
    <>
      <Card className="page-card" size="small">
        <ListQueryForm
          key={formKey}
          entity={entity}
          initialValues={filterValues}
          onSearch={(values) => {
            setFilterValues(values);
            setActiveViewId(undefined);
            setPage(1);
          }}
        />
      </Card>
      <Card className="page-card" size="small">
        <ListToolbar
          entity={entity}
          canCreate={can('create')}
          canDelete={can('delete')}
          canExport={can('export')}
          selectedCount={selectedIds.length}
          onExport={(format) => void startExport(format, listQuery, exportColumns(visibleColumns))}
          onAdd={() => setFormTarget({ mode: 'create' })}
          onBatchDelete={batchDelete}
          onReload={refresh}
          onImport={entity.importable && can('import') ? () => setIsImportOpen(true) : undefined}
          view={viewOptions}
          savedViews={
            <SavedViews
              views={listSettings.views}
              activeViewId={activeViewId}
              hasDefaultFilters={!!settings.defaultFilters}
              onApply={(saved) => {
                setFilterValues(restoreFilters(entity, saved.state.filters, customFields));
                setSort(saved.state.sort ?? { order: 'desc' });
                setViewColumns(saved.state.columns);
                setActiveViewId(saved.id);
                setFormKey((key) => key + 1);
                setPage(1);
              }}
              onSave={async ({ name, sharedRoleId }) => {
                const created = await listSettings.createView.mutateAsync({
                  name,
                  sharedRoleId,
                  state: { filters: serializeFilters(entity, filterValues), sort, ...(columnChoice ? { columns: columnChoice } : {}) },
                });
                setActiveViewId(created.id);
              }}
              onDelete={async (saved) => {
                await listSettings.deleteView.mutateAsync(saved.id);
                if (activeViewId === saved.id) setActiveViewId(undefined);
              }}
              onSetDefault={() => listSettings.updateSettings({ defaultFilters: serializeFilters(entity, filterValues), sort })}
              onClearDefault={() => listSettings.updateSettings({ defaultFilters: undefined, sort: undefined })}
            />
          }
          columnSettings={
            <ColumnSettings
              columns={orderColumns(columns, columnChoice).filter((column) => column.key !== 'code').map(({ key, title }) => ({ key, title }))}
              hidden={hiddenColumns}
              onChange={(choice) => {
                setViewColumns(undefined);
                listSettings.updateSettings({ columns: choice });
              }}
            />
          }
        />
        {AlternateView && view === 'alternate' ? (
          <AlternateView entity={entity} onOpenDetail={openDetail} />
        ) : (
          <Table<EntityRow>
            rowKey="id"
            size={isMobile ? 'small' : 'middle'}
            rowClassName={(row) => (row.overdue === true ? 'row-overdue' : '')}
            columns={visibleColumns}
            dataSource={list.data?.items ?? []}
            loading={list.isFetching}
            pagination={pagination}
            virtual={scrollMode.virtual}
            scroll={scrollMode.scroll}
            locale={list.isError ? { emptyText: errorMessage(list.error, t) } : undefined}
            rowSelection={
              can('delete')
                ? { selectedRowKeys: selectedIds, onChange: (keys) => setSelectedIds(keys.map(Number)), fixed: true }
                : undefined
            }
            onChange={(next, _filters, sorter, extra) => {
              if (extra.action === 'sort') {
                setSort(sortFromTable(sorter) ?? { order: 'desc' });
                setPage(1);
              } else if (extra.action === 'paginate') {
                setPage(next.current ?? 1);
                if (next.pageSize && next.pageSize !== pageSize) {
                  listSettings.updateSettings({ pageSize: next.pageSize });
                  setPage(1);
                }
              }
            }}
            data-testid="list-table"
          />
        )}
      </Card>
      <EntityForm
        entity={entity}
        target={formTarget}
        onClose={() => setFormTarget(undefined)}
        onSaved={() => {
          setFormTarget(undefined);
          refresh();
        }}
      />
      {entity.importable && <ImportDialog entity={entity} open={isImportOpen} onClose={() => setIsImportOpen(false)} onImported={refresh} />}
      {exportDialog}
      <EntityDetailDrawer
        entity={entity}
        id={detailId}
        onClose={() => openDetail(undefined)}
        onEdit={(id) => setFormTarget({ mode: 'edit', id })}
      />
    </>
  );
}

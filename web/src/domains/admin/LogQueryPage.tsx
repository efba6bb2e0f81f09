import { DownloadOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Form, Row, Space, Table, Typography, type TableColumnType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import { useIsMobile } from '../../app/use-is-mobile.ts';
import { usePageSize } from '../../app/use-page-size.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { useMe } from '../../app/AuthProvider.tsx';

export const logRowSchema = z.looseObject({ id: z.union([z.number(), z.string()]) });
export type LogRow = z.infer<typeof logRowSchema>;
const logListSchema = z.looseObject({ items: z.array(logRowSchema), total: z.number() });

export interface LogFilterItem {
  name: string;
  label: string;
  input: ReactNode;
}

interface LogQueryPageProps {
  title: string;
  /** POST endpoint taking {page, pageSize, filters}. */
  endpoint: string;
  filters: LogFilterItem[];
  columns: TableColumnType<LogRow>[];
  /** Export link for the current filters; undefined hides the button. */
  exportUrl?: (filters: Record<string, string>) => string;
  expandedRow?: (row: LogRow) => ReactNode;
  testId: string;
}

type FormValues = Record<string, unknown> & { period?: [Dayjs | null, Dayjs | null] | null };

type LogFilters = Record<string, string | number>;

function toFilters(values: FormValues): LogFilters {
  const filters: LogFilters = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === 'period') continue;
    if (typeof value === 'string' && value.trim() !== '') filters[name] = value.trim();
    if (typeof value === 'number') filters[name] = value;
  }
  const [from, to] = values.period ?? [null, null];
  if (from) filters.from = from.startOf('day').toISOString();
  if (to) filters.to = to.endOf('day').toISOString();
  return filters;
}

/** A filterable, paged, read-only log table (operation log, login log). */
export function LogQueryPage({ title, endpoint, filters, columns, exportUrl, expandedRow, testId }: LogQueryPageProps) {
  const { t } = useTranslation();
  const me = useMe();
  const isMobile = useIsMobile();
  const [form] = Form.useForm<FormValues>();
  usePageTitle(title);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = usePageSize(me.id);
  const [applied, setApplied] = useState<LogFilters>({});
  const body = { page, pageSize, filters: applied };
  const list = useQuery({
    queryKey: ['log', endpoint, body],
    queryFn: () => api.post(logListSchema, endpoint, body),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <Card className="page-card" size="small">
        <Form
          form={form}
          layout="vertical"
          className="query-form"
          onFinish={(values) => {
            setApplied(toFilters(values));
            setPage(1);
          }}
        >
          <Row gutter={16}>
            {filters.map((item) => (
              <Col key={item.name} xs={24} sm={12} lg={8} xl={6}>
                <Form.Item name={item.name} label={item.label}>
                  {item.input}
                </Form.Item>
              </Col>
            ))}
            <Col xs={24} sm={12} lg={8} xl={6}>
              <Form.Item name="period" label={t('logs.period')}>
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={8} xl={6} style={{ display: 'flex', alignItems: 'flex-end', paddingBottom: 12 }}>
              <Space>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="list-search">
                  {t('list.search')}
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    setApplied({});
                    setPage(1);
                  }}
                >
                  {t('list.reset')}
                </Button>
              </Space>
            </Col>
          </Row>
        </Form>
      </Card>
      <Card className="page-card" size="small">
        <div className="list-toolbar">
          <Typography.Title level={5} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          <Space>
            {exportUrl && (
              <Button icon={<DownloadOutlined />} href={exportUrl(Object.fromEntries(Object.entries(applied).map(([name, value]) => [name, String(value)])))} download data-testid="log-export">
                {t('list.exportCsv')}
              </Button>
            )}
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('list.reload')} />
          </Space>
        </div>
        <Table<LogRow>
          rowKey={(row) => String(row.id)}
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          scroll={{ x: 'max-content' }}
          expandable={expandedRow ? { expandedRowRender: expandedRow } : undefined}
          locale={list.isError ? { emptyText: errorMessage(list.error, t) } : undefined}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            simple: isMobile,
            showTotal: (total) => t('list.total', { total }),
            onChange: (nextPage, nextSize) => {
              setPage(nextSize === pageSize ? nextPage : 1);
              setPageSize(nextSize);
            },
          }}
          data-testid={testId}
        />
      </Card>
    </>
  );
}

/** A log cell: strings as they are, other values as compact JSON. */
export const logText = (value: unknown): string =>
  value === null || value === undefined || value === '' ? '-' : typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);

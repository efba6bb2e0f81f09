import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Result, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { refsOf, type EntityRow } from '../../entity/entity-api.ts';
import type { AlternateViewProps } from '../../entity/entity-extensions.ts';
import { formatMoney } from '../../entity/format-value.ts';
import { salesApi, salesKeys, type BoardColumn } from './sales-api.ts';
import { moveTargets, useOpportunityMove, useStageLabel } from './use-opportunity-move.tsx';

/**
 * The opportunity kanban: one column per stage in use with its count, amount and weighted amount; cards
 * move by drag and drop or, from the keyboard, with each card's "move to" select. Lost asks for the
 * reason; won opens the signing form prefilled from the opportunity.
 */
export function OpportunityBoard({ entity, onOpenDetail }: AlternateViewProps) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const stageLabel = useStageLabel();
  const [dragOver, setDragOver] = useState<string>();
  const { requestMove, dialog } = useOpportunityMove();
  const board = useQuery({ queryKey: salesKeys.board(), queryFn: ({ signal }) => salesApi.board(signal) });
  const canEdit = hasPermission(me, `${entity.name}:edit`);
  const columns = board.data?.columns ?? [];
  const targetsFor = (row: EntityRow) => moveTargets(row, columns);

  const onDrop = (event: DragEvent, column: BoardColumn) => {
    event.preventDefault();
    setDragOver(undefined);
    const id = Number(event.dataTransfer.getData('text/plain'));
    const row = columns.flatMap((candidate) => candidate.items).find((item) => item.id === id);
    if (row && targetsFor(row).some((target) => target.stage === column.stage)) requestMove(row, column.stage);
  };

  if (board.isLoading) return <Skeleton active />;
  if (board.isError) return <Result status="warning" title={errorMessage(board.error, t)} />;

  return (
    <>
      <div className="pipeline-board" data-testid="kanban">
        {columns.map((column) => (
          <section
            key={column.stage}
            className={`pipeline-column${dragOver === column.stage ? ' pipeline-column-over' : ''}`}
            aria-label={stageLabel(column.stage)}
            data-testid={`kanban-column-${column.stage}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragOver(column.stage);
            }}
            onDragLeave={() => setDragOver((current) => (current === column.stage ? undefined : current))}
            onDrop={(event) => onDrop(event, column)}
          >
            <header className="pipeline-column-header">
              <Space size={4} wrap>
                <Typography.Text strong>{stageLabel(column.stage)}</Typography.Text>
                <Tag>{column.count}</Tag>
                {!column.closed && <Typography.Text type="secondary">{column.probability}%</Typography.Text>}
              </Space>
              <div data-testid={`kanban-amount-${column.stage}`}>
                <Typography.Text>{formatMoney(column.amount, i18n.language)}</Typography.Text>
                {!column.closed && (
                  <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                    {t('pipeline.weighted')} {formatMoney(column.weightedAmount, i18n.language)}
                  </Typography.Text>
                )}
              </div>
            </header>
            {column.items.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pipeline.emptyColumn')} />}
            {column.items.map((row) => {
              const targets = canEdit ? targetsFor(row) : [];
              return (
                <Card
                  key={row.id}
                  size="small"
                  className="pipeline-card"
                  draggable={targets.length > 0}
                  onDragStart={(event) => {
                    event.dataTransfer.setData('text/plain', String(row.id));
                    event.dataTransfer.effectAllowed = 'move';
                  }}
                  data-testid={`kanban-card-${row.id}`}
                >
                  <Typography.Link onClick={() => onOpenDetail(row.id)} data-testid="kanban-card-title">
                    {String(row.title ?? row.code)}
                  </Typography.Link>
                  <div>
                    <Typography.Text type="secondary">{refsOf(row, 'customerId')[0]?.label ?? (row.leadName as string | null) ?? '-'}</Typography.Text>
                  </div>
                  <Space size={8} wrap>
                    {typeof row.expectedAmount === 'number' && <Typography.Text>{formatMoney(row.expectedAmount, i18n.language)}</Typography.Text>}
                    {typeof row.expectedCloseDate === 'string' && <Typography.Text type="secondary">{row.expectedCloseDate}</Typography.Text>}
                    {refsOf(row, 'ownerId')[0] && <Tag>{refsOf(row, 'ownerId')[0]!.label}</Tag>}
                  </Space>
                  {targets.length > 0 && (
                    <Select
                      size="small"
                      style={{ width: '100%', marginTop: 6 }}
                      placeholder={t('pipeline.moveTo')}
                      aria-label={t('pipeline.moveToFor', { title: String(row.title ?? row.code) })}
                      value={null}
                      options={targets.map((target) => ({ value: target.stage, label: stageLabel(target.stage) }))}
                      onChange={(stage: string) => requestMove(row, stage)}
                      data-testid={`kanban-move-${row.id}`}
                    />
                  )}
                </Card>
              );
            })}
          </section>
        ))}
      </div>
      {dialog}
    </>
  );
}

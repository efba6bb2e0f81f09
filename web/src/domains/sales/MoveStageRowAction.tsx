import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { api } from '../../app/api-client.ts';
import { z } from 'zod';
import { moveTargets, useOpportunityMove, useStageLabel } from './use-opportunity-move.tsx';

const pipelineSchema = z.looseObject({ items: z.array(z.looseObject({ stage: z.string(), probability: z.number(), active: z.boolean(), closed: z.boolean() })) });

/** Opportunities row action (table view): move to another stage, with the same rules as the kanban. */
export function MoveStageRowAction({ entity, row, onDone }: RowActionProps) {
  const { t } = useTranslation();
  const stageLabel = useStageLabel();
  const { requestMove, dialog } = useOpportunityMove(onDone);
  const pipeline = useQuery({ queryKey: entityQueryKey(entity, 'pipeline'), queryFn: ({ signal }) => api.get(pipelineSchema, '/api/opportunities/pipeline', signal), staleTime: 60_000 });
  const targets = row.can.edit ? moveTargets(row, pipeline.data?.items ?? []) : [];
  if (targets.length === 0) return null;
  return (
    <>
      <Select
        size="small"
        variant="borderless"
        style={{ width: 96 }}
        placeholder={t('pipeline.moveStage')}
        aria-label={t('pipeline.moveToFor', { title: String(row.title ?? row.code) })}
        value={null}
        popupMatchSelectWidth={false}
        options={targets.map((target) => ({ value: target.stage, label: stageLabel(target.stage) }))}
        onChange={(stage: string) => requestMove(row, stage)}
        data-testid={`row-move-${row.id}`}
      />
      {dialog}
    </>
  );
}

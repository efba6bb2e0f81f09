import type { EnumField } from '@insure/model/field';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { entityPath } from '../../app/menu-model.ts';
import { testIdProps } from '../../app/test-id.ts';
import { entityApi, type EntityRow } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { competitorEntity, opportunityEntity, salesApi, signingEntity, type MoveInput } from './sales-api.ts';

const stageField = opportunityEntity.fields.stage as EnumField;
const reasonField = opportunityEntity.fields.outcomeReason as EnumField;

interface LostForm {
  lostReason: string;
  outcomeReason?: string;
  competitorId?: number;
}

export const useStageLabel = () => {
  const { i18n } = useTranslation();
  return (stage: string) => labelOf(stageField.options.find((option) => option.value === stage)?.label ?? { zh: stage, en: stage }, i18n.language);
};

/**
 * Moving an opportunity, shared by the kanban and the table's row action: lost asks for the reason (and the
 * competitor), won opens the signing form prefilled from the opportunity.
 */
export function useOpportunityMove(onMoved?: () => void): { requestMove: (row: EntityRow, stage: string) => void; dialog: ReactNode } {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const stageLabel = useStageLabel();
  const [losing, setLosing] = useState<EntityRow>();
  const [lostForm] = Form.useForm<LostForm>();
  const competitors = useQuery({
    queryKey: entityQueryKey(competitorEntity, 'options'),
    queryFn: ({ signal }) => entityApi.options(competitorEntity, {}, signal),
    enabled: losing !== undefined && hasPermission(me, 'competitor:view'),
  });

  const move = async (row: EntityRow, input: MoveInput) => {
    try {
      const result = await salesApi.move(row.id, { version: row.version, ...input });
      void queryClient.invalidateQueries({ queryKey: entityQueryKey(opportunityEntity) });
      void message.success(t('pipeline.moved', { title: String(row.title ?? row.code), stage: stageLabel(input.stage) }));
      onMoved?.();
      if (result.signingPrefill) {
        if (hasPermission(me, 'signing:create')) void navigate(entityPath(signingEntity.plural), { state: { createPrefill: result.signingPrefill } });
        else void message.info(t('pipeline.wonNoSigning'));
      }
      return true;
    } catch (error) {
      void message.error(errorMessage(error, t));
      return false;
    }
  };

  const requestMove = (row: EntityRow, stage: string) => {
    if (stage === row.stage) return;
    if (stage === 'lost') {
      setLosing(row);
      return;
    }
    void move(row, { stage });
  };

  const submitLost = async () => {
    if (!losing) return;
    // the form shows its own messages when the reason is missing
    const values = await lostForm.validateFields().catch(() => undefined);
    if (!values) return;
    if (await move(losing, { stage: 'lost', lostReason: values.lostReason, outcomeReason: values.outcomeReason ?? null, competitorId: values.competitorId ?? null })) setLosing(undefined);
  };

  const dialog = (
    <Modal
      open={losing !== undefined}
      title={t('pipeline.lostTitle', { title: String(losing?.title ?? '') })}
      okText={t('pipeline.markLost')}
      okButtonProps={{ danger: true, ...testIdProps<ButtonProps>('lost-confirm') }}
      cancelText={t('common.cancel')}
      onOk={() => void submitLost()}
      onCancel={() => setLosing(undefined)}
      destroyOnHidden
    >
      <Form form={lostForm} layout="vertical" preserve={false} data-testid="lost-form">
        <Form.Item name="lostReason" label={labelOf(opportunityEntity.fields.lostReason!.label, i18n.language)} rules={[{ required: true, whitespace: true, message: t('pipeline.lostReasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} data-testid="lost-reason" />
        </Form.Item>
        <Form.Item name="outcomeReason" label={labelOf(reasonField.label, i18n.language)}>
          <Select allowClear options={reasonField.options.map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))} />
        </Form.Item>
        <Form.Item name="competitorId" label={labelOf(opportunityEntity.fields.competitorId!.label, i18n.language)}>
          <Select allowClear loading={competitors.isLoading} options={(competitors.data ?? []).map((option) => ({ value: option.id, label: option.label ?? option.code ?? String(option.id) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
  return { requestMove, dialog };
}

/** Stages an opportunity may move to from where it is (won is final; a lost one may reopen at an open stage). */
export function moveTargets<T extends { stage: string; active: boolean; closed: boolean }>(row: EntityRow, stages: T[]): T[] {
  return stages.filter((stage) => stage.active && stage.stage !== row.stage && row.stage !== 'won' && !(row.stage === 'lost' && stage.closed));
}

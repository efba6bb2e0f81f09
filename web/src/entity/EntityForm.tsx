import type { Entity } from '@insure/model/entity';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, Result, Skeleton, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../app/api-client.ts';
import { errorMessage, reasonMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { testIdProps } from '../app/test-id.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { entityApi, type EntityRow } from './entity-api.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { EntityFormFields } from './EntityFormFields.tsx';
import { buildPayload, initialFormValues, type FormValues } from './form-values.ts';

export type FormTarget = { mode: 'create' } | { mode: 'edit'; id: number };

interface EntityFormProps {
  entity: Entity;
  /** What to edit; undefined closes the form. */
  target: FormTarget | undefined;
  onClose: () => void;
  onSaved: (row: EntityRow) => void;
}

type Failure = { kind: 'conflict' } | { kind: 'message'; text: string };

/** Create/edit dialog generated from the entity declaration. */
export function EntityForm({ entity, target, onClose, onSaved }: EntityFormProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [failure, setFailure] = useState<Failure>();
  const [isSaving, setIsSaving] = useState(false);
  const editId = target?.mode === 'edit' ? target.id : undefined;

  const rowQuery = useQuery({
    queryKey: entityQueryKey(entity, 'row', editId ?? 0),
    queryFn: ({ signal }) => entityApi.get(entity, editId ?? 0, signal),
    enabled: editId !== undefined,
    staleTime: 0,
  });
  const row = editId === undefined ? undefined : rowQuery.data;
  const isReady = editId === undefined || !!rowQuery.data;

  const close = () => {
    setFailure(undefined);
    onClose();
  };

  const reload = async () => {
    await rowQuery.refetch();
    setFailure(undefined);
  };

  const showServerError = (error: unknown) => {
    if (isApiError(error) && error.code === 'VERSION_CONFLICT') {
      setFailure({ kind: 'conflict' });
      return;
    }
    const known = isApiError(error) ? Object.entries(error.fields).filter(([name]) => name in entity.fields || name === 'status' || name === 'sortIndex') : [];
    if (known.length > 0) form.setFields(known.map(([name, reason]) => ({ name, errors: [reasonMessage(reason, t)] })));
    const unknownCount = isApiError(error) ? Object.keys(error.fields).length - known.length : 0;
    if (known.length === 0 || unknownCount > 0 || (isApiError(error) && error.code !== 'VALIDATION')) {
      setFailure({ kind: 'message', text: errorMessage(error, t) });
    }
  };

  const submit = async () => {
    const payload = buildPayload(entity, form.getFieldsValue(true) as FormValues, row);
    if (row && Object.keys(payload).length === 1) {
      void message.info(t('form.noChanges'));
      close();
      return;
    }
    setIsSaving(true);
    setFailure(undefined);
    try {
      const saved = row ? await entityApi.update(entity, row.id, payload) : await entityApi.create(entity, payload);
      void message.success(row ? t('form.updated') : t('form.created'));
      queryClient.setQueryData(entityQueryKey(entity, 'row', saved.id), saved);
      setFailure(undefined);
      onSaved(saved);
    } catch (error) {
      showServerError(error);
    } finally {
      setIsSaving(false);
    }
  };

  const title = `${target?.mode === 'edit' ? t('form.editTitle') : t('form.createTitle')} · ${labelOf(entity.label, i18n.language)}`;

  return (
    <Modal
      open={!!target}
      title={title}
      width={isMobile ? '100%' : 880}
      style={isMobile ? { top: 0, maxWidth: '100vw', padding: 0 } : { top: 48 }}
      styles={{ body: { maxHeight: isMobile ? 'calc(100vh - 130px)' : 'calc(100vh - 220px)', overflowY: 'auto', overflowX: 'hidden', paddingRight: 4 } }}
      onCancel={close}
      destroyOnHidden
      mask={{ closable: false }}
      footer={[
        <Button key="cancel" onClick={close}>
          {t('common.cancel')}
        </Button>,
        <Button key="submit" type="primary" loading={isSaving} disabled={!isReady || rowQuery.isError} onClick={() => form.submit()} {...testIdProps<ButtonProps>('form-submit')}>
          {t('common.save')}
        </Button>,
      ]}
    >
      {failure?.kind === 'conflict' && (
        <Alert
          type="warning"
          showIcon
          title={t('form.versionConflict')}
          description={t('form.versionConflictHint')}
          action={
            <Button size="small" onClick={() => void reload()} data-testid="form-reload">
              {t('form.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="form-conflict"
        />
      )}
      {failure?.kind === 'message' && <Alert type="error" showIcon title={failure.text} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {rowQuery.isError && editId !== undefined ? (
        <Result status="warning" title={errorMessage(rowQuery.error, t)} />
      ) : !isReady ? (
        <Skeleton active />
      ) : (
        <Form
          key={`${editId ?? 'new'}:${row?.version ?? 0}`}
          form={form}
          layout="vertical"
          initialValues={initialFormValues(entity, row)}
          preserve={false}
          onFinish={() => void submit()}
          scrollToFirstError
          data-testid="entity-form"
        >
          <EntityFormFields entity={entity} row={row} isMobile={isMobile} />
        </Form>
      )}
    </Modal>
  );
}

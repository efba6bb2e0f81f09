import type { Entity } from '@insure/model/entity';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, Result, Skeleton, type ButtonProps, type FormInstance } from 'antd';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../app/api-client.ts';
import { errorMessage, reasonMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { testIdProps } from '../app/test-id.ts';
import { useIsMobile } from '../app/use-is-mobile.ts';
import { useCustomFields } from './custom-fields.ts';
import { entityApi, type EntityRow } from './entity-api.ts';
import { entityQueryKey } from './entity-query-keys.ts';
import { EntityFormFields } from './EntityFormFields.tsx';
import { buildPayload, initialFormValues, type FormValues } from './form-values.ts';

/** A create may start from suggested values (a won opportunity's signing, for instance). */
export type FormTarget = { mode: 'create'; prefill?: Record<string, unknown> } | { mode: 'edit'; id: number };

interface EntityFormProps {
  entity: Entity;
  /** What to edit; undefined closes the form. */
  target: FormTarget | undefined;
  onClose: () => void;
  onSaved: (row: EntityRow) => void;
}

interface EntityFormBodyProps {
  entity: Entity;
  row: EntityRow | undefined;
  isMobile: boolean;
  formRef: RefObject<FormInstance<FormValues> | null>;
  onSubmit: (values: FormValues) => void;
  prefill?: Record<string, unknown>;
}

/** One form store per opened record (and per reloaded version), so no value leaks from the last one. */
function EntityFormBody({ entity, row, isMobile, formRef, onSubmit, prefill }: EntityFormBodyProps) {
  const [form] = Form.useForm<FormValues>();
  const customFields = useCustomFields(entity);
  useEffect(() => {
    formRef.current = form;
    return () => {
      formRef.current = null;
    };
  }, [form, formRef]);
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initialFormValues(entity, row, customFields, prefill)}
      onFinish={() => onSubmit(form.getFieldsValue(true) as FormValues)}
      scrollToFirstError
      data-testid="entity-form"
    >
      <EntityFormFields entity={entity} row={row} isMobile={isMobile} customFields={customFields} />
    </Form>
  );
}

type Failure = { kind: 'conflict' } | { kind: 'message'; text: string };

/** Create/edit dialog generated from the entity declaration. */
export function EntityForm({ entity, target, onClose, onSaved }: EntityFormProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const isMobile = useIsMobile();
  const queryClient = useQueryClient();
  const formRef = useRef<FormInstance<FormValues> | null>(null);
  const [failure, setFailure] = useState<Failure>();
  const [isSaving, setIsSaving] = useState(false);
  const editId = target?.mode === 'edit' ? target.id : undefined;
  const customFields = useCustomFields(entity);

  const rowQuery = useQuery({
    queryKey: entityQueryKey(entity, 'row', editId ?? 0),
    queryFn: ({ signal }) => entityApi.get(entity, editId ?? 0, signal),
    enabled: editId !== undefined,
    staleTime: 0,
  });
  // The edited version stays fixed while the form is open (a background refetch must not swap the
  // values under the user's hands); only "reload" after a conflict moves to the newest version.
  const [snapshot, setSnapshot] = useState<EntityRow>();
  useEffect(() => {
    if (rowQuery.data && !rowQuery.isFetching && rowQuery.data.id === editId && snapshot?.id !== editId) setSnapshot(rowQuery.data);
  }, [rowQuery.data, rowQuery.isFetching, editId, snapshot?.id]);
  const row = editId === undefined || snapshot?.id !== editId ? undefined : snapshot;
  const isReady = editId === undefined || !!row;

  const close = () => {
    setFailure(undefined);
    setSnapshot(undefined);
    onClose();
  };

  const reload = async () => {
    const result = await rowQuery.refetch();
    if (result.data) setSnapshot(result.data);
    setFailure(undefined);
  };

  const showServerError = (error: unknown) => {
    if (isApiError(error) && error.code === 'VERSION_CONFLICT') {
      setFailure({ kind: 'conflict' });
      return;
    }
    const known = isApiError(error) ? Object.entries(error.fields).filter(([name]) => name in entity.fields || name === 'status' || name === 'sortIndex' || name.startsWith('custom.')) : [];
    if (known.length > 0) formRef.current?.setFields(known.map(([name, reason]) => ({ name: name.split('.'), errors: [reasonMessage(reason, t)] })));
    const unknownCount = isApiError(error) ? Object.keys(error.fields).length - known.length : 0;
    if (known.length === 0 || unknownCount > 0 || (isApiError(error) && error.code !== 'VALIDATION')) {
      setFailure({ kind: 'message', text: errorMessage(error, t) });
    }
  };

  const submit = async (values: FormValues) => {
    const payload = buildPayload(entity, values, row, customFields);
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
      setSnapshot(undefined);
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
        <Button key="submit" type="primary" loading={isSaving} disabled={!isReady || rowQuery.isError} onClick={() => formRef.current?.submit()} {...testIdProps<ButtonProps>('form-submit')}>
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
        <EntityFormBody
          key={`${editId ?? 'new'}:${row?.version ?? 0}`}
          entity={entity}
          row={row}
          isMobile={isMobile}
          formRef={formRef}
          onSubmit={(values) => void submit(values)}
          prefill={target?.mode === 'create' ? target.prefill : undefined}
        />
      )}
    </Modal>
  );
}

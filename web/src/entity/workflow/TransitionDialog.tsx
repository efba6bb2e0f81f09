import type { Entity, Transition } from '@insure/model/entity';
import { Alert, App, Button, Form, Input, Modal, Space, Typography, type ButtonProps, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../app/api-client.ts';
import { errorMessage, reasonMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { testIdProps } from '../../app/test-id.ts';
import { useIsMobile } from '../../app/use-is-mobile.ts';
import { refsOf, type EntityRow } from '../entity-api.ts';
import { entityExtension } from '../entity-extensions.ts';
import { fieldRule } from '../field-rules.ts';
import { FieldInput } from '../FieldInput.tsx';
import { StatusTag } from '../FieldValue.tsx';
import { fromFormValue, toFormValue } from '../form-values.ts';
import { workflowApi } from './workflow-api.ts';

interface TransitionDialogProps {
  entity: Entity;
  row: EntityRow;
  transition: Transition;
  onClose: () => void;
  onDone: (row: EntityRow) => void;
  /** The record moved on or was changed by someone else: reload it. */
  onStale: () => void;
}

type DialogValues = { note?: string; values?: Record<string, unknown> };
type Failure = { kind: 'stale'; text: string } | { kind: 'message'; text: string };

const noteKey = 'note';

/** Initial inputs of the move: the row's current values, then the domain's suggestions (e.g. approved = requested). */
function initialValues(entity: Entity, row: EntityRow, transition: Transition): DialogValues {
  const suggested = entityExtension(entity.name).transitionDefaults?.[transition.action]?.(row) ?? {};
  const values: Record<string, unknown> = {};
  for (const name of transition.fields ?? []) {
    const field = entity.fields[name];
    if (!field) continue;
    values[name] = toFormValue(field, row[name] ?? suggested[name]);
  }
  return { values };
}

/** Server field keys (`note`, `values.approvedAmount`, `approvedAmount`) → form paths. */
function formPath(transition: Transition, key: string): (string | number)[] | undefined {
  if (key === noteKey) return [noteKey];
  const name = key.startsWith('values.') ? key.slice('values.'.length) : key;
  return transition.fields?.includes(name) ? ['values', name] : undefined;
}

/** Confirms one workflow move: optional/required note, the move's own fields, and the server's answer. */
export function TransitionDialog({ entity, row, transition, onClose, onDone, onStale }: TransitionDialogProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const isMobile = useIsMobile();
  const [form] = Form.useForm<DialogValues>();
  const [isSaving, setIsSaving] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  const label = labelOf(transition.label, i18n.language);
  const requires = new Set(transition.requires ?? []);

  const showError = (error: unknown, formInstance: FormInstance<DialogValues>) => {
    if (isApiError(error) && error.code === 'INVALID_TRANSITION') {
      const status = typeof error.params.status === 'string' ? error.params.status : row.status;
      const statusOption = entity.statuses.find((option) => option.value === status);
      setFailure({ kind: 'stale', text: t('workflow.movedOn', { status: statusOption ? labelOf(statusOption.label, i18n.language) : status }) });
      return;
    }
    if (isApiError(error) && error.code === 'VERSION_CONFLICT') {
      setFailure({ kind: 'stale', text: t('workflow.versionConflict') });
      return;
    }
    const entries = isApiError(error) ? Object.entries(error.fields) : [];
    const placed = entries.flatMap(([key, reason]) => {
      const path = formPath(transition, key);
      return path ? [{ name: path, errors: [reasonMessage(reason, t)] }] : [];
    });
    if (placed.length > 0) formInstance.setFields(placed);
    if (placed.length < entries.length || entries.length === 0) setFailure({ kind: 'message', text: errorMessage(error, t) });
  };

  const submit = async (raw: DialogValues) => {
    const values: Record<string, unknown> = {};
    for (const name of transition.fields ?? []) {
      const field = entity.fields[name];
      if (!field) continue;
      const value = fromFormValue(field, raw.values?.[name]);
      if (value !== null) values[name] = value;
    }
    const note = raw.note?.trim();
    setIsSaving(true);
    setFailure(undefined);
    try {
      const updated = await workflowApi.act(entity, row.id, transition.action, {
        version: row.version,
        ...(note ? { note } : {}),
        ...(Object.keys(values).length > 0 ? { values } : {}),
      });
      void message.success(t('workflow.done', { action: label }));
      onDone(updated);
    } catch (error) {
      showError(error, form);
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Modal
      open
      title={label}
      width={isMobile ? '100%' : 560}
      style={isMobile ? { top: 0, maxWidth: '100vw', padding: 0 } : undefined}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
      modalRender={(node) => <div data-testid="action-dialog">{node}</div>}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          danger={transition.danger === true}
          loading={isSaving}
          disabled={failure?.kind === 'stale'}
          onClick={() => form.submit()}
          {...testIdProps<ButtonProps>('action-submit')}
        >
          {label}
        </Button>,
      ]}
    >
      <Space size={6} wrap style={{ marginBottom: 16 }}>
        <Typography.Text type="secondary">{t('workflow.statusChange')}</Typography.Text>
        <StatusTag entity={entity} value={row.status} />
        <span aria-hidden>→</span>
        <StatusTag entity={entity} value={transition.to} />
      </Space>
      {failure && (
        <Alert
          type={failure.kind === 'stale' ? 'warning' : 'error'}
          showIcon
          title={failure.text}
          action={
            failure.kind === 'stale' ? (
              <Button size="small" onClick={onStale} data-testid="action-reload">
                {t('form.reload')}
              </Button>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
          data-testid="action-error"
        />
      )}
      <Form form={form} layout="vertical" initialValues={initialValues(entity, row, transition)} onFinish={(values) => void submit(values)} scrollToFirstError>
        {(transition.fields ?? []).map((name) => {
          const declared = entity.fields[name];
          if (!declared) return null;
          const field = { ...declared, readOnly: false, required: requires.has(name) };
          return (
            <Form.Item
              key={name}
              name={['values', name]}
              label={labelOf(field.label, i18n.language)}
              rules={[fieldRule(field, t)]}
              extra={field.help ? labelOf(field.help, i18n.language) : undefined}
              validateFirst
            >
              <FieldInput field={field} name={name} owner={entity.name} known={refsOf(row, name)} />
            </Form.Item>
          );
        })}
        <Form.Item
          name={noteKey}
          label={t('workflow.note')}
          extra={transition.requiresNote ? t('workflow.noteRequiredHint') : undefined}
          rules={[
            { required: transition.requiresNote === true, whitespace: true, message: t('validation.required') },
            { max: 2000, message: t('validation.maxLength', { maximum: 2000 }) },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="action-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

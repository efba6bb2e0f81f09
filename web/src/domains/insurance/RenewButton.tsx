import { SyncOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Form, Modal, Row, type ButtonProps } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../app/api-client.ts';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage, reasonMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { testIdProps } from '../../app/test-id.ts';
import { useIsMobile } from '../../app/use-is-mobile.ts';
import type { EntityRow } from '../../entity/entity-api.ts';
import { detailPath } from '../../entity/entity-lookup.ts';
import { fieldRule } from '../../entity/field-rules.ts';
import { FieldInput } from '../../entity/FieldInput.tsx';
import { fromFormValue, type FormValues } from '../../entity/form-values.ts';
import { insuranceApi, policyEntity } from './insurance-api.ts';

/** Policies in these states can be renewed (the server decides; this only hides a button that cannot work). */
const renewable = new Set(['inForce', 'expired']);
const inputs = ['startDate', 'endDate', 'premium', 'sumInsured'] as const;

/** The new period follows the old one: from the day after it ends, for as long as it lasted. */
function suggested(row: EntityRow): FormValues {
  const start = typeof row.startDate === 'string' ? dayjs(row.startDate) : undefined;
  const end = typeof row.endDate === 'string' ? dayjs(row.endDate) : undefined;
  const nextStart = end?.isValid() ? end.add(1, 'day') : dayjs();
  const length = start?.isValid() && end?.isValid() ? Math.max(1, end.diff(start, 'day')) : undefined;
  return {
    startDate: nextStart,
    endDate: length === undefined ? undefined : nextStart.add(length, 'day'),
    premium: typeof row.premium === 'number' ? row.premium : undefined,
    sumInsured: typeof row.sumInsured === 'number' ? row.sumInsured : undefined,
  };
}

export const canRenew = (me: ReturnType<typeof useMe>, row: EntityRow): boolean => hasPermission(me, 'policy:create') && renewable.has(row.status);

interface RenewButtonProps {
  row: EntityRow;
  size?: ButtonProps['size'];
  type?: ButtonProps['type'];
  /** Called with the new policy; default: open it. */
  onRenewed?: (policy: EntityRow) => void;
}

/** 续保: a new policy linked to this one (POST /api/policies/:id/renew), then its page. */
export function RenewButton({ row, size, type = 'default', onRenewed }: RenewButtonProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const isMobile = useIsMobile();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [isOpen, setIsOpen] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  const [failure, setFailure] = useState<{ text: string; existingId?: number }>();
  if (!canRenew(me, row)) return null;

  const close = () => {
    setIsOpen(false);
    setFailure(undefined);
  };

  const submit = async (values: FormValues) => {
    const body: Record<string, unknown> = {};
    for (const name of inputs) {
      const value = fromFormValue(policyEntity.fields[name]!, values[name]);
      if (value !== null) body[name] = value;
    }
    setIsSaving(true);
    setFailure(undefined);
    try {
      const created = await insuranceApi.renew(row.id, body);
      void message.success(t('renewals.renewed', { policyNo: String(created.policyNo ?? created.code ?? created.id) }));
      void queryClient.invalidateQueries({ queryKey: ['entity'] });
      close();
      if (onRenewed) onRenewed(created);
      else void navigate(detailPath(policyEntity, created.id));
    } catch (error) {
      const fields = isApiError(error) ? Object.entries(error.fields).filter(([name]) => (inputs as readonly string[]).includes(name)) : [];
      if (fields.length > 0) form.setFields(fields.map(([name, reason]) => ({ name, errors: [reasonMessage(reason, t)] })));
      const existingId = isApiError(error) && typeof error.params.existingId === 'number' ? error.params.existingId : undefined;
      if (existingId !== undefined) setFailure({ text: t('renewals.alreadyRenewed'), existingId });
      else if (fields.length === 0) setFailure({ text: errorMessage(error, t) });
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <>
      <Button type={type} size={size} icon={<SyncOutlined />} onClick={() => setIsOpen(true)} data-testid="action-renew">
        {t('renewals.renew')}
      </Button>
      <Modal
        open={isOpen}
        title={t('renewals.renewTitle', { policyNo: String(row.policyNo ?? row.code ?? row.id) })}
        width={isMobile ? '100%' : 600}
        style={isMobile ? { top: 0, maxWidth: '100vw', padding: 0 } : undefined}
        onCancel={close}
        destroyOnHidden
        mask={{ closable: false }}
        footer={[
          <Button key="cancel" onClick={close}>
            {t('common.cancel')}
          </Button>,
          <Button key="submit" type="primary" loading={isSaving} onClick={() => form.submit()} {...testIdProps<ButtonProps>('renew-submit')}>
            {t('renewals.renew')}
          </Button>,
        ]}
      >
        {failure && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={failure.text}
            action={failure.existingId !== undefined ? <Link to={detailPath(policyEntity, failure.existingId)}>{t('renewals.openRenewal')}</Link> : undefined}
            data-testid="renew-error"
          />
        )}
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('renewals.renewHint')} />
        <Form form={form} layout="vertical" initialValues={suggested(row)} onFinish={(values) => void submit(values)} preserve={false}>
          <Row gutter={16}>
            {inputs.map((name) => {
              const field = policyEntity.fields[name]!;
              return (
                <Col key={name} span={isMobile ? 24 : 12}>
                  <Form.Item name={name} label={labelOf(field.label, i18n.language)} rules={[fieldRule({ ...field, required: false }, t)]} validateFirst>
                    <FieldInput field={field} name={name} />
                  </Form.Item>
                </Col>
              );
            })}
          </Row>
        </Form>
      </Modal>
    </>
  );
}

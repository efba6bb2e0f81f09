import { App, Button, Form, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import type { RowActionProps } from '../../entity/entity-extensions.ts';

const resetSchema = z.looseObject({ password: z.string().optional() });

interface ResetValues {
  mode: 'generate' | 'manual';
  password?: string;
}

/** Accounts row action: reset the password (generated, shown once, or typed by the admin). */
export function ResetPasswordAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResetValues>();
  const [isOpen, setIsOpen] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  const [generated, setGenerated] = useState<string>();
  const mode = Form.useWatch('mode', form);

  if (!row.can.edit) return null;

  const close = () => {
    setIsOpen(false);
    setGenerated(undefined);
  };

  const submit = async (values: ResetValues) => {
    setIsSaving(true);
    try {
      const body = values.mode === 'manual' && values.password ? { password: values.password } : {};
      const result = await api.post(resetSchema, `/api/accounts/${row.id}/reset-password`, body);
      if (values.mode === 'generate' && result.password) setGenerated(result.password);
      else {
        void message.success(t('accounts.passwordReset'));
        close();
      }
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <>
      <Button type="link" size="small" onClick={() => setIsOpen(true)} data-testid="row-reset-password">
        {t('accounts.resetPassword')}
      </Button>
      <Modal
        open={isOpen}
        title={t('accounts.resetPasswordTitle', { name: row.displayName ?? row.code })}
        onCancel={close}
        destroyOnHidden
        okText={generated ? t('common.close') : t('common.confirm')}
        cancelButtonProps={{ style: generated ? { display: 'none' } : undefined }}
        cancelText={t('common.cancel')}
        confirmLoading={isSaving}
        onOk={() => (generated ? close() : form.submit())}
      >
        {generated ? (
          <>
            <Typography.Paragraph type="warning">{t('accounts.passwordShownOnce')}</Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: generated }} className="token-box" data-testid="reset-password-value">
              {generated}
            </Typography.Paragraph>
          </>
        ) : (
          <Form form={form} layout="vertical" initialValues={{ mode: 'generate' }} onFinish={(values) => void submit(values)} preserve={false}>
            <Form.Item name="mode">
              <Radio.Group
                options={[
                  { value: 'generate', label: t('accounts.generatePassword') },
                  { value: 'manual', label: t('accounts.manualPassword') },
                ]}
              />
            </Form.Item>
            {mode === 'manual' && (
              <Form.Item
                name="password"
                label={t('password.new')}
                extra={t('password.rule')}
                rules={[
                  { required: true, message: t('validation.required') },
                  { min: 10, message: t('validation.minLength', { minimum: 10 }) },
                ]}
              >
                <Input.Password autoComplete="new-password" data-testid="reset-password-input" />
              </Form.Item>
            )}
          </Form>
        )}
      </Modal>
    </>
  );
}

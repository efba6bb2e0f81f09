import { Alert, App, Form, Input, Modal, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from './api-client.ts';
import { changePassword } from './auth-api.ts';
import { errorMessage, reasonMessage } from './error-message.ts';
import { testIdProps } from './test-id.ts';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

interface ChangePasswordDialogProps {
  open: boolean;
  /** The user must change the password before going on: no way to dismiss. */
  isForced: boolean;
  onDone: () => void;
  onCancel: () => void;
}

export function ChangePasswordDialog({ open, isForced, onDone, onCancel }: ChangePasswordDialogProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const [isSaving, setIsSaving] = useState(false);
  const [failure, setFailure] = useState<string>();

  const submit = async (values: PasswordValues) => {
    setIsSaving(true);
    setFailure(undefined);
    try {
      await changePassword({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      void message.success(t('password.changed'));
      form.resetFields();
      onDone();
    } catch (error) {
      const fields = isApiError(error) ? Object.entries(error.fields) : [];
      const known = fields.filter(([name]) => name === 'currentPassword' || name === 'newPassword');
      if (known.length > 0) {
        form.setFields(known.map(([name, reason]) => ({ name: name as keyof PasswordValues, errors: [reasonMessage(reason, t)] })));
      } else setFailure(errorMessage(error, t));
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('password.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={isSaving}
      closable={!isForced}
      keyboard={!isForced}
      mask={{ closable: !isForced }}
      cancelButtonProps={{ style: isForced ? { display: 'none' } : undefined }}
      okButtonProps={testIdProps<ButtonProps>('password-submit')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
    >
      {isForced && <Alert type="warning" showIcon title={t('password.mustChange')} style={{ marginBottom: 16 }} />}
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} preserve={false}>
        <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="current-password" data-testid="password-current" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.new')}
          extra={t('password.rule')}
          rules={[
            { required: true, message: t('validation.required') },
            { min: 10, message: t('validation.minLength', { minimum: 10 }) },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="password-new" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="password-confirm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

import { Alert, App, DatePicker, Form, Input, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, isApiError } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import { RefSelect } from '../../entity/RefSelect.tsx';

const createdSchema = z.looseObject({ id: z.number(), token: z.string() });

interface TokenValues {
  accountId: number;
  name: string;
  expiresAt: Dayjs;
}

interface CreateTokenDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: () => void;
}

/** Creates a token for an account; the token itself is shown once, with a copy button. */
export function CreateTokenDialog({ open, onClose, onCreated }: CreateTokenDialogProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TokenValues>();
  const [isSaving, setIsSaving] = useState(false);
  const [token, setToken] = useState<string>();

  const close = () => {
    setToken(undefined);
    onClose();
  };

  const submit = async (values: TokenValues) => {
    setIsSaving(true);
    try {
      const created = await api.post(createdSchema, '/api/api-tokens', {
        accountId: values.accountId,
        name: values.name.trim(),
        expiresAt: values.expiresAt.format('YYYY-MM-DD'),
      });
      setToken(created.token);
      onCreated();
    } catch (error) {
      const fields = isApiError(error) ? Object.entries(error.fields) : [];
      if (fields.length > 0) form.setFields(fields.map(([name, reason]) => ({ name: name as keyof TokenValues, errors: [reason] })));
      else void message.error(errorMessage(error, t));
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('tokens.create')}
      onCancel={close}
      onOk={() => (token ? close() : form.submit())}
      okText={token ? t('common.close') : t('common.confirm')}
      cancelText={t('common.cancel')}
      cancelButtonProps={{ style: token ? { display: 'none' } : undefined }}
      confirmLoading={isSaving}
      destroyOnHidden
    >
      {token ? (
        <>
          <Alert type="warning" showIcon title={t('tokens.shownOnce')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable={{ text: token }} className="token-box" data-testid="token-value">
            {token}
          </Typography.Paragraph>
        </>
      ) : (
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ expiresAt: dayjs().add(90, 'day') }}
          onFinish={(values) => void submit(values)}
        >
          <Form.Item name="accountId" label={t('tokens.account')} rules={[{ required: true, message: t('validation.required') }]}>
            <RefSelect target="account" testId="token-account" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('tokens.name')}
            rules={[
              { required: true, whitespace: true, message: t('validation.required') },
              { max: 60, message: t('validation.maxLength', { maximum: 60 }) },
            ]}
          >
            <Input maxLength={60} placeholder={t('tokens.namePlaceholder')} data-testid="token-name" />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('tokens.expiresAt')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isBefore(dayjs().add(1, 'day'), 'day')} data-testid="token-expires" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

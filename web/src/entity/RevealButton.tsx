import { EyeOutlined } from '@ant-design/icons';
import type { Entity } from '@insure/model/entity';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../app/error-message.ts';
import { entityApi } from './entity-api.ts';

interface RevealButtonProps {
  entity: Entity;
  id: number;
  field: string;
  fieldLabel: string;
  onRevealed: (value: unknown) => void;
}

/** Asks for a reason, then fetches one personal-data field in full (the server logs the view). */
export function RevealButton({ entity, id, field, fieldLabel, onRevealed }: RevealButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isOpen, setIsOpen] = useState(false);
  const [isLoading, setIsLoading] = useState(false);

  const reveal = async ({ reason }: { reason: string }) => {
    setIsLoading(true);
    try {
      const values = await entityApi.reveal(entity, id, [field], reason.trim());
      onRevealed(values[field] ?? null);
      setIsOpen(false);
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setIsLoading(false);
    }
  };

  return (
    <>
      <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setIsOpen(true)} data-testid={`reveal-${field}`}>
        {t('detail.reveal')}
      </Button>
      <Modal
        open={isOpen}
        title={t('detail.revealTitle', { field: fieldLabel })}
        okText={t('detail.reveal')}
        cancelText={t('common.cancel')}
        confirmLoading={isLoading}
        onOk={() => form.submit()}
        onCancel={() => setIsOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(values) => void reveal(values)} preserve={false}>
          <Form.Item
            name="reason"
            label={t('detail.revealReason')}
            extra={t('detail.revealHint')}
            rules={[
              { required: true, whitespace: true, message: t('validation.required') },
              { min: 2, message: t('validation.minLength', { minimum: 2 }) },
              { max: 200, message: t('validation.maxLength', { maximum: 200 }) },
            ]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount data-testid="reveal-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

import { DeleteOutlined, DownOutlined, EyeOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Form, Input, Modal, Select, Space, type MenuProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../app/AuthProvider.tsx';
import { errorMessage } from '../app/error-message.ts';
import type { SavedView } from './list-settings.ts';

interface SavedViewsProps {
  views: SavedView[];
  activeViewId: number | undefined;
  hasDefaultFilters: boolean;
  onApply: (view: SavedView) => void;
  onSave: (input: { name: string; sharedRoleId: number | null }) => Promise<unknown>;
  onDelete: (view: SavedView) => Promise<unknown>;
  onSetDefault: () => void;
  onClearDefault: () => void;
}

/** Saved views of a list ("my renewals this month"): apply, save the current one, share within a role, default filters. */
export function SavedViews(props: SavedViewsProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [isSaving, setIsSaving] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ name: string; sharedRoleId?: number }>();
  const active = props.views.find((view) => view.id === props.activeViewId);

  const viewItems: MenuProps['items'] = props.views.map((view) => ({
    key: `view-${view.id}`,
    icon: view.mine ? <EyeOutlined /> : <TeamOutlined />,
    label: (
      <Space style={{ width: '100%', justifyContent: 'space-between' }} data-testid="saved-view">
        <span>{view.mine ? view.name : t('views.sharedBy', { name: view.name, owner: view.ownerName })}</span>
        {view.mine && (
          <DeleteOutlined
            aria-label={t('views.delete', { name: view.name })}
            data-testid={`saved-view-delete-${view.id}`}
            onClick={(event) => {
              event.stopPropagation();
              props.onDelete(view).then(() => void message.success(t('views.deleted', { name: view.name })), (error: unknown) => void message.error(errorMessage(error, t)));
            }}
          />
        )}
      </Space>
    ),
  }));
  const items: MenuProps['items'] = [
    ...(viewItems.length ? [{ type: 'group' as const, key: 'views', label: t('views.saved'), children: viewItems }, { type: 'divider' as const }] : []),
    { key: 'save', label: <span data-testid="saved-view-save">{t('views.saveCurrent')}</span> },
    { key: 'default', label: <span data-testid="saved-view-default">{t('views.setDefault')}</span> },
    ...(props.hasDefaultFilters ? [{ key: 'clear-default', label: <span data-testid="saved-view-clear-default">{t('views.clearDefault')}</span> }] : []),
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'save') {
      form.resetFields();
      setIsSaving(true);
    } else if (key === 'default') {
      props.onSetDefault();
      void message.success(t('views.defaultSet'));
    } else if (key === 'clear-default') {
      props.onClearDefault();
      void message.success(t('views.defaultCleared'));
    } else {
      const view = props.views.find((candidate) => `view-${candidate.id}` === key);
      if (view) props.onApply(view);
    }
  };

  const save = async (values: { name: string; sharedRoleId?: number }) => {
    setBusy(true);
    try {
      await props.onSave({ name: values.name.trim(), sharedRoleId: values.sharedRoleId ?? null });
      void message.success(t('views.savedAs', { name: values.name.trim() }));
      setIsSaving(false);
    } catch (error) {
      form.setFields([{ name: 'name', errors: [errorMessage(error, t)] }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Dropdown trigger={['click']} menu={{ items, onClick }}>
        <Button data-testid="saved-views">
          {active ? active.name : t('views.title')} <DownOutlined />
        </Button>
      </Dropdown>
      <Modal open={isSaving} title={t('views.saveCurrent')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy} onCancel={() => setIsSaving(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(values) => void save(values)} data-testid="saved-view-form">
          <Form.Item name="name" label={t('views.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 50, message: t('validation.maxLength', { maximum: 50 }) }]}>
            <Input maxLength={50} placeholder={t('views.namePlaceholder')} data-testid="saved-view-name" />
          </Form.Item>
          <Form.Item name="sharedRoleId" label={t('views.shareWith')} extra={t('views.shareHint')}>
            <Select allowClear placeholder={t('views.private')} options={me.roles.map((role) => ({ value: role.id, label: role.name }))} data-testid="saved-view-share" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

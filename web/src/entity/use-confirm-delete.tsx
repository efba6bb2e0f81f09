import type { Entity } from '@insure/model/entity';
import { Alert, App, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../app/error-message.ts';
import { labelOf } from '../app/i18n.ts';
import { testIdProps } from '../app/test-id.ts';
import { entityApi, type Dependent, type EntityRow } from './entity-api.ts';
import { entityByName, recordName } from './entity-lookup.ts';

/**
 * Delete with confirmation. The dialog first lists the live records that refer to the row (SPEC:
 * "deleting a record that live records depend on first shows what depends on it").
 */
export function useConfirmDelete(entity: Entity, onDeleted: (row: EntityRow) => void): (row: EntityRow) => Promise<void> {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();

  const describe = (dependent: Dependent) => {
    const source = entityByName(dependent.entity);
    const field = source?.fields[dependent.field];
    const sourceLabel = source ? labelOf(source.label, i18n.language) : dependent.entity;
    const fieldLabel = field ? labelOf(field.label, i18n.language) : dependent.field;
    return t('list.dependentLine', { entity: sourceLabel, field: fieldLabel, count: dependent.count });
  };

  return async (row: EntityRow) => {
    let dependents: Dependent[] = [];
    try {
      dependents = await entityApi.dependents(entity, row.id);
    } catch {
      // the list of dependents is advisory; the server still refuses a delete it does not allow
    }
    modal.confirm({
      title: t('list.deleteConfirm', { name: recordName(entity, row) }),
      content:
        dependents.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            title={t('list.hasDependents')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {dependents.map((dependent) => (
                  <li key={`${dependent.entity}.${dependent.field}`}>{describe(dependent)}</li>
                ))}
              </ul>
            }
          />
        ) : (
          <Typography.Text type="secondary">{t('list.deleteHint')}</Typography.Text>
        ),
      okText: t('common.delete'),
      okButtonProps: { danger: true, ...testIdProps<ButtonProps>('confirm-delete') },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await entityApi.remove(entity, row.id);
          void message.success(t('list.deleted'));
          onDeleted(row);
        } catch (error) {
          void message.error(errorMessage(error, t));
        }
      },
    });
  };
}

import type { Entity } from '@insure/model/entity';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EntityRow } from './entity-api.ts';
import { entityExtension } from './entity-extensions.ts';
import { WorkflowActions } from './workflow/WorkflowActions.tsx';

interface RowActionsProps {
  entity: Entity;
  row: EntityRow;
  onDetail: () => void;
  onEdit: () => void;
  onDelete: () => Promise<void>;
  onChanged: () => void;
}

/** Detail always; edit, delete and workflow moves only where the server's `can` allows them. */
export function RowActions({ entity, row, onDetail, onEdit, onDelete, onChanged }: RowActionsProps) {
  const { t } = useTranslation();
  const extraActions = entityExtension(entity.name).rowActions ?? [];
  return (
    <Space size={0} wrap>
      <Button type="link" size="small" onClick={onDetail} data-testid="row-detail">
        {t('list.detail')}
      </Button>
      {row.can.edit && (
        <Button type="link" size="small" onClick={onEdit} data-testid="row-edit">
          {t('list.edit')}
        </Button>
      )}
      {row.can.delete && (
        <Button type="link" size="small" danger onClick={() => void onDelete()} data-testid="row-delete">
          {t('list.delete')}
        </Button>
      )}
      {entity.workflow && <WorkflowActions entity={entity} row={row} variant="menu" onDone={onChanged} />}
      {extraActions.map((Action, index) => (
        <Action key={index} entity={entity} row={row} onDone={onChanged} />
      ))}
    </Space>
  );
}

import { DownOutlined } from '@ant-design/icons';
import type { Entity, Transition } from '@insure/model/entity';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../../app/i18n.ts';
import type { EntityRow } from '../entity-api.ts';
import { entityQueryKey } from '../entity-query-keys.ts';
import { TransitionDialog } from './TransitionDialog.tsx';
import { availableTransitions } from './workflow-api.ts';

interface WorkflowActionsProps {
  entity: Entity;
  row: EntityRow;
  /** buttons: the detail views; menu: one compact dropdown for list rows. */
  variant?: 'buttons' | 'menu';
  onDone?: (row: EntityRow) => void;
}

/** The workflow moves the caller may make on a record now (row.can.actions), each through its dialog. */
export function WorkflowActions({ entity, row, variant = 'buttons', onDone }: WorkflowActionsProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Transition>();
  const transitions = availableTransitions(entity, row);
  if (!entity.workflow || transitions.length === 0) return null;

  // A move can touch other modules too (issuing a signing creates a policy and a contract).
  const refreshAll = () => void queryClient.invalidateQueries({ queryKey: ['entity'] });
  const done = (updated: EntityRow) => {
    queryClient.setQueryData(entityQueryKey(entity, 'row', updated.id), updated);
    setChosen(undefined);
    refreshAll();
    onDone?.(updated);
  };
  const stale = () => {
    setChosen(undefined);
    refreshAll();
  };

  const dialog = chosen && (
    <TransitionDialog key={chosen.action} entity={entity} row={row} transition={chosen} onClose={() => setChosen(undefined)} onDone={done} onStale={stale} />
  );

  if (variant === 'menu') {
    return (
      <>
        <Dropdown
          trigger={['click']}
          menu={{
            items: transitions.map((transition) => ({
              key: transition.action,
              danger: transition.danger === true,
              label: <span data-testid={`action-${transition.action}`}>{labelOf(transition.label, i18n.language)}</span>,
            })),
            onClick: ({ key }) => setChosen(transitions.find((transition) => transition.action === key)),
          }}
        >
          <Button type="link" size="small" data-testid="row-workflow">
            {t('workflow.process')} <DownOutlined />
          </Button>
        </Dropdown>
        {dialog}
      </>
    );
  }

  return (
    <>
      <Space wrap size={8} data-testid="workflow-actions">
        {transitions.map((transition) => (
          <Button
            key={transition.action}
            type={transition.danger ? 'default' : 'primary'}
            ghost={!transition.danger}
            danger={transition.danger === true}
            onClick={() => setChosen(transition)}
            data-testid={`action-${transition.action}`}
          >
            {labelOf(transition.label, i18n.language)}
          </Button>
        ))}
      </Space>
      {dialog}
    </>
  );
}

import { actions, type Action } from '@insure/model/entity';
import type { Label } from '@insure/model/field';
import { entityActions, extraModules } from '@insure/model/permissions';
import { entities } from '@insure/model/registry';
import { Checkbox, Table, type TableColumnType } from 'antd';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';

interface ModuleRow {
  name: string;
  label: Label;
  actions: Action[];
}

const modules: ModuleRow[] = [
  ...entities.map((entity) => ({ name: entity.name, label: entity.label, actions: entityActions(entity.name) })),
  ...extraModules.map((module) => ({ name: module.name, label: module.label, actions: entityActions(module.name) })),
];

const key = (module: string, action: Action) => `${module}:${action}`;

interface PermissionMatrixProps {
  value?: string[];
  onChange?: (value: string[]) => void;
}

/** Modules × actions checkboxes editing a role's permission keys. */
export function PermissionMatrix({ value = [], onChange }: PermissionMatrixProps) {
  const { t, i18n } = useTranslation();
  const selected = new Set(value);
  const emit = (next: Set<string>) => onChange?.([...next].sort());

  const toggle = (keys: string[], isOn: boolean) => {
    const next = new Set(selected);
    for (const item of keys) {
      if (isOn) next.add(item);
      else next.delete(item);
    }
    emit(next);
  };

  const tristate = (keys: string[]) => {
    const count = keys.filter((item) => selected.has(item)).length;
    return { checked: keys.length > 0 && count === keys.length, indeterminate: count > 0 && count < keys.length };
  };

  const actionColumns: TableColumnType<ModuleRow>[] = actions.map((action) => {
    const columnKeys = modules.filter((module) => module.actions.includes(action)).map((module) => key(module.name, action));
    return {
      key: action,
      align: 'center',
      width: 84,
      title: (
        <Checkbox {...tristate(columnKeys)} onChange={(event) => toggle(columnKeys, event.target.checked)}>
          {t(`actions.${action}`)}
        </Checkbox>
      ),
      render: (_value: unknown, module: ModuleRow) =>
        module.actions.includes(action) ? (
          <Checkbox
            checked={selected.has(key(module.name, action))}
            aria-label={`${labelOf(module.label, i18n.language)} ${t(`actions.${action}`)}`}
            data-testid={`perm-${module.name}-${action}`}
            onChange={(event) => toggle([key(module.name, action)], event.target.checked)}
          />
        ) : null,
    };
  });

  const columns: TableColumnType<ModuleRow>[] = [
    {
      key: 'module',
      title: t('permissions.module'),
      fixed: 'left',
      width: 160,
      render: (_value: unknown, module: ModuleRow) => {
        const rowKeys = module.actions.map((action) => key(module.name, action));
        return (
          <Checkbox {...tristate(rowKeys)} onChange={(event) => toggle(rowKeys, event.target.checked)}>
            {labelOf(module.label, i18n.language)}
          </Checkbox>
        );
      },
    },
    ...actionColumns,
  ];

  return (
    <Table<ModuleRow>
      className="permission-matrix"
      rowKey="name"
      size="small"
      bordered
      pagination={false}
      columns={columns}
      dataSource={modules}
      scroll={{ x: 'max-content' }}
      data-testid="permission-matrix"
    />
  );
}

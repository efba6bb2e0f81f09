import type { Field } from '@insure/model/field';
import { DatePicker, Input, InputNumber, Select, Switch } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';
import type { RefValue } from './entity-api.ts';
import { PermissionMatrix } from './PermissionMatrix.tsx';
import { RefSelect } from './RefSelect.tsx';

interface FieldInputProps {
  field: Field;
  name: string;
  id?: string;
  value?: unknown;
  onChange?: (value: unknown) => void;
  /** Labels of the current references (edit form). */
  known?: RefValue[];
  placeholder?: string;
  /** The entity whose form this is: references with their own accepted statuses ask the picker for them. */
  owner?: string;
}

const refIds = (value: unknown): number | number[] | undefined =>
  typeof value === 'number' || (Array.isArray(value) && value.every((item) => typeof item === 'number')) ? (value as number | number[]) : undefined;

/** The form control for one field kind. Form.Item passes value/onChange. */
export function FieldInput({ field, name, id, value, onChange, known, placeholder, owner }: FieldInputProps) {
  const { t, i18n } = useTranslation();
  const testId = `field-${name}`;
  const change = (next: unknown) => onChange?.(next);
  const text = typeof value === 'string' ? value : undefined;
  const number = typeof value === 'number' ? value : null;
  const common = { id, 'data-testid': testId, placeholder };

  switch (field.kind) {
    case 'textarea':
      return <Input.TextArea {...common} value={text} onChange={(event) => change(event.target.value)} rows={3} maxLength={field.max} showCount />;
    case 'money':
      return (
        <InputNumber<number> {...common} value={number} onChange={change} precision={2} min={field.min} max={field.max} prefix="¥" style={{ width: '100%' }} />
      );
    case 'int':
      return <InputNumber<number> {...common} value={number} onChange={change} precision={0} min={field.min} max={field.max} style={{ width: '100%' }} />;
    case 'decimal':
      return <InputNumber<number> {...common} value={number} onChange={change} min={field.min} max={field.max} style={{ width: '100%' }} />;
    case 'date':
      return <DatePicker {...common} value={dayjsValue(value)} onChange={change} style={{ width: '100%' }} />;
    case 'datetime':
      return <DatePicker {...common} showTime value={dayjsValue(value)} onChange={change} style={{ width: '100%' }} />;
    case 'bool':
      return <Switch id={id} data-testid={testId} checked={value === true} onChange={change} />;
    case 'enum':
      return (
        <Select
          {...common}
          allowClear={!field.required}
          value={text}
          onChange={(next: string | undefined) => change(next ?? null)}
          placeholder={placeholder ?? t('common.pleaseSelect')}
          options={field.options.map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))}
          showSearch={{ optionFilterProp: 'label' }}
        />
      );
    case 'ref':
    case 'refMany':
      return (
        <RefSelect
          id={id}
          target={field.entity}
          isMultiple={field.kind === 'refMany'}
          value={refIds(value)}
          onChange={change}
          known={known}
          testId={testId}
          asker={owner && field.refStatuses ? `${owner}.${name}` : undefined}
        />
      );
    case 'permissions':
      return <PermissionMatrix value={Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []} onChange={change} />;
    case 'phone':
      return <Input {...common} value={text} onChange={(event) => change(event.target.value)} maxLength={field.max} inputMode="tel" allowClear />;
    case 'email':
      return <Input {...common} value={text} onChange={(event) => change(event.target.value)} maxLength={field.max} inputMode="email" allowClear />;
    default:
      return <Input {...common} value={text} onChange={(event) => change(event.target.value)} maxLength={field.max} allowClear />;
  }
}

function dayjsValue(value: unknown) {
  return dayjs.isDayjs(value) ? value : null;
}

import type { Field } from '@insure/model/field';
import { DatePicker, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../app/i18n.ts';
import { RangeNumberInput } from './RangeNumberInput.tsx';
import { RefSelect } from './RefSelect.tsx';

type DateRange = [Dayjs | null, Dayjs | null];
type NumberRange = [number | null | undefined, number | null | undefined];

const asDateRange = (value: unknown): DateRange | null =>
  Array.isArray(value) && value.length === 2 && value.every((item) => item === null || dayjs.isDayjs(item)) ? (value as DateRange) : null;

const asNumberRange = (value: unknown): NumberRange | undefined =>
  Array.isArray(value) && value.length === 2 && value.every((item) => item == null || typeof item === 'number')
    ? (value as NumberRange)
    : undefined;

interface FilterInputProps {
  field: Field;
  name: string;
  id?: string;
  value?: unknown;
  onChange?: (value: unknown) => void;
  /** One value instead of a set (custom select fields filter by equality). */
  isSingle?: boolean;
}

/**
 * The query-form control for one filterable field: text → input, enum → multi-select,
 * ref → remote multi-select, date/money/int → range, bool → yes/no select.
 */
export function FilterInput({ field, name, id, value, onChange, isSingle = false }: FilterInputProps) {
  const { t, i18n } = useTranslation();
  const testId = `filter-${name}`;
  const change = (next: unknown) => onChange?.(next);

  switch (field.kind) {
    case 'enum':
      return (
        <Select
          id={id}
          mode={isSingle ? undefined : 'multiple'}
          allowClear
          maxTagCount="responsive"
          value={value}
          onChange={change}
          placeholder={t('common.all')}
          options={field.options.map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))}
          showSearch={{ optionFilterProp: 'label' }}
          data-testid={testId}
        />
      );
    case 'ref':
    case 'refMany':
      return (
        <RefSelect
          id={id}
          target={field.entity}
          isMultiple
          value={Array.isArray(value) ? (value as number[]) : undefined}
          onChange={change}
          testId={testId}
        />
      );
    case 'bool':
      return (
        <Select
          id={id}
          allowClear
          value={value}
          onChange={change}
          placeholder={t('common.all')}
          options={[
            { value: true, label: t('common.yes') },
            { value: false, label: t('common.no') },
          ]}
          data-testid={testId}
        />
      );
    case 'date':
    case 'datetime':
      return (
        <DatePicker.RangePicker
          id={id}
          style={{ width: '100%' }}
          value={asDateRange(value)}
          onChange={change}
          placeholder={[t('common.startDate'), t('common.endDate')]}
          data-testid={testId}
        />
      );
    case 'money':
    case 'int':
    case 'decimal':
      return (
        <RangeNumberInput
          id={id}
          value={asNumberRange(value)}
          onChange={change}
          precision={field.kind === 'money' ? 2 : field.kind === 'int' ? 0 : undefined}
          prefix={field.kind === 'money' ? '¥' : undefined}
        />
      );
    default:
      return (
        <Input
          id={id}
          allowClear
          value={typeof value === 'string' ? value : undefined}
          onChange={(event) => change(event.target.value)}
          placeholder={t('common.contains')}
          data-testid={testId}
        />
      );
  }
}

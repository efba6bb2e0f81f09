import { InputNumber, Space } from 'antd';
import { useTranslation } from 'react-i18next';

type Range = [number | null | undefined, number | null | undefined];

interface RangeNumberInputProps {
  value?: Range;
  onChange?: (value: Range) => void;
  precision?: number;
  prefix?: string;
  id?: string;
}

/** From–to pair of number inputs for range filters on money/int/decimal fields. */
export function RangeNumberInput({ value, onChange, precision, prefix, id }: RangeNumberInputProps) {
  const { t } = useTranslation();
  const [from, to] = value ?? [undefined, undefined];
  return (
    <Space.Compact style={{ width: '100%' }}>
      <InputNumber
        id={id}
        style={{ width: '50%' }}
        value={from}
        precision={precision}
        prefix={prefix}
        placeholder={t('common.min')}
        aria-label={t('common.min')}
        onChange={(next) => onChange?.([next, to])}
      />
      <InputNumber
        style={{ width: '50%' }}
        value={to}
        precision={precision}
        prefix={prefix}
        placeholder={t('common.max')}
        aria-label={t('common.max')}
        onChange={(next) => onChange?.([from, next])}
      />
    </Space.Compact>
  );
}

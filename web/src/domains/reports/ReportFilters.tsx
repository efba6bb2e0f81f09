import { insuranceTypes } from '@insure/model/enums/insurance';
import { DatePicker, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../../app/i18n.ts';
import { RefSelect } from '../../entity/RefSelect.tsx';

export interface CommonFilters {
  from?: string;
  to?: string;
  orgId?: number;
  productType?: string;
}

/** Period, organisation (subtree) and product-type filters shared by the report and analysis dashboards. */
export function ReportFilters({ value, onChange, allowEmptyPeriod = false }: { value: CommonFilters; onChange: (next: CommonFilters) => void; allowEmptyPeriod?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Space wrap>
      <DatePicker.RangePicker
        value={value.from && value.to ? [dayjs(value.from), dayjs(value.to)] : null}
        allowClear={allowEmptyPeriod}
        onChange={(range) => onChange({ ...value, from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })}
        data-testid="report-period"
      />
      <div style={{ minWidth: 200 }}>
        <RefSelect target="organisation" value={value.orgId ?? null} onChange={(orgId) => onChange({ ...value, orgId: typeof orgId === 'number' ? orgId : undefined })} placeholder={t('reports.filters.org')} testId="report-org" />
      </div>
      <Select
        allowClear
        style={{ minWidth: 140 }}
        placeholder={t('reports.filters.productType')}
        value={value.productType}
        onChange={(productType?: string) => onChange({ ...value, productType })}
        options={insuranceTypes.map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))}
        data-testid="report-product-type"
        aria-label={t('reports.filters.productType')}
      />
    </Space>
  );
}

import { formatYuan } from '../sales/plans-api.ts';
import { formatNumber, formatPercent } from '../../entity/format-value.ts';

export type MeasureKind = 'money' | 'count' | 'ratio' | 'score';

/** A report value for display: money with two decimals, ratios as percentages, blanks as '-'. */
export function formatMeasure(value: number | null | undefined, kind: MeasureKind, locale: string): string {
  if (value === null || value === undefined) return '-';
  if (kind === 'money') return formatYuan(value, locale);
  if (kind === 'ratio') return formatPercent(value, locale);
  return formatNumber(value, locale);
}

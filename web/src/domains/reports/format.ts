import { formatYuan } from '../sales/plans-api.ts';

export type MeasureKind = 'money' | 'count' | 'ratio' | 'score';

/** A report value for display: money with two decimals, ratios as percentages, blanks as '-'. */
export function formatMeasure(value: number | null | undefined, kind: MeasureKind, locale: string): string {
  if (value === null || value === undefined) return '-';
  if (kind === 'money') return formatYuan(value, locale);
  if (kind === 'ratio') return `${(value * 100).toFixed(1)}%`;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

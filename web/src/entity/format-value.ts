import type { EnumOption, Field } from '@insure/model/field';
import dayjs from 'dayjs';
import { currentLocale, labelOf } from '../app/i18n.ts';

// Every figure, date and amount shown goes through Intl with the user's language (zh-CN: 2026/12/31 and ¥1,234.50;
// en-US: 12/31/2026 and CN¥1,234.50); the formatters are built once per locale and options.
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let format = formats.get(key) as T | undefined;
  if (!format) {
    format = build();
    formats.set(key, format);
  }
  return format;
}

/** An amount in yuan as CNY currency. */
export function formatMoney(value: number, locale: string = currentLocale()): string {
  return cached(`money:${locale}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(value);
}

/** A count or measure with the locale's grouping (1,234.5). */
export function formatNumber(value: number, locale: string = currentLocale(), maximumFractionDigits = 2): string {
  return cached(`number:${locale}:${maximumFractionDigits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits })).format(value);
}

/** A ratio (0.125) as a percentage (12.5%). */
export function formatPercent(ratio: number, locale: string = currentLocale(), fractionDigits = 1): string {
  return cached(`percent:${locale}:${fractionDigits}`, () => new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })).format(ratio);
}

/** A calendar date (YYYY-MM-DD from the API) in the locale's form; read as a local date, so no time zone shifts the day. */
export function formatDate(value: string, locale: string = currentLocale()): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : dayjs(value).toDate();
  if (Number.isNaN(date.getTime())) return value;
  return cached(`date:${locale}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' })).format(date);
}

/** A point in time in the locale's form, in the browser's time zone, to the second (or the minute). */
export function formatDateTime(value: string, locale: string = currentLocale(), withSeconds = true): string {
  const parsed = dayjs(value);
  if (!parsed.isValid()) return value;
  return cached(
    `datetime:${locale}:${withSeconds}`,
    () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23' }),
  ).format(parsed.toDate());
}

export const findOption = (options: readonly EnumOption[], value: unknown): EnumOption | undefined =>
  options.find((option) => option.value === value);

export const isBlank = (value: unknown): boolean => value === null || value === undefined || value === '';

/**
 * Plain-text form of a stored field value, for history entries and other places without the row's
 * reference labels (references fall back to their ids).
 */
export function formatPlain(field: Field | undefined, value: unknown, locale: string, yes: string, no: string): string {
  if (isBlank(value)) return '-';
  if (!field) return typeof value === 'string' ? value : JSON.stringify(value);
  switch (field.kind) {
    case 'enum': {
      const option = findOption(field.options, value);
      return option ? labelOf(option.label, locale) : String(value);
    }
    case 'money':
      return typeof value === 'number' ? formatMoney(value, locale) : String(value);
    case 'datetime':
      return typeof value === 'string' ? formatDateTime(value, locale) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value, locale) : String(value);
    case 'int':
    case 'decimal':
      return typeof value === 'number' ? formatNumber(value, locale) : String(value);
    case 'bool':
      return value === true ? yes : value === false ? no : String(value);
    case 'refMany':
    case 'permissions':
      return Array.isArray(value) ? value.join(', ') : String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

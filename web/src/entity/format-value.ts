import type { EnumOption, Field } from '@insure/model/field';
import dayjs from 'dayjs';
import { labelOf } from '../app/i18n.ts';

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(value: number, locale: string): string {
  let format = moneyFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    moneyFormats.set(locale, format);
  }
  return format.format(value);
}

export const formatDateTime = (value: string): string => {
  const parsed = dayjs(value);
  return parsed.isValid() ? parsed.format('YYYY-MM-DD HH:mm:ss') : value;
};

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
      return typeof value === 'string' ? formatDateTime(value) : String(value);
    case 'bool':
      return value === true ? yes : value === false ? no : String(value);
    case 'refMany':
    case 'permissions':
      return Array.isArray(value) ? value.join(', ') : String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** GB 11643-1999 check digit of an 18-digit resident ID number. */
export function isValidChineseIdNumber(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const checkChars = '10X98765432';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * weights[i]!;
  if (checkChars[sum % 11] !== value[17]) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  return isValidDateParts(year, month, day) && year >= 1900;
}

export function isValidDateParts(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isValidIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return !!match && isValidDateParts(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Mainland mobile numbers, or landlines with area code (010-12345678). */
export const phonePattern = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export function maskIdNumber(value: string): string {
  return value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

export function maskPhone(value: string): string {
  return value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** Free text PII keeps only its first few characters (e.g. the city of an address). */
export function maskText(value: string): string {
  const chars = Array.from(value);
  const keep = Math.min(6, Math.floor(chars.length / 3));
  return `${chars.slice(0, keep).join('')}****`;
}

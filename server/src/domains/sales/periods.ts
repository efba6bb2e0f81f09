/** Calendar arithmetic of sales periods, on ISO dates (YYYY-MM-DD), all in UTC days. */

export type PeriodType = 'month' | 'quarter' | 'year';
export type Granularity = PeriodType;

const dayMs = 86_400_000;
const pad = (value: number) => String(value).padStart(2, '0');

export function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First and last day of the commission month 'YYYY-MM'. */
export function monthBounds(period: string): { start: string; end: string } {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return { start: `${period}-01`, end: `${period}-${pad(lastDayOfMonth(year, month))}` };
}

export function nextMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${pad(month + 1)}`;
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / dayMs);
}

/** Share of the period [start, end] elapsed by `today` (0 before it starts, 1 once it ended), counting today as elapsed. */
export function elapsedFraction(start: string, end: string, today: string): number {
  if (today < start) return 0;
  if (today >= end) return 1;
  return (daysBetween(start, today) + 1) / (daysBetween(start, end) + 1);
}

/** The sub-periods a period splits into (year → quarters or months, quarter → months). */
export function subPeriods(start: string, end: string, into: 'quarter' | 'month'): { start: string; end: string }[] {
  const result: { start: string; end: string }[] = [];
  let [year, month] = start.split('-').map(Number) as [number, number];
  const step = into === 'quarter' ? 3 : 1;
  for (;;) {
    const lastMonth = month + step - 1;
    const lastYear = year + Math.floor((lastMonth - 1) / 12);
    const normalisedLast = ((lastMonth - 1) % 12) + 1;
    const piece = { start: `${year}-${pad(month)}-01`, end: `${lastYear}-${pad(normalisedLast)}-${pad(lastDayOfMonth(lastYear, normalisedLast))}` };
    if (piece.start > end) break;
    result.push(piece);
    month += step;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
  return result;
}

/** The bucket a date falls into for trends: '2026-05', '2026-Q2' or '2026'. */
export function bucketOf(date: string, granularity: Granularity): string {
  const year = date.slice(0, 4);
  if (granularity === 'year') return year;
  if (granularity === 'quarter') return `${year}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  return date.slice(0, 7);
}

/** Every bucket from `from` to `to`, in order (so empty months show as zero). */
export function bucketsBetween(from: string, to: string, granularity: Granularity): string[] {
  const buckets: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const last = bucketOf(to, granularity);
  for (let guard = 0; guard < 1200; guard++) {
    const bucket = bucketOf(`${year}-${pad(month)}-01`, granularity);
    if (buckets[buckets.length - 1] !== bucket) buckets.push(bucket);
    if (bucket === last) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return buckets;
}

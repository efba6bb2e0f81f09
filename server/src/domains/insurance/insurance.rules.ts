/** Pure rules of the insurance core (table-tested without a database). */

/** Whole years between a birth date and a date (both YYYY-MM-DD). */
export function ageAt(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export interface ProductTerms {
  status: string;
  minAge: number | null;
  maxAge: number | null;
  sumInsuredMin: number | null;
  sumInsuredMax: number | null;
}

export interface ProductCheck {
  field: 'productId' | 'insured' | 'sumInsured';
  reason: 'product_off_sale' | 'age_outside_product_range' | 'sum_insured_outside_range';
  params?: Record<string, unknown>;
}

/** Why a sale of this product to this person at this date and amount is not allowed (empty when it is). */
export function productViolations(product: ProductTerms, insuredBirthDate: string | null, startDate: string | null, sumInsured: number | null): ProductCheck[] {
  const problems: ProductCheck[] = [];
  if (product.status !== 'onSale') problems.push({ field: 'productId', reason: 'product_off_sale' });
  if (insuredBirthDate && startDate && (product.minAge != null || product.maxAge != null)) {
    const age = ageAt(insuredBirthDate, startDate);
    if ((product.minAge != null && age < product.minAge) || (product.maxAge != null && age > product.maxAge)) {
      problems.push({ field: 'insured', reason: 'age_outside_product_range', params: { age, min: product.minAge ?? 0, max: product.maxAge ?? 120 } });
    }
  }
  if (sumInsured != null && ((product.sumInsuredMin != null && sumInsured < product.sumInsuredMin) || (product.sumInsuredMax != null && sumInsured > product.sumInsuredMax))) {
    problems.push({ field: 'sumInsured', reason: 'sum_insured_outside_range', params: { min: product.sumInsuredMin ?? 0, max: product.sumInsuredMax ?? '∞' } });
  }
  return problems;
}

/** Whether an incident (ISO datetime) falls inside a policy period given as dates (end date inclusive). */
export function insidePolicyPeriod(incidentAt: string, startDate: string, endDate: string | null): boolean {
  const day = incidentAt.slice(0, 10);
  return day >= startDate && (endDate === null || day <= endDate);
}

/** The next premium due date after `from` for a payment frequency (null for single premium). */
export function nextDueDate(startDate: string, frequency: string | null, after: string): string | null {
  const months = { annual: 12, semiannual: 6, quarterly: 3, monthly: 1 }[frequency ?? ''];
  if (!months) return null;
  const [y, m, d] = startDate.split('-').map(Number) as [number, number, number];
  for (let step = 1; step < 1200; step++) {
    const date = new Date(Date.UTC(y, m - 1 + step * months, 1));
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(d, lastDay));
    const iso = date.toISOString().slice(0, 10);
    if (iso > after) return iso;
  }
  return null;
}

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

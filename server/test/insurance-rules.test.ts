import { describe, expect, it } from 'vitest';
import { addDays, ageAt, insidePolicyPeriod, nextDueDate, productViolations, type ProductTerms } from '../src/domains/insurance/insurance.rules.ts';

describe('ageAt counts whole years, a birthday completing the year', () => {
  it.each([
    ['1990-05-10', '2020-05-10', 30, 'on the birthday'],
    ['1990-05-10', '2020-05-09', 29, 'the day before the birthday'],
    ['1990-05-10', '2020-05-11', 30, 'the day after the birthday'],
    ['1990-05-10', '2020-04-30', 29, 'an earlier month'],
    ['1990-12-31', '2021-01-01', 30, 'across the new year'],
    ['2026-06-01', '2026-06-01', 0, 'the day of birth'],
    ['2000-02-29', '2001-02-28', 0, 'a leap-day birth on 28 February of a common year'],
    ['2000-02-29', '2001-03-01', 1, 'a leap-day birth on 1 March of a common year'],
    ['2000-02-29', '2004-02-28', 3, 'a leap-day birth the day before the leap day'],
    ['2000-02-29', '2004-02-29', 4, 'a leap-day birth on the leap day'],
  ])('born %s, on %s is %i (%s)', (birth, date, age) => {
    expect(ageAt(birth, date)).toBe(age);
  });
});

const terms = (overrides: Partial<ProductTerms> = {}): ProductTerms => ({ status: 'onSale', minAge: 18, maxAge: 60, sumInsuredMin: 10_000, sumInsuredMax: 500_000, ...overrides });

describe('productViolations names every broken product term', () => {
  it.each([
    ['all terms met', terms(), '1990-01-01', '2026-06-01', 100_000, []],
    ['the youngest insurable age, reached on the start date', terms(), '2008-06-01', '2026-06-01', 100_000, []],
    ['the oldest insurable age, up to the day before the next birthday', terms(), '1965-06-02', '2026-06-01', 100_000, []],
    ['the minimum sum insured', terms(), '1990-01-01', '2026-06-01', 10_000, []],
    ['the maximum sum insured', terms(), '1990-01-01', '2026-06-01', 500_000, []],
    ['no age limits on the product', terms({ minAge: null, maxAge: null }), '2020-01-01', '2026-06-01', 100_000, []],
    ['no birth date known', terms(), null, '2026-06-01', 100_000, []],
    ['no start date known', terms(), '2020-01-01', null, 100_000, []],
    ['no sum insured given', terms(), '1990-01-01', '2026-06-01', null, []],
    ['no sum-insured limits', terms({ sumInsuredMin: null, sumInsuredMax: null }), '1990-01-01', '2026-06-01', 1, []],
  ] as const)('allows a sale with %s', (_label, product, birth, start, sum, expected) => {
    expect(productViolations(product, birth, start, sum)).toEqual(expected);
  });

  it.each([
    ['off sale', terms({ status: 'offSale' }), '1990-01-01', 100_000, [{ field: 'productId', reason: 'product_off_sale' }]],
    ['not yet reviewed (only on-sale products sell)', terms({ status: 'unreviewed' }), '1990-01-01', 100_000, [{ field: 'productId', reason: 'product_off_sale' }]],
    ['one day short of the minimum age', terms(), '2008-06-02', 100_000, [{ field: 'insured', reason: 'age_outside_product_range', params: { age: 17, min: 18, max: 60 } }]],
    ['past the maximum age on the start date', terms(), '1965-06-01', 100_000, [{ field: 'insured', reason: 'age_outside_product_range', params: { age: 61, min: 18, max: 60 } }]],
    ['over a maximum age with no minimum', terms({ minAge: null }), '1900-01-01', 100_000, [{ field: 'insured', reason: 'age_outside_product_range', params: { age: 126, min: 0, max: 60 } }]],
    ['a sum insured one cent under the minimum', terms(), '1990-01-01', 9_999.99, [{ field: 'sumInsured', reason: 'sum_insured_outside_range', params: { min: 10_000, max: 500_000 } }]],
    ['a sum insured over the maximum', terms(), '1990-01-01', 500_000.01, [{ field: 'sumInsured', reason: 'sum_insured_outside_range', params: { min: 10_000, max: 500_000 } }]],
    ['a sum insured under a minimum with no maximum', terms({ sumInsuredMax: null }), '1990-01-01', 1, [{ field: 'sumInsured', reason: 'sum_insured_outside_range', params: { min: 10_000, max: '∞' } }]],
  ] as const)('refuses a product %s', (_label, product, birth, sum, expected) => {
    expect(productViolations(product, birth, '2026-06-01', sum)).toEqual(expected);
  });

  it('reports all three problems at once, in field order', () => {
    const problems = productViolations(terms({ status: 'offSale' }), '2020-01-01', '2026-06-01', 1);
    expect(problems.map((problem) => problem.reason)).toEqual(['product_off_sale', 'age_outside_product_range', 'sum_insured_outside_range']);
  });
});

describe('insidePolicyPeriod includes the start and end dates', () => {
  it.each([
    ['2026-06-01T00:00:00.000Z', '2026-06-01', '2027-05-31', true, 'the first moment of the start date'],
    ['2026-05-31T23:59:59.999Z', '2026-06-01', '2027-05-31', false, 'the last moment before the start date'],
    ['2027-05-31T23:59:59.999Z', '2026-06-01', '2027-05-31', true, 'the last moment of the end date'],
    ['2027-06-01T00:00:00.000Z', '2026-06-01', '2027-05-31', false, 'the day after the end date'],
    ['2099-01-01T12:00:00.000Z', '2026-06-01', null, true, 'any time after the start of an open-ended policy'],
    ['2026-05-01T12:00:00.000Z', '2026-06-01', null, false, 'before the start of an open-ended policy'],
  ] as [string, string, string | null, boolean, string][])('%s in [%s, %s] is %s (%s)', (incidentAt, start, end, expected) => {
    expect(insidePolicyPeriod(incidentAt, start, end)).toBe(expected);
  });
});

describe('nextDueDate steps from the start date by the payment frequency, clamping to month ends', () => {
  it.each([
    ['2026-01-15', 'monthly', '2026-01-15', '2026-02-15', 'one month after the start'],
    ['2026-01-15', 'monthly', '2026-03-15', '2026-04-15', 'strictly after a due date that has been reached'],
    ['2026-01-15', 'monthly', '2026-06-20', '2026-07-15', 'the first due date after a later day'],
    ['2026-01-31', 'monthly', '2026-01-31', '2026-02-28', 'the 31st clamped to 28 February'],
    ['2024-01-31', 'monthly', '2024-01-31', '2024-02-29', 'the 31st clamped to a leap-year 29 February'],
    ['2026-01-31', 'monthly', '2026-02-28', '2026-03-31', 'back to the 31st after a short month'],
    ['2026-01-31', 'monthly', '2026-03-31', '2026-04-30', 'the 31st clamped to 30 April'],
    ['2026-11-30', 'quarterly', '2026-11-30', '2027-02-28', 'a quarter from 30 November'],
    ['2026-08-31', 'semiannual', '2026-08-31', '2027-02-28', 'half a year from 31 August'],
    ['2024-02-29', 'annual', '2024-02-29', '2025-02-28', 'a year from a leap day'],
    ['2024-02-29', 'annual', '2027-12-31', '2028-02-29', 'the leap day again four years on'],
    ['2026-12-15', 'monthly', '2026-12-15', '2027-01-15', 'across the year end'],
  ])('start %s, %s, after %s → %s (%s)', (start, frequency, after, expected) => {
    expect(nextDueDate(start, frequency, after)).toBe(expected);
  });

  it.each([['single'], [null], ['fortnightly']])('has no due date for payment frequency %s', (frequency) => {
    expect(nextDueDate('2026-01-15', frequency, '2026-01-15')).toBeNull();
  });
});

describe('addDays moves a calendar date by whole days', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-06-01', 0, '2026-06-01'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2026-06-01', -60, '2026-04-02'],
  ])('%s moved by %s days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

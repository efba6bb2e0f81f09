import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createSalesperson, headOfficeId } from './factories.ts';
import { act, createClaim, createPolicy, createProduct, createSigning, expectStatus, issueSigning } from './insurance-factories.ts';
import { type Client, type TestApp, buildTestApp, loginAdmin } from './test-app.ts';

let app: TestApp;
let admin: Client;
let headId: number;
/** No age limits: the factory customers' ages do not matter here. */
let healthProduct: number;
let accidentProduct: number;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  healthProduct = (await createProduct(admin, { insuranceType: 'health', minAge: null, maxAge: null })).id as number;
  accidentProduct = (await createProduct(admin, { insuranceType: 'accident', minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

const get = async (url: string) => expectStatus(await admin.request('GET', url), 200, url).body;
const customer = async (overrides: Record<string, unknown> = {}) => (await createCustomer(admin, { orgId: headId, ...overrides })).id as number;
const policy = (applicantId: number, overrides: Record<string, unknown> = {}, options?: { activate?: boolean }) =>
  createPolicy(admin, { applicantId, productId: healthProduct, orgId: headId, ...overrides }, options);

/** A claim on a policy for its insured, taken to 'paid' (or 'closed' with a rating). */
async function paidClaim(policyId: number, insuredId: number, amounts: { requested: number; paid: number }, rating?: number) {
  const id = (await createClaim(admin, { policyId, insuredId, requestedAmount: amounts.requested })).id as number;
  expectStatus(await act(admin, 'claims', id, 'accept'), 200, 'accept');
  expectStatus(await act(admin, 'claims', id, 'approve', { values: { approvedAmount: amounts.paid } }), 200, 'approve');
  expectStatus(await act(admin, 'claims', id, 'pay', { values: { paidAmount: amounts.paid } }), 200, 'pay');
  if (rating !== undefined) expectStatus(await act(admin, 'claims', id, 'close', { values: { rating } }), 200, 'close');
  return id;
}

describe('the customer summary', () => {
  it('counts policies and premium by insurance type and the insured’s claims, following every change', async () => {
    const id = await customer();
    const summary = () => get(`/api/customers/${id}/summary`);
    expect(await summary()).toEqual({
      policyCount: 0,
      inForceCount: 0,
      totalPremium: 0,
      totalSumInsured: 0,
      byInsuranceType: [],
      claimCount: 0,
      claimRequested: 0,
      claimPaid: 0,
      openTickets: 0,
      lastInteractionAt: null,
    });
    const inForce = await policy(id, { premium: 3_600, sumInsured: 100_000 });
    const pending = await policy(id, { premium: 1_200.5, sumInsured: 50_000, startDate: '2026-07-01', endDate: '2027-06-30' }, { activate: false });
    const spouse = await customer();
    await policy(spouse, { insuredId: id, productId: accidentProduct, insuranceType: 'accident', premium: 500, sumInsured: 200_000 });
    await policy(spouse, { premium: 9_999 });
    const filled = await summary();
    expect(filled).toMatchObject({ policyCount: 3, inForceCount: 2, totalPremium: 5_300.5, totalSumInsured: 350_000 });
    expect([...filled.byInsuranceType].sort((x: { insuranceType: string }, y: { insuranceType: string }) => x.insuranceType.localeCompare(y.insuranceType))).toEqual([
      { insuranceType: 'accident', count: 1, premium: 500, sumInsured: 200_000 },
      { insuranceType: 'health', count: 2, premium: 4_800.5, sumInsured: 150_000 },
    ]);
    await paidClaim(inForce.id, id, { requested: 2_000, paid: 1_500 });
    await createClaim(admin, { policyId: inForce.id, insuredId: id, requestedAmount: 700 });
    expect(await summary()).toMatchObject({ claimCount: 2, claimRequested: 2_700, claimPaid: 1_500 });
    expectStatus(await admin.request('DELETE', `/api/policies/${pending.id}`), 204, 'delete policy');
    expect(await summary()).toMatchObject({ policyCount: 2, inForceCount: 2, totalPremium: 4_100 });
    expectStatus(await admin.request('POST', '/api/feedback', { subject: '理赔太慢', customerId: id, type: 'complaint', content: '理赔进度慢' }), 201, 'ticket');
    expectStatus(await admin.request('POST', '/api/interactions', { subject: '回访', customerId: id, type: 'care', occurredAt: '2026-05-30T10:00:00.000Z' }), 201, 'interaction');
    expect(await summary()).toMatchObject({ openTickets: 1 });
    expect(new Date((await summary()).lastInteractionAt).toISOString()).toBe('2026-05-30T10:00:00.000Z');
  });
});

describe('the salesperson performance', () => {
  let salespersonId: number;
  const performance = (query = '') => get(`/api/salespeople/${salespersonId}/performance${query}`);

  beforeAll(async () => {
    salespersonId = (await createSalesperson(admin, { orgId: headId })).id as number;
  });

  it('starts at zero for the current year, with no close rate', async () => {
    expect(await performance()).toEqual({ from: '2026-01-01', to: '2026-12-31', policyCount: 0, premium: 0, won: 0, lost: 0, closeRate: null, newCustomers: 0 });
  });

  it('counts the premium of issued policies starting in the period, not cancelled ones', async () => {
    const own = await customer({ ownerId: salespersonId });
    const signing = await createSigning(admin, { customerId: own, productId: healthProduct, salespersonId, orgId: headId, amount: 3_600 });
    await issueSigning(admin, admin, signing.id);
    expect(await performance()).toMatchObject({ policyCount: 1, premium: 3_600, newCustomers: 1 });
    const march = await policy(own, { salespersonId, premium: 1_000, startDate: '2026-03-01', endDate: '2027-02-28' });
    await policy(own, { salespersonId, premium: 800, startDate: '2025-12-31', endDate: '2026-12-30' });
    expect(await performance()).toMatchObject({ policyCount: 2, premium: 4_600 });
    expect(await performance('?from=2025-01-01&to=2025-12-31')).toMatchObject({ from: '2025-01-01', to: '2025-12-31', policyCount: 1, premium: 800, newCustomers: 0 });
    expect(await performance('?from=2026-03-01&to=2026-03-01')).toMatchObject({ policyCount: 1, premium: 1_000 });
    expectStatus(await act(admin, 'policies', march.id, 'cancel', { note: '犹豫期退保' }), 200, 'cancel');
    expect(await performance()).toMatchObject({ policyCount: 1, premium: 3_600 });
  });

  it('computes the close rate as won / (won + lost) from opportunities and follows stage changes', async () => {
    const buyer = await customer();
    // opportunities reach won and lost through their stage moves (lost with its reason)
    const opportunity = async (stage: string) => {
      const created = expectStatus(await admin.request('POST', '/api/opportunities', { title: `机会-${stage}`, customerId: buyer, ownerId: salespersonId, orgId: headId }), 201, 'opportunity').body;
      if (stage !== 'lead') expectStatus(await admin.request('POST', `/api/opportunities/${created.id}/move`, { stage, ...(stage === 'lost' ? { lostReason: '客户选择了其他公司' } : {}) }), 200, `move to ${stage}`);
      return created;
    };
    await opportunity('won');
    await opportunity('won');
    await opportunity('lost');
    const reopened = await opportunity('lost');
    await opportunity('proposal');
    expect(await performance()).toMatchObject({ won: 2, lost: 2, closeRate: 0.5 });
    expectStatus(await admin.request('POST', `/api/opportunities/${reopened.id}/move`, { stage: 'negotiation' }), 200, 'reopen');
    expectStatus(await admin.request('POST', `/api/opportunities/${reopened.id}/move`, { stage: 'won' }), 200, 'win it');
    expect(await performance()).toMatchObject({ won: 3, lost: 1, closeRate: 0.75 });
  });

  it('counts the customers the salesperson gained in the period', async () => {
    const before = (await performance()).newCustomers as number;
    await customer({ ownerId: salespersonId });
    await customer({ ownerId: salespersonId });
    await customer();
    expect((await performance()).newCustomers).toBe(before + 2);
    expect((await performance('?from=2026-07-01&to=2026-12-31')).newCustomers).toBe(0);
  });

  it('refuses malformed periods with 400', async () => {
    for (const query of ['?from=2026-02-30', '?to=yesterday', '?from=2026-01-01&sort=x']) {
      expect((await admin.request('GET', `/api/salespeople/${salespersonId}/performance${query}`)).status, query).toBe(400);
    }
  });
});

describe('the product rating', () => {
  it('averages review satisfaction and claim ratings, following new, changed and removed ones', async () => {
    const productId = (await createProduct(admin, { minAge: null, maxAge: null })).id as number;
    const rating = () => get(`/api/products/${productId}/rating`);
    expect(await rating()).toEqual({ average: null, count: 0, reviewCount: 0, claimRatingCount: 0 });
    const reviewer = await customer();
    const review = async (satisfaction: number | null) =>
      expectStatus(await admin.request('POST', '/api/feedback', { subject: '产品评价', customerId: reviewer, type: 'feedback', content: '评价', productId, satisfaction }), 201, 'review').body;
    await review(4);
    const low = await review(2);
    await review(null);
    expect(await rating()).toEqual({ average: 3, count: 2, reviewCount: 2, claimRatingCount: 0 });
    const insured = await policy(reviewer, { productId });
    await paidClaim(insured.id, reviewer, { requested: 1_000, paid: 1_000 }, 5);
    await paidClaim(insured.id, reviewer, { requested: 1_000, paid: 1_000 });
    expect(await rating()).toEqual({ average: 3.67, count: 3, reviewCount: 2, claimRatingCount: 1 });
    expectStatus(await admin.request('PATCH', `/api/feedback/${low.id}`, { satisfaction: 5, version: low.version }), 200, 'raise satisfaction');
    expect((await rating()).average).toBe(4.67);
    expectStatus(await admin.request('DELETE', `/api/feedback/${low.id}`), 204, 'delete review');
    expect(await rating()).toEqual({ average: 4.5, count: 2, reviewCount: 1, claimRatingCount: 1 });
    const other = (await createProduct(admin, { minAge: null, maxAge: null })).id as number;
    expect((await get(`/api/products/${other}/rating`)).count).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { act, createClaim, createPolicy, createProduct, expectStatus } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type TestApp, buildTestApp, countRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let productId: number;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  productId = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

type Owner = 'a' | 'b' | 'c';
/** An in-force policy of a salesperson's customer, in the salesperson's organisation (today is 2026-06-01). */
async function policyOf(owner: Owner, overrides: Record<string, unknown> = {}, options?: { activate?: boolean }) {
  const orgId = owner === 'c' ? fx.branchY : fx.teamX1;
  return createPolicy(fx.admin, { applicantId: fx.customers[owner].id as number, productId, orgId, salespersonId: fx.salespeople[owner], startDate: '2025-07-01', ...overrides }, options);
}
const renewalIds = async (client: ScopeFixture['admin'], days: number) => {
  const response = expectStatus(await client.request('GET', `/api/policies/renewals?days=${days}&pageSize=200`), 200, 'renewals');
  expect(response.body.total).toBe(response.body.items.length);
  return (response.body.items as { id: number }[]).map((item) => item.id);
};

describe('the renewals list', () => {
  let due: Record<string, number>;

  beforeAll(async () => {
    due = {
      in20: (await policyOf('a', { endDate: '2026-06-21' })).id,
      today: (await policyOf('a', { endDate: '2026-06-01' })).id,
      in45: (await policyOf('a', { endDate: '2026-07-16' })).id,
      in80: (await policyOf('a', { endDate: '2026-08-20' })).id,
      in120: (await policyOf('a', { endDate: '2026-09-29' })).id,
      ended: (await policyOf('a', { endDate: '2026-05-31' })).id,
      pending: (await policyOf('a', { startDate: '2026-06-01', endDate: '2026-06-21' }, { activate: false })).id,
      ofB: (await policyOf('b', { endDate: '2026-06-11' })).id,
      ofC: (await policyOf('c', { endDate: '2026-06-11' })).id,
      renewed: (await policyOf('a', { endDate: '2026-06-15' })).id,
    } as Record<string, number>;
    expectStatus(await fx.admin.request('POST', `/api/policies/${due.renewed}/renew`), 201, 'renew');
  });

  it.each([
    [30, ['today', 'ofB', 'in20']],
    [60, ['today', 'ofB', 'in20', 'in45']],
    [90, ['today', 'ofB', 'in20', 'in45', 'in80']],
  ])('shows in-force, not yet renewed policies ending within %i days, soonest first (branch manager X)', async (days, expected) => {
    const ids = await renewalIds(fx.users.managerX, days);
    expect(ids).toEqual(expected.map((key) => due[key]));
  });

  it('shows a salesperson only their own policies', async () => {
    expect(await renewalIds(fx.users.a, 30)).toEqual([due.today, due.in20]);
    expect(await renewalIds(fx.users.b, 30)).toEqual([due.ofB]);
    expect(await renewalIds(fx.users.managerY, 30)).toEqual([due.ofC]);
  });

  it('shows the admin every branch', async () => {
    expect(await renewalIds(fx.admin, 30)).toEqual([due.today, due.ofB, due.ofC, due.in20]);
  });

  it('accepts only 30, 60 or 90 days (400 otherwise)', async () => {
    for (const query of ['days=45', 'days=abc', 'days=30&extra=1']) {
      const response = await fx.admin.request('GET', `/api/policies/renewals?${query}`);
      expect(response.status, query).toBe(400);
    }
    expect((await fx.admin.request('GET', '/api/policies/renewals')).body.items.length).toBe(4);
  });
});

describe('renewing a policy', () => {
  it('creates a pending policy linked by renewedFromId, continuing the day after the old one ends for the same length', async () => {
    const old = await policyOf('a', { startDate: '2025-06-22', endDate: '2026-06-21', premium: 3_000, sumInsured: 150_000, paymentFrequency: 'quarterly' });
    const response = await fx.admin.request('POST', `/api/policies/${old.id}/renew`, { premium: 3_300 });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'pending',
      renewedFromId: old.id,
      applicantId: old.applicantId,
      productId,
      startDate: '2026-06-22',
      endDate: '2027-06-21',
      premium: 3_300,
      sumInsured: 150_000,
      paymentFrequency: 'quarterly',
      nextDueDate: '2026-09-22',
      salespersonId: fx.salespeople.a,
      orgId: fx.teamX1,
    });
    expect(response.body.policyNo).not.toBe(old.policyNo);
    expect(response.body._refs.renewedFromId).toMatchObject({ id: old.id, label: old.policyNo });
    expect((await fx.admin.request('GET', `/api/policies/${old.id}`)).body.status).toBe('inForce');
    expect(await renewalIds(fx.admin, 30)).not.toContain(old.id);
  });

  it('refuses a second renewal with 409 DUPLICATE naming the existing one', async () => {
    const old = await policyOf('a', { endDate: '2026-06-25' });
    const first = expectStatus(await fx.users.managerX.request('POST', `/api/policies/${old.id}/renew`), 201, 'first renewal').body;
    const second = await fx.users.managerX.request('POST', `/api/policies/${old.id}/renew`, { premium: 1 });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('DUPLICATE');
    expect(second.body.params).toEqual({ existingId: first.id });
    expect(await countRows(app, 'policies', `renewed_from_id = ${old.id}`)).toBe(1);
  });

  it('renews once when two renewals race (one 201, one 409)', async () => {
    const old = await policyOf('a', { endDate: '2026-06-26' });
    const responses = await Promise.all([fx.admin.request('POST', `/api/policies/${old.id}/renew`), fx.users.managerX.request('POST', `/api/policies/${old.id}/renew`)]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    expect(await countRows(app, 'policies', `renewed_from_id = ${old.id}`)).toBe(1);
  });

  it('refuses to renew a pending, lapsed or cancelled policy (409 INVALID_TRANSITION)', async () => {
    const pending = await policyOf('a', { startDate: '2026-07-01', endDate: '2027-06-30' }, { activate: false });
    const cancelled = await policyOf('a', { endDate: '2026-06-27' });
    expectStatus(await act(fx.admin, 'policies', cancelled.id, 'cancel', { note: '客户撤销' }), 200, 'cancel');
    for (const id of [pending.id, cancelled.id]) {
      const response = await fx.admin.request('POST', `/api/policies/${id}/renew`);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('INVALID_TRANSITION');
      expect(response.body.params.action).toBe('renew');
    }
  });

  it('checks the renewal against the product like any new policy', async () => {
    const old = await policyOf('a', { endDate: '2026-06-28' });
    const response = await fx.admin.request('POST', `/api/policies/${old.id}/renew`, { sumInsured: 5_000_000 });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ sumInsured: 'sum_insured_outside_range' });
    expect(await countRows(app, 'policies', `renewed_from_id = ${old.id}`)).toBe(0);
  });

  it('refuses a salesperson (no policy:create) with 403 and unknown body fields with 400', async () => {
    const old = await policyOf('a', { endDate: '2026-06-29' });
    expect((await fx.users.a.request('POST', `/api/policies/${old.id}/renew`)).status).toBe(403);
    const unknown = await fx.admin.request('POST', `/api/policies/${old.id}/renew`, { renewedFromId: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.reasons).toEqual({ renewedFromId: 'unknown_field' });
  });
});

describe('the claim situation of a policy', () => {
  it('sums the claims by status and changes when a claim is paid or removed', async () => {
    const policy = await policyOf('a', { startDate: '2026-01-01', endDate: '2026-12-31', sumInsured: 500_000 });
    const claim = async (requestedAmount: number) => (await createClaim(fx.admin, { policyId: policy.id, requestedAmount, incidentAt: '2026-05-20T10:00:00.000Z' })).id as number;
    const reported = await claim(1_000);
    const approved = await claim(2_500);
    const paid = await claim(3_000);
    for (const id of [approved, paid]) expectStatus(await act(fx.admin, 'claims', id, 'accept'), 200, 'accept');
    expectStatus(await act(fx.admin, 'claims', approved, 'approve', { values: { approvedAmount: 2_000 } }), 200, 'approve');
    expectStatus(await act(fx.admin, 'claims', paid, 'approve', { values: { approvedAmount: 3_000 } }), 200, 'approve');
    expectStatus(await act(fx.admin, 'claims', paid, 'pay', { values: { paidAmount: 2_800.5 } }), 200, 'pay');
    const summary = async () => expectStatus(await fx.users.a.request('GET', `/api/policies/${policy.id}/claim-summary`), 200, 'summary').body;
    expect(await summary()).toEqual({
      count: 3,
      requested: 6_500,
      approved: 5_000,
      paid: 2_800.5,
      byStatus: {
        reported: { count: 1, requested: 1_000, approved: 0, paid: 0 },
        approved: { count: 1, requested: 2_500, approved: 2_000, paid: 0 },
        paid: { count: 1, requested: 3_000, approved: 3_000, paid: 2_800.5 },
      },
    });
    expectStatus(await act(fx.admin, 'claims', approved, 'pay', { values: { paidAmount: 2_000 } }), 200, 'pay');
    expect(await summary()).toMatchObject({ count: 3, paid: 4_800.5, byStatus: { paid: { count: 2, requested: 5_500, approved: 5_000, paid: 4_800.5 } } });
    expect((await summary()).byStatus.approved).toBeUndefined();
    expectStatus(await fx.admin.request('DELETE', `/api/claims/${reported}`), 204, 'delete');
    expect(await summary()).toMatchObject({ count: 2, requested: 5_500, byStatus: { paid: { count: 2 } } });
  });

  it('is all zeros for a policy without claims', async () => {
    const policy = await policyOf('a', { endDate: '2026-12-31' });
    expect((await fx.admin.request('GET', `/api/policies/${policy.id}/claim-summary`)).body).toEqual({ count: 0, requested: 0, approved: 0, paid: 0, byStatus: {} });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { act, auditRows, buildClaim, createClaim, createPolicy, createProduct, createRole, dayMs, expectStatus, outboxRows, timelineMoves } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp, countRows, login, loginAdmin, userPassword } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
/** Claims handler of branch X: claim view/create/edit/approve, scope org. */
let handler: Client;
/** A clerk of branch X who may report and progress claims but not approve them. */
let clerk: Client;
let productId: number;

beforeAll(async () => {
  clock = new ManualClock();
  // Timeline steps advance the clock by minutes; sessions must outlive them (the overdue test signs in again).
  app = await buildTestApp({ clock, env: { SESSION_IDLE_MINUTES: '1440' } });
  fx = await buildScopeFixture(app);
  handler = await accountClient(app, fx.admin, { loginName: 'claims_x', orgId: fx.branchX, roles: ['claimsHandler'] });
  const clerkRole = await createRole(fx.admin, '理赔录入员', 'org', ['claim:view', 'claim:create', 'claim:edit', 'policy:view', 'customer:view']);
  clerk = await accountClient(app, fx.admin, { loginName: 'claims_clerk', orgId: fx.branchX, roles: [clerkRole] });
  productId = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

/** An in-force policy of customer A (sum insured 100,000, 2026-06-01 to 2027-05-31). */
const policyOfA = async (sumInsured = 100_000) =>
  (await createPolicy(fx.admin, { applicantId: fx.customers.a.id as number, productId, sumInsured, orgId: fx.teamX1, salespersonId: fx.salespeople.a })).id as number;
const claimOn = async (policyId: number, overrides: Record<string, unknown> = {}) =>
  (await createClaim(handler, { policyId, insuredId: fx.customers.a.id as number, salespersonId: fx.salespeople.a, ...overrides })).id as number;
const claim = async (id: number) => (await fx.admin.request('GET', `/api/claims/${id}`)).body;
const move = (id: number, action: string, body: Record<string, unknown> = {}) => act(handler, 'claims', id, action, body);

/** Reported → approved (and paid when told) for an amount. */
async function approvedClaim(policyId: number, amount: number, options: { pay?: boolean } = {}) {
  const id = await claimOn(policyId, { requestedAmount: amount });
  expectStatus(await move(id, 'accept'), 200, 'accept');
  expectStatus(await move(id, 'approve', { values: { approvedAmount: amount } }), 200, 'approve');
  if (options.pay) expectStatus(await move(id, 'pay', { values: { paidAmount: amount } }), 200, 'pay');
  return id;
}

const progressOf = async (id: number) => (await outboxRows(app, 'claim.progress')).filter((event) => event.payload.claimId === id).map((event) => event.payload.status);

describe('the claim workflow', () => {
  it('goes reported → accepted → investigating → approved → paid → closed with a timeline of who, when, note and amounts', async () => {
    const policyId = await policyOfA();
    const startedAt = clock.now().getTime();
    const id = await claimOn(policyId, { requestedAmount: 12_000 });
    const reported = await claim(id);
    expect(reported).toMatchObject({ status: 'reported', dueAt: new Date(clock.now().getTime() + 10 * dayMs).toISOString(), overdue: false, handledAt: null });
    const steps: [string, Record<string, unknown>, string][] = [
      ['accept', {}, 'accepted'],
      ['investigate', { note: '调取病历' }, 'investigating'],
      ['approve', { note: '符合责任', values: { approvedAmount: 11_500 } }, 'approved'],
      ['pay', { values: { paidAmount: 11_500 } }, 'paid'],
      ['close', { values: { rating: 4 } }, 'closed'],
    ];
    for (const [action, body, to] of steps) {
      clock.advance(10 * 60_000);
      const response = await move(id, action, body);
      expect(response.status, action).toBe(200);
      expect(response.body.status).toBe(to);
    }
    const closed = await claim(id);
    expect(closed).toMatchObject({ approvedAmount: 11_500, paidAmount: 11_500, rating: 4, handlerId: handler.login.body.me.id });
    expect(closed.handledAt).toBe(new Date(startedAt + 40 * 60_000).toISOString());
    const timeline = (await handler.request('GET', `/api/claims/${id}/timeline`)).body.items;
    expect(timeline.map((item: { action: string; from: string | null; to: string }) => [item.action, item.from, item.to])).toEqual([
      ['create', null, 'reported'],
      ['accept', 'reported', 'accepted'],
      ['investigate', 'accepted', 'investigating'],
      ['approve', 'investigating', 'approved'],
      ['pay', 'approved', 'paid'],
      ['close', 'paid', 'closed'],
    ]);
    expect(timeline.every((item: { actorName: string }) => item.actorName === 'User claims_x')).toBe(true);
    expect(timeline.map((item: { at: string }) => item.at)).toEqual([0, 10, 20, 30, 40, 50].map((minutes) => new Date(startedAt + minutes * 60_000).toISOString()));
    expect(timeline[2].note).toBe('调取病历');
    expect(timeline[3]).toMatchObject({ note: '符合责任', data: { approvedAmount: 11_500 } });
    expect(timeline[4].data).toEqual({ paidAmount: 11_500 });
    expect(timeline[1].data).toEqual({ handlerId: handler.login.body.me.id });
    expect(await progressOf(id)).toEqual(['reported', 'accepted', 'investigating', 'approved', 'paid', 'closed']);
  });

  it('needs a note to reject and to reopen, and writes one progress event per move even when moves share a millisecond', async () => {
    const id = await claimOn(await policyOfA());
    expectStatus(await move(id, 'accept'), 200, 'accept');
    const bare = await move(id, 'reject');
    expect(bare.status).toBe(400);
    expect(bare.body.reasons).toEqual({ note: 'required' });
    expect((await claim(id)).status).toBe('accepted');
    const rejected = await move(id, 'reject', { note: '不属于保险责任' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', overdue: false });
    expect(rejected.body.handledAt).toEqual(expect.any(String));
    expect(rejected.body.can.actions).toEqual(['close', 'reopen']);
    expect((await move(id, 'reopen')).body.reasons).toEqual({ note: 'required' });
    expectStatus(await move(id, 'reopen', { note: '补充材料' }), 200, 'reopen');
    expectStatus(await move(id, 'reject', { note: '补充材料仍不足' }), 200, 'reject again in the same millisecond');
    expectStatus(await move(id, 'close'), 200, 'close');
    expect((await timelineMoves(handler, 'claims', id)).map(([action]) => action)).toEqual(['create', 'accept', 'reject', 'reopen', 'reject', 'close']);
    expect(await progressOf(id)).toEqual(['reported', 'accepted', 'rejected', 'investigating', 'rejected', 'closed']);
  });

  it('answers 409 with the allowed moves for a move out of order, and writes no progress event', async () => {
    const id = await claimOn(await policyOfA());
    const response = await move(id, 'pay', { values: { paidAmount: 1 } });
    expect(response.status).toBe(409);
    expect(response.body.params).toEqual({ status: 'reported', action: 'pay', allowed: ['accept'] });
    expect(await progressOf(id)).toEqual(['reported']);
  });

  it('needs an approved amount to approve and a paid amount to pay', async () => {
    const id = await claimOn(await policyOfA());
    expectStatus(await move(id, 'accept'), 200, 'accept');
    expect((await move(id, 'approve')).body.reasons).toEqual({ approvedAmount: 'required' });
    expectStatus(await move(id, 'approve', { values: { approvedAmount: 100 } }), 200, 'approve');
    expect((await move(id, 'pay')).body.reasons).toEqual({ paidAmount: 'required' });
    expect((await claim(id)).status).toBe('approved');
  });

  it('keeps amounts out of reach of forms: approved and paid amounts are unknown fields on create and update', async () => {
    const id = await claimOn(await policyOfA());
    const patched = await handler.request('PATCH', `/api/claims/${id}`, { approvedAmount: 5, paidAmount: 5, version: 1 });
    expect(patched.status).toBe(400);
    expect(patched.body.reasons).toEqual({ approvedAmount: 'unknown_field', paidAmount: 'unknown_field' });
  });

  it('lets a clerk without claim:approve accept and investigate but not approve, reject or pay (403)', async () => {
    const id = await claimOn(await policyOfA());
    expectStatus(await act(clerk, 'claims', id, 'accept'), 200, 'accept');
    expectStatus(await act(clerk, 'claims', id, 'investigate'), 200, 'investigate');
    for (const action of ['approve', 'reject']) {
      const response = await act(clerk, 'claims', id, action, { note: '越权', values: action === 'approve' ? { approvedAmount: 1 } : undefined });
      expect(response.status).toBe(403);
      expect(response.body.params).toEqual({ permission: 'claim:approve' });
    }
    expect((await act(fx.users.a, 'claims', id, 'approve', { values: { approvedAmount: 1 } })).status).toBe(403);
    expect((await claim(id)).status).toBe('investigating');
  });
});

describe('the approved amount stays within the remaining sum insured', () => {
  it('refuses more than the sum insured minus what other claims had paid (400), allows exactly the rest', async () => {
    const policyId = await policyOfA(100_000);
    await approvedClaim(policyId, 60_000, { pay: true });
    const rejectedId = await claimOn(policyId, { requestedAmount: 90_000 });
    expectStatus(await move(rejectedId, 'accept'), 200, 'accept');
    expectStatus(await move(rejectedId, 'reject', { note: '拒赔' }), 200, 'reject');
    const id = await claimOn(policyId, { requestedAmount: 50_000 });
    expectStatus(await move(id, 'accept'), 200, 'accept');
    const auditBefore = (await auditRows(app, 'claim', 'override')).length;
    const over = await move(id, 'approve', { values: { approvedAmount: 40_000.01 } });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('VALIDATION');
    expect(over.body.reasons).toEqual({ 'values.approvedAmount': 'exceeds_remaining_sum_insured' });
    expect(await claim(id)).toMatchObject({ status: 'accepted', approvedAmount: null });
    expect((await auditRows(app, 'claim', 'override')).length).toBe(auditBefore);
    expect((await move(id, 'approve', { values: { approvedAmount: 40_000 } })).body).toMatchObject({ status: 'approved', approvedAmount: 40_000 });
  });

  it('counts claims approved and awaiting payment as used', async () => {
    const policyId = await policyOfA(100_000);
    await approvedClaim(policyId, 70_000);
    const id = await claimOn(policyId, { requestedAmount: 40_000 });
    expectStatus(await move(id, 'accept'), 200, 'accept');
    expect((await move(id, 'approve', { values: { approvedAmount: 30_000.01 } })).body.reasons).toEqual({ 'values.approvedAmount': 'exceeds_remaining_sum_insured' });
    expectStatus(await move(id, 'approve', { values: { approvedAmount: 30_000 } }), 200, 'approve at the limit');
  });

  it('lets a holder of claim:approve override with a reason, storing the reason and writing an override audit row', async () => {
    const policyId = await policyOfA(100_000);
    await approvedClaim(policyId, 80_000, { pay: true });
    const id = await claimOn(policyId, { requestedAmount: 50_000 });
    expectStatus(await move(id, 'accept'), 200, 'accept');
    expect((await move(id, 'approve', { values: { approvedAmount: 50_000, overrideReason: '   ' } })).status).toBe(400);
    const approved = await move(id, 'approve', { values: { approvedAmount: 50_000, overrideReason: '附加险责任，经总公司特批' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedAmount: 50_000, overrideReason: '附加险责任，经总公司特批' });
    const overrides = (await auditRows(app, 'claim', 'override')).filter((row) => row.recordId === id);
    expect(overrides).toEqual([{ recordId: id, actorName: 'User claims_x', changes: { rule: 'exceeds_remaining_sum_insured', reason: '附加险责任，经总公司特批', remaining: 20_000 } }]);
  });

  it('approves only one of two claims racing for the same remaining sum insured (one 200, one 400)', async () => {
    const policyId = await policyOfA(100_000);
    const first = await claimOn(policyId, { requestedAmount: 60_000 });
    const second = await claimOn(policyId, { requestedAmount: 60_000 });
    for (const id of [first, second]) expectStatus(await move(id, 'accept'), 200, 'accept');
    const responses = await Promise.all([first, second].map((id) => move(id, 'approve', { values: { approvedAmount: 60_000 } })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
    expect((await Promise.all([first, second].map(claim))).map((row) => row.status).sort()).toEqual(['accepted', 'approved']);
  });

  it('refuses paying more than approved, and accepts paying less', async () => {
    const id = await approvedClaim(await policyOfA(), 5_000);
    const over = await move(id, 'pay', { values: { paidAmount: 5_000.01 } });
    expect(over.status).toBe(400);
    expect(over.body.reasons).toEqual({ 'values.paidAmount': 'exceeds_approved_amount' });
    expect((await claim(id)).status).toBe('approved');
    expect((await move(id, 'pay', { values: { paidAmount: 4_000 } })).body).toMatchObject({ status: 'paid', paidAmount: 4_000 });
  });
});

describe('the incident time lies inside the policy period', () => {
  it.each([
    ['the evening before the start date', '2026-05-31T23:59:00.000Z'],
    ['the day after the end date', '2027-06-01T00:00:00.000Z'],
  ])('refuses an incident on %s with incidentAt incident_outside_policy_period', async (_label, incidentAt) => {
    const policyId = await policyOfA();
    const before = await countRows(app, 'claims');
    const response = await handler.request('POST', '/api/claims', { ...buildClaim({ policyId }), incidentAt });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ incidentAt: 'incident_outside_policy_period' });
    expect(await countRows(app, 'claims')).toBe(before);
  });

  it('accepts incidents on the first and last day of the period', async () => {
    const policyId = await policyOfA();
    await claimOn(policyId, { incidentAt: '2026-06-01T00:00:00.000Z' });
    await claimOn(policyId, { incidentAt: '2027-05-31T23:59:59.000Z' });
  });

  it('refuses an override from a clerk without claim:approve (403, nothing written, nothing logged)', async () => {
    const policyId = await policyOfA();
    const claimsBefore = await countRows(app, 'claims');
    const auditBefore = (await auditRows(app, 'claim', 'override')).length;
    const response = await clerk.request('POST', '/api/claims', { claimNo: `CLK${Date.now()}`, policyId, claimType: 'medical', incidentAt: '2026-05-20T08:00:00.000Z', requestedAmount: 100, overrideReason: '客户坚持' });
    expect(response.status).toBe(403);
    expect(response.body.params).toEqual({ permission: 'claim:approve' });
    expect(await countRows(app, 'claims')).toBe(claimsBefore);
    expect((await auditRows(app, 'claim', 'override')).length).toBe(auditBefore);
    expect((await fx.users.a.request('POST', '/api/claims', { policyId })).status).toBe(403);
  });

  it('lets a claims handler override with a reason, logged against the claim', async () => {
    const policyId = await policyOfA();
    const id = await claimOn(policyId, { incidentAt: '2026-05-30T08:00:00.000Z', overrideReason: '等待期豁免，保单生效前一日已缴费' });
    expect((await claim(id)).overrideReason).toBe('等待期豁免，保单生效前一日已缴费');
    const overrides = (await auditRows(app, 'claim', 'override')).filter((row) => row.changes.rule === 'incident_outside_policy_period' && row.recordId === id);
    expect(overrides).toEqual([{ recordId: id, actorName: 'User claims_x', changes: { rule: 'incident_outside_policy_period', reason: '等待期豁免，保单生效前一日已缴费', start: '2026-06-01', end: '2027-05-31' } }]);
  });

  it('checks a changed incident time on update the same way', async () => {
    const id = await claimOn(await policyOfA());
    const moved = await clerk.request('PATCH', `/api/claims/${id}`, { incidentAt: '2027-07-01T00:00:00.000Z', version: 1 });
    expect(moved.body.reasons).toEqual({ incidentAt: 'incident_outside_policy_period' });
    const overridden = await handler.request('PATCH', `/api/claims/${id}`, { incidentAt: '2027-07-01T00:00:00.000Z', overrideReason: '延期出险经审批', version: 1 });
    expect(overridden.status).toBe(200);
    expect((await auditRows(app, 'claim', 'override')).filter((row) => row.recordId === id)).toHaveLength(1);
  });
});

describe('claims past their handling target', () => {
  it('come back overdue after 11 days in list and detail, finished ones never', async () => {
    const policyId = await policyOfA(1_000_000);
    const open = await claimOn(policyId);
    const investigating = await claimOn(policyId);
    expectStatus(await move(investigating, 'accept'), 200, 'accept');
    expectStatus(await move(investigating, 'investigate'), 200, 'investigate');
    const approved = await approvedClaim(policyId, 1_000);
    const paid = await approvedClaim(policyId, 1_000, { pay: true });
    const closed = await approvedClaim(policyId, 1_000, { pay: true });
    expectStatus(await move(closed, 'close'), 200, 'close');
    const rejected = await claimOn(policyId);
    expectStatus(await move(rejected, 'accept'), 200, 'accept');
    expectStatus(await move(rejected, 'reject', { note: '拒赔' }), 200, 'reject');
    clock.advance(11 * dayMs);
    const admin = await loginAdmin(app);
    const listed = await admin.request('GET', '/api/claims?pageSize=200');
    expect(listed.status).toBe(200);
    const overdue = Object.fromEntries((listed.body.items as { id: number; overdue: boolean }[]).map((item) => [item.id, item.overdue]));
    expect([open, investigating, approved].map((id) => overdue[id])).toEqual([true, true, true]);
    expect([paid, closed, rejected].map((id) => overdue[id])).toEqual([false, false, false]);
    expect((await admin.request('GET', `/api/claims/${open}`)).body.overdue).toBe(true);
    const sameHandler = await login(app, 'claims_x', userPassword);
    expectStatus(await act(sameHandler, 'claims', open, 'accept'), 200, 'accept late');
    expect((await act(sameHandler, 'claims', approved, 'pay', { values: { paidAmount: 1_000 } })).body.overdue).toBe(false);
  });
});

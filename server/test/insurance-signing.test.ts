import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { act, buildSigning, createProduct, createSigning, expectStatus, issueSigning, outboxRows, submitForUnderwriting, timelineMoves } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp, countRows, rawRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let claimsHandler: Client;
let productId: number;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  claimsHandler = await accountClient(app, fx.admin, { loginName: 'claims_x', orgId: fx.branchX, roles: ['claimsHandler'] });
  productId = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

/** A draft written by salesperson A for their own customer. */
const draftOfA = async (overrides: Record<string, unknown> = {}) => (await createSigning(fx.users.a, { customerId: fx.customers.a.id as number, productId, ...overrides })).id as number;
const statusOf = async (id: number) => (await fx.admin.request('GET', `/api/signings/${id}`)).body.status as string;

describe('signing moves by role', () => {
  it('lets a salesperson submit and withdraw their own draft, offering only those moves', async () => {
    const created = await createSigning(fx.users.a, { customerId: fx.customers.a.id as number, productId });
    expect(created.status).toBe('draft');
    expect(created.salespersonId).toBe(fx.salespeople.a);
    expect(created.can.actions).toEqual(['submit']);
    const submitted = await act(fx.users.a, 'signings', created.id, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    expect(submitted.body.can.actions).toEqual(['withdraw']);
    const withdrawn = await act(fx.users.a, 'signings', created.id, 'withdraw');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('draft');
  });

  it.each(['underwrite', 'approve', 'decline', 'issue'])('refuses a salesperson to %s a signing (403 FORBIDDEN, status unchanged)', async (action) => {
    const id = await draftOfA();
    expectStatus(await act(fx.users.a, 'signings', id, 'submit'), 200, 'submit');
    const response = await act(fx.users.a, 'signings', id, action, { note: '自己审批' });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(response.body.params).toEqual({ permission: 'signing:approve' });
    expect(await statusOf(id)).toBe('submitted');
  });

  it('lets a branch manager (signing:approve) underwrite, approve and decline, and offers them every move', async () => {
    const id = await draftOfA();
    expectStatus(await act(fx.users.a, 'signings', id, 'submit'), 200, 'submit');
    const underwriting = await act(fx.users.managerX, 'signings', id, 'underwrite');
    expect(underwriting.status).toBe(200);
    expect(underwriting.body.can.actions).toEqual(['approve', 'decline']);
    const approved = await act(fx.users.managerX, 'signings', id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('issued');
    const other = await draftOfA();
    await submitForUnderwriting(fx.users.a, fx.users.managerX, other);
    const declined = await act(fx.users.managerX, 'signings', other, 'decline', { note: '健康告知不符' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect(declined.body.can.actions).toEqual([]);
  });

  it.each(['submit', 'withdraw', 'underwrite', 'approve', 'decline', 'issue'])('refuses a claims handler (no signing permission) to %s: 403, and the signing is not even readable', async (action) => {
    const id = await draftOfA();
    const response = await act(claimsHandler, 'signings', id, action, { note: '无权' });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect((await claimsHandler.request('GET', `/api/signings/${id}`)).status).toBe(403);
    expect(await statusOf(id)).toBe('draft');
  });

  it('answers 404 to a salesperson moving a colleague’s signing and to a manager of another branch', async () => {
    const id = await draftOfA();
    expect((await act(fx.users.b, 'signings', id, 'submit')).status).toBe(404);
    expectStatus(await act(fx.users.a, 'signings', id, 'submit'), 200, 'submit');
    const foreign = await act(fx.users.managerY, 'signings', id, 'underwrite');
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await fx.users.managerY.request('GET', `/api/signings/${id}/timeline`)).status).toBe(404);
    expect(await statusOf(id)).toBe('submitted');
  });
});

describe('invalid signing moves', () => {
  it.each([
    ['draft', 'approve', ['submit']],
    ['draft', 'withdraw', ['submit']],
    ['draft', 'issue', ['submit']],
    ['submitted', 'submit', ['withdraw', 'underwrite']],
    ['submitted', 'approve', ['withdraw', 'underwrite']],
    ['underwriting', 'withdraw', ['approve', 'decline']],
    ['underwriting', 'issue', ['approve', 'decline']],
    ['issued', 'approve', []],
    ['issued', 'decline', []],
    ['declined', 'submit', []],
  ])('answers 409 INVALID_TRANSITION from %s to %s, naming the moves allowed (%j)', async (status, action, allowed) => {
    const id = await draftOfA();
    if (status !== 'draft') expectStatus(await act(fx.users.a, 'signings', id, 'submit'), 200, 'submit');
    if (['underwriting', 'issued', 'declined'].includes(status)) expectStatus(await act(fx.users.managerX, 'signings', id, 'underwrite'), 200, 'underwrite');
    if (status === 'issued') expectStatus(await act(fx.users.managerX, 'signings', id, 'approve'), 200, 'approve');
    if (status === 'declined') expectStatus(await act(fx.users.managerX, 'signings', id, 'decline', { note: '拒保' }), 200, 'decline');
    const eventsBefore = await countRows(app, 'record_events', `module = 'signing' and record_id = ${id}`);
    const response = await act(fx.users.managerX, 'signings', id, action, { note: '理由' });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('INVALID_TRANSITION');
    expect(response.body.params).toEqual({ status, action, allowed });
    expect(await statusOf(id)).toBe(status);
    expect(await countRows(app, 'record_events', `module = 'signing' and record_id = ${id}`)).toBe(eventsBefore);
  });

  it('refuses to decline without a note (400, note required) and keeps the signing under underwriting', async () => {
    const id = await draftOfA();
    await submitForUnderwriting(fx.users.a, fx.users.managerX, id);
    const response = await act(fx.users.managerX, 'signings', id, 'decline');
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ note: 'required' });
    expect(await statusOf(id)).toBe('underwriting');
    expectStatus(await act(fx.users.managerX, 'signings', id, 'decline', { note: '既往症未告知' }), 200, 'decline');
    const [, , , decline] = (await fx.admin.request('GET', `/api/signings/${id}/timeline`)).body.items;
    expect(decline).toMatchObject({ action: 'decline', from: 'underwriting', to: 'declined', note: '既往症未告知', actorName: 'User manager_x' });
    expect(await countRows(app, 'policies', `signing_id = ${id}`)).toBe(0);
  });
});

describe('the status belongs to the workflow', () => {
  it('refuses a status on create and update with 400 unknown_field', async () => {
    const created = await fx.users.a.request('POST', '/api/signings', { ...buildSigning({ customerId: fx.customers.a.id as number, productId }), status: 'issued' });
    expect(created.status).toBe(400);
    expect(created.body.reasons).toEqual({ status: 'unknown_field' });
    const id = await draftOfA();
    const patched = await fx.admin.request('PATCH', `/api/signings/${id}`, { status: 'approved', version: 1 });
    expect(patched.status).toBe(400);
    expect(patched.body.reasons).toEqual({ status: 'unknown_field' });
    expect(await statusOf(id)).toBe('draft');
  });

  it('refuses to set the issued policy by hand (policyId is read-only)', async () => {
    const id = await draftOfA();
    const patched = await fx.admin.request('PATCH', `/api/signings/${id}`, { policyId: 1, version: 1 });
    expect(patched.status).toBe(400);
    expect(patched.body.reasons).toEqual({ policyId: 'unknown_field' });
  });

  it('lets the writer edit a draft but not a submitted signing (409, nothing changed)', async () => {
    const id = await draftOfA({ remarks: '初稿' });
    const edited = await fx.users.a.request('PATCH', `/api/signings/${id}`, { remarks: '修改稿', version: 1 });
    expect(edited.status).toBe(200);
    const submitted = expectStatus(await act(fx.users.a, 'signings', id, 'submit'), 200, 'submit').body;
    for (const client of [fx.users.a, fx.users.managerX]) {
      const response = await client.request('PATCH', `/api/signings/${id}`, { remarks: '提交后修改', amount: 1, version: submitted.version });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('INVALID_TRANSITION');
    }
    const after = await fx.admin.request('GET', `/api/signings/${id}`);
    expect(after.body).toMatchObject({ remarks: '修改稿', amount: 3_600, version: submitted.version });
  });
});

describe('approving a signing issues its policy and contract', () => {
  it('creates a policy and a contract linked both ways, puts a policy starting today in force, records the timeline and one signing.success event', async () => {
    const id = await draftOfA({ amount: 4_800, sumInsured: 300_000, paymentFrequency: 'semiannual' });
    const issued = await issueSigning(fx.users.a, fx.users.managerX, id);
    expect(issued.status).toBe('issued');
    expect(issued.policyId).toEqual(expect.any(Number));
    const policy = (await fx.admin.request('GET', `/api/policies/${issued.policyId}`)).body;
    expect(policy).toMatchObject({
      signingId: id,
      status: 'inForce',
      applicantId: fx.customers.a.id,
      insuredId: fx.customers.a.id,
      productId,
      insuranceType: 'health',
      startDate: '2026-06-01',
      endDate: '2027-05-31',
      premium: 4_800,
      sumInsured: 300_000,
      paymentFrequency: 'semiannual',
      nextDueDate: '2026-12-01',
      salespersonId: fx.salespeople.a,
      orgId: fx.teamX1,
    });
    expect(policy.policyNo).toMatch(/^P20260601\d{6}$/);
    const contractRows = await rawRows<{ id: unknown; contract_no: string; status: string; customer_id: unknown }>(app, `select id, contract_no, status, customer_id from contracts where policy_id = ${policy.id}`);
    expect(contractRows).toHaveLength(1);
    expect(contractRows[0]).toMatchObject({ status: 'effective' });
    expect(Number(contractRows[0]!.customer_id)).toBe(fx.customers.a.id);
    expect(contractRows[0]!.contract_no).toMatch(/^C20260601\d{6}$/);
    expect(await timelineMoves(fx.users.a, 'signings', id)).toEqual([
      ['create', null, 'draft'],
      ['submit', 'draft', 'submitted'],
      ['underwrite', 'submitted', 'underwriting'],
      ['approve', 'underwriting', 'approved'],
      ['issue', 'approved', 'issued'],
    ]);
    expect(await timelineMoves(fx.admin, 'policies', policy.id)).toEqual([
      ['create', null, 'pending'],
      ['activate', 'pending', 'inForce'],
    ]);
    const events = (await outboxRows(app, 'signing.success')).filter((event) => event.payload.signingId === id);
    expect(events).toEqual([{ key: `signing-success:${id}`, payload: { signingId: id, policyId: policy.id, customerId: fx.customers.a.id } }]);
  });

  it('leaves a policy starting in the future pending', async () => {
    const id = await draftOfA({ startDate: '2026-07-01', endDate: '2027-06-30' });
    const issued = await issueSigning(fx.users.a, fx.users.managerX, id);
    const policy = (await fx.admin.request('GET', `/api/policies/${issued.policyId}`)).body;
    expect(policy.status).toBe('pending');
    expect(policy.nextDueDate).toBe('2027-07-01');
    expect(await timelineMoves(fx.admin, 'policies', policy.id)).toEqual([['create', null, 'pending']]);
  });

  it('puts a policy that started before today in force', async () => {
    const id = await draftOfA({ signingDate: '2026-05-20', startDate: '2026-05-25', endDate: '2027-05-24' });
    const issued = await issueSigning(fx.users.a, fx.users.managerX, id);
    expect((await fx.admin.request('GET', `/api/policies/${issued.policyId}`)).body.status).toBe('inForce');
  });

  it('writes nothing when issuing fails part-way: the signing stays under underwriting, no policy, no event', async () => {
    const id = await draftOfA();
    await submitForUnderwriting(fx.users.a, fx.users.managerX, id);
    const [sequence] = await rawRows<{ value: unknown }>(app, `select value from sequences where name = 'contractNo'`);
    const clashingNo = `C20260601${String(Number(sequence?.value ?? 0) + 1).padStart(6, '0')}`;
    const blocker = (await fx.admin.request('POST', '/api/contracts', { contractNo: clashingNo, name: '占用合同号', signingDate: '2026-06-01', orgId: fx.teamX1 })).body;
    const policiesBefore = await countRows(app, 'policies');
    const outboxBefore = await countRows(app, 'outbox');
    const response = await act(fx.users.managerX, 'signings', id, 'approve');
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('DUPLICATE');
    expect(await statusOf(id)).toBe('underwriting');
    expect((await fx.admin.request('GET', `/api/signings/${id}`)).body.policyId).toBeNull();
    expect(await countRows(app, 'policies')).toBe(policiesBefore);
    expect(await countRows(app, 'outbox')).toBe(outboxBefore);
    expect(await timelineMoves(fx.admin, 'signings', id)).toHaveLength(3);
    expectStatus(await fx.admin.request('PATCH', `/api/contracts/${blocker.id}`, { contractNo: `X${clashingNo}`, version: blocker.version }), 200, 'free the number');
    expect((await act(fx.users.managerX, 'signings', id, 'approve')).body.status).toBe('issued');
  });
});

describe('two approvals racing on one signing', () => {
  it.each([1, 2, 3])('issue one policy and one contract: one 200 and one 409 (round %i)', async () => {
    const id = await draftOfA();
    await submitForUnderwriting(fx.users.a, fx.users.managerX, id);
    const responses = await Promise.all([act(fx.users.managerX, 'signings', id, 'approve'), act(fx.admin, 'signings', id, 'approve')]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(responses.find((response) => response.status === 409)!.body.code).toBe('INVALID_TRANSITION');
    const policies = await rawRows<{ id: unknown }>(app, `select id from policies where signing_id = ${id}`);
    expect(policies).toHaveLength(1);
    expect(await countRows(app, 'contracts', `policy_id = ${Number(policies[0]!.id)}`)).toBe(1);
    expect((await outboxRows(app, 'signing.success')).filter((event) => event.payload.signingId === id)).toHaveLength(1);
    expect(await statusOf(id)).toBe('issued');
    expect((await timelineMoves(fx.admin, 'signings', id)).filter(([action]) => action === 'approve')).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolmentOutcome } from '../src/domains/service/training.hooks.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { act, buildSigning, createProduct, expectStatus, issueSigning, submitForUnderwriting, today } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let trainer: Client;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  trainer = await accountClient(app, fx.admin, { loginName: 'trainer_x', orgId: fx.branchX, roles: ['trainer'] });
});
afterAll(() => app.close());

describe('enrolment outcomes', () => {
  it('follow attendance, score and pass mark', () => {
    expect(enrolmentOutcome(null, null, 60)).toEqual({ status: 'enrolled', passed: null });
    expect(enrolmentOutcome(false, null, 60)).toEqual({ status: 'absent', passed: null });
    expect(enrolmentOutcome(true, null, 60)).toEqual({ status: 'enrolled', passed: null });
    expect(enrolmentOutcome(true, 60, 60)).toEqual({ status: 'completed', passed: true });
    expect(enrolmentOutcome(true, 59.5, 60)).toEqual({ status: 'failed', passed: false });
    expect(enrolmentOutcome(true, null, null)).toEqual({ status: 'completed', passed: null });
  });
});

describe('training', () => {
  it('settles results from the course pass mark, re-settles them when it changes, and shows salespeople their own', async () => {
    const plan = expectStatus(await trainer.request('POST', '/api/training-plans', { name: '新人培训', startDate: today, targetRoles: '业务员', orgId: fx.branchX }), 201, 'plan').body;
    const course = expectStatus(await trainer.request('POST', '/api/training-courses', { name: '健康险基础', planId: plan.id, sessionAt: `${today}T02:00:00.000Z`, passMark: 60, durationHours: 4, orgId: fx.branchX }), 201, 'course').body;
    const enrol = (salespersonId: number, body: Record<string, unknown>) => trainer.request('POST', '/api/training-enrolments', { courseId: course.id, salespersonId, orgId: fx.teamX1, ...body });
    const passed = expectStatus(await enrol(fx.salespeople.a, { attended: true, score: 75 }), 201, 'a').body;
    expect(passed).toMatchObject({ status: 'completed', passed: true, completedAt: today });
    const failed = expectStatus(await enrol(fx.salespeople.b, { attended: true, score: 55 }), 201, 'b').body;
    expect(failed).toMatchObject({ status: 'failed', passed: false, completedAt: null });
    const again = await enrol(fx.salespeople.a, {});
    expect(again.status).toBe(409);
    expect(again.body.reasons).toEqual({ salespersonId: 'already_enrolled' });
    expectStatus(await trainer.request('PATCH', `/api/training-courses/${course.id}`, { passMark: 50, version: course.version }), 200, 'pass mark');
    expect((await trainer.request('GET', `/api/training-enrolments/${failed.id}`)).body).toMatchObject({ status: 'completed', passed: true });
    const mine = expectStatus(await fx.users.a.request('GET', '/api/training/mine'), 200, 'mine').body;
    expect(mine.enrolments).toHaveLength(1);
    expect(mine.enrolments[0]).toMatchObject({ id: passed.id, score: 75, status: 'completed', course: { name: '健康险基础', passMark: 50, durationHours: 4 } });
    expect((await fx.users.c.request('GET', '/api/training/mine')).body.enrolments).toEqual([]);
  });
});

describe('qualifications and signings', () => {
  let licensed: number;
  let openProduct: number;

  beforeAll(async () => {
    licensed = (await createProduct(fx.admin, { minAge: null, maxAge: null, requiredQualification: 'health' })).id as number;
    openProduct = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
  });

  const draft = (productId: number, salespersonId: number | null, customer = fx.customers.a) =>
    fx.admin.request('POST', '/api/signings', buildSigning({ customerId: customer.id as number, productId, salespersonId, orgId: fx.teamX1 }));

  it('refuses a signing of a licensed product by a salesperson without the licence, naming why', async () => {
    const refused = await draft(licensed, fx.salespeople.a);
    expect(refused.status).toBe(400);
    expect(refused.body.reasons).toEqual({ salespersonId: 'qualification_missing' });
    expect(refused.body.fields.salespersonId).toContain('健康险销售资格');
    expect((await draft(licensed, null)).body.reasons).toEqual({ salespersonId: 'qualification_missing' });
    // Products that require nothing are sold as before.
    expect((await draft(openProduct, fx.salespeople.a)).status).toBe(201);
  });

  it('accepts it with a valid licence, refuses it with an expired or not-yet-issued one, and rechecks on approval', async () => {
    const expired = expectStatus(await trainer.request('POST', '/api/qualifications', { salespersonId: fx.salespeople.a, type: 'health', certificateNo: 'H-OLD', issuedOn: '2020-01-01', expiresOn: '2026-05-31', orgId: fx.teamX1 }), 201, 'old licence').body;
    const refused = await draft(licensed, fx.salespeople.a);
    expect(refused.body.reasons).toEqual({ salespersonId: 'qualification_expired' });
    expect(refused.body.fields.salespersonId).toContain('2026-05-31');
    expectStatus(await trainer.request('POST', '/api/qualifications', { salespersonId: fx.salespeople.a, type: 'health', certificateNo: 'H-FUTURE', issuedOn: '2026-07-01', expiresOn: '2029-06-30', orgId: fx.teamX1 }), 201, 'future licence');
    expect((await draft(licensed, fx.salespeople.a)).body.reasons).toEqual({ salespersonId: 'qualification_missing' });
    const valid = expectStatus(await trainer.request('POST', '/api/qualifications', { salespersonId: fx.salespeople.a, type: 'health', certificateNo: 'H-2026', issuedOn: '2026-01-01', expiresOn: '2026-12-31', orgId: fx.teamX1 }), 201, 'licence').body;
    const signing = expectStatus(await draft(licensed, fx.salespeople.a), 201, 'licensed signing').body;
    // Another type of licence does not count.
    expectStatus(await trainer.request('POST', '/api/qualifications', { salespersonId: fx.salespeople.b, type: 'property', certificateNo: 'P-1', expiresOn: '2030-01-01', orgId: fx.teamX1 }), 201, 'property');
    expect((await draft(licensed, fx.salespeople.b, fx.customers.b)).body.reasons).toEqual({ salespersonId: 'qualification_missing' });
    // The licence is withdrawn (marked abnormal) while the signing waits for underwriting: approval is refused.
    await submitForUnderwriting(fx.admin, fx.admin, signing.id);
    expectStatus(await trainer.request('PATCH', `/api/qualifications/${valid.id}`, { status: 'abnormal', version: valid.version }), 200, 'withdraw');
    const approval = await act(fx.admin, 'signings', signing.id, 'approve');
    expect(approval.status).toBe(400);
    expect(approval.body.reasons).toEqual({ salespersonId: 'qualification_missing' });
    const restored = (await trainer.request('GET', `/api/qualifications/${valid.id}`)).body;
    expectStatus(await trainer.request('PATCH', `/api/qualifications/${valid.id}`, { status: 'normal', version: restored.version }), 200, 'restore');
    expect((await act(fx.admin, 'signings', signing.id, 'approve')).body.status).toBe('issued');
    expect(expired.status).toBe('normal');
  });

  it('shows a salesperson their own licences with days left, and no one else’s', async () => {
    const mine = (await fx.users.a.request('GET', '/api/training/mine')).body.qualifications as { certificateNo: string; valid: boolean; daysLeft: number }[];
    expect(mine.map((row) => [row.certificateNo, row.valid, row.daysLeft])).toEqual([
      ['H-OLD', false, -1],
      ['H-2026', true, 213],
      ['H-FUTURE', true, 1125],
    ]);
    const listedByA = (await fx.users.a.request('GET', '/api/qualifications?pageSize=100')).body.items as { salespersonId: number }[];
    expect(listedByA.every((row) => row.salespersonId === fx.salespeople.a)).toBe(true);
    expect((await fx.users.c.request('GET', '/api/qualifications')).body.total).toBe(0);
  });

  it('leaves the issue path of unlicensed products unchanged', async () => {
    const signing = expectStatus(await draft(openProduct, fx.salespeople.c, fx.customers.a), 201, 'open').body;
    expect((await issueSigning(fx.admin, fx.admin, signing.id)).status).toBe('issued');
  });
});

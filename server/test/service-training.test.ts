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

describe('training sessions', () => {
  it('a course has sessions with time, place and trainer; trainees enrol per session within its places; attendance and score settle each result', async () => {
    const course = expectStatus(await trainer.request('POST', '/api/training-courses', { name: '理赔实务', passMark: 70, durationHours: 3, trainer: '课程讲师', orgId: fx.branchX }), 201, 'course').body;
    const other = expectStatus(await trainer.request('POST', '/api/training-courses', { name: '其他课程', orgId: fx.branchX }), 201, 'other').body;
    const session = (body: Record<string, unknown>) => trainer.request('POST', '/api/training-sessions', { courseId: course.id, orgId: fx.branchX, ...body });
    const first = expectStatus(await session({ name: '第一期', startsAt: `${today}T01:00:00.000Z`, endsAt: `${today}T04:00:00.000Z`, location: '总部 3 楼培训室', trainer: '王讲师', capacity: 1 }), 201, 'first').body;
    expect(first).toMatchObject({ status: 'planned', courseId: course.id, trainer: '王讲师', capacity: 1 });
    const second = expectStatus(await session({ name: '第二期', startsAt: `${today}T06:00:00.000Z`, location: '线上', trainer: '李讲师' }), 201, 'second').body;
    const backwards = await session({ name: '错期', startsAt: `${today}T06:00:00.000Z`, endsAt: `${today}T05:00:00.000Z` });
    expect(backwards.status).toBe(400);
    expect(backwards.body.reasons).toEqual({ endsAt: 'ends_before_start' });

    const enrol = (salespersonId: number, body: Record<string, unknown>) => trainer.request('POST', '/api/training-enrolments', { courseId: course.id, salespersonId, orgId: fx.teamX1, ...body });
    const a = expectStatus(await enrol(fx.salespeople.a, { sessionId: first.id }), 201, 'a').body;
    expect(a).toMatchObject({ sessionId: first.id, status: 'enrolled', passed: null });
    // One place only; another course's session; the same session twice.
    const full = await enrol(fx.salespeople.b, { sessionId: first.id });
    expect(full.status).toBe(400);
    expect(full.body.reasons).toEqual({ sessionId: 'session_full' });
    expect(full.body.fields.sessionId).toContain('1');
    const wrongCourse = await trainer.request('POST', '/api/training-enrolments', { courseId: other.id, salespersonId: fx.salespeople.b, orgId: fx.teamX1, sessionId: first.id });
    expect(wrongCourse.body.reasons).toEqual({ sessionId: 'session_not_of_course' });
    const b = expectStatus(await enrol(fx.salespeople.b, { sessionId: second.id }), 201, 'b').body;
    const twice = await enrol(fx.salespeople.b, { sessionId: second.id });
    expect(twice.status).toBe(409);
    expect(twice.body.reasons).toEqual({ salespersonId: 'already_enrolled_session' });

    // Attendance and the exam score against the course's pass mark; the trainee's rating and feedback.
    const aDone = expectStatus(await trainer.request('PATCH', `/api/training-enrolments/${a.id}`, { attended: true, score: 68, feedbackRating: 4, feedback: '案例很实用', version: a.version }), 200, 'a result').body;
    expect(aDone).toMatchObject({ status: 'failed', passed: false, completedAt: null, feedbackRating: 4 });
    const bAbsent = expectStatus(await trainer.request('PATCH', `/api/training-enrolments/${b.id}`, { attended: false, version: b.version }), 200, 'b absent').body;
    expect(bAbsent.status).toBe('absent');
    // A retake: the failed trainee enrols in the second session and passes there.
    const retake = expectStatus(await enrol(fx.salespeople.a, { sessionId: second.id, attended: true, score: 85 }), 201, 'retake').body;
    expect(retake).toMatchObject({ status: 'completed', passed: true, completedAt: today });
    const badRating = await trainer.request('PATCH', `/api/training-enrolments/${retake.id}`, { feedbackRating: 6, version: retake.version });
    expect(badRating.status).toBe(400);
    expect(Object.keys(badRating.body.reasons)).toEqual(['feedbackRating']);

    // A cancelled session takes no new trainees.
    const cancelled = expectStatus(await session({ name: '取消期', startsAt: `${today}T08:00:00.000Z` }), 201, 'third').body;
    expectStatus(await trainer.request('PATCH', `/api/training-sessions/${cancelled.id}`, { status: 'cancelled', version: cancelled.version }), 200, 'cancel');
    expect((await enrol(fx.salespeople.b, { sessionId: cancelled.id })).body.reasons).toEqual({ sessionId: 'session_cancelled' });

    // The salesperson's own page: both sessions of the course, with time, place, trainer, attendance and result.
    const mine = expectStatus(await fx.users.a.request('GET', '/api/training/mine'), 200, 'mine').body.enrolments as Record<string, any>[];
    const ofCourse = mine.filter((row) => row.courseId === course.id).sort((x, y) => x.id - y.id);
    expect(ofCourse.map((row) => [row.session?.name, row.session?.location, row.session?.trainer, row.attended, row.score, row.status])).toEqual([
      ['第一期', '总部 3 楼培训室', '王讲师', true, 68, 'failed'],
      ['第二期', '线上', '李讲师', true, 85, 'completed'],
    ]);
    expect(ofCourse[0]!.session).toMatchObject({ startsAt: `${today}T01:00:00.000Z`, endsAt: `${today}T04:00:00.000Z`, status: 'planned' });
    expect(ofCourse[0]!.course).toMatchObject({ name: '理赔实务', passMark: 70, trainer: '课程讲师' });
    // Nobody else's enrolments: B's absence is not on A's page.
    expect(mine.some((row) => row.salespersonId !== fx.salespeople.a)).toBe(false);
  });

  it('sessions are limited to the organisation scope (another branch cannot see or enrol into them)', async () => {
    const trainerY = await accountClient(app, fx.admin, { loginName: 'trainer_y', orgId: fx.branchY, roles: ['trainer'] });
    const course = expectStatus(await trainer.request('POST', '/api/training-courses', { name: '分支课程', orgId: fx.branchX }), 201, 'course').body;
    const session = expectStatus(await trainer.request('POST', '/api/training-sessions', { courseId: course.id, name: 'X 专场', startsAt: `${today}T01:00:00.000Z`, orgId: fx.branchX }), 201, 'session').body;
    expect((await trainerY.request('GET', `/api/training-sessions/${session.id}`)).status).toBe(404);
    const listed = (await trainerY.request('GET', '/api/training-sessions?pageSize=100')).body.items as { id: number }[];
    expect(listed.some((row) => row.id === session.id)).toBe(false);
    const refused = await trainerY.request('POST', '/api/training-enrolments', { courseId: course.id, sessionId: session.id, salespersonId: fx.salespeople.c, orgId: fx.branchY });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.reasons)).toEqual(expect.arrayContaining(['courseId']));
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

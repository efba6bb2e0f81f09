import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPolicyLifecycle } from '../src/domains/insurance/policy-lifecycle.job.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createPolicy, createProduct } from './insurance-factories.ts';
import { createCustomer, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let customerId: number;
let productId: number;
const graceDays = 60;

beforeAll(async () => {
  clock = new ManualClock();
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  customerId = (await createCustomer(admin, { orgId: headId, birthDate: '1985-04-12' })).id as number;
  productId = (await createProduct(admin, { sumInsuredMin: null, sumInsuredMax: null })).id as number;
});
afterAll(() => app.close());

/** Moves the clock to the job's hour on a day; the admin signs in again (sessions end after idle time). */
async function on(date: string) {
  clock.set(new Date(`${date}T01:30:00.000Z`));
  admin = await loginAdmin(app);
}
const policy = (overrides: Record<string, unknown>, options?: { activate?: boolean }) => createPolicy(admin, { applicantId: customerId, productId, orgId: headId, ...overrides }, options);
const run = () => runPolicyLifecycle(app.services, graceDays);

interface PolicyState {
  status: string;
  version: number;
  events: string[];
}

/** Status, version and job-made timeline entries (expire / lapse) of policies, read straight from the tables. */
async function states(ids: number[]): Promise<Record<number, PolicyState>> {
  const rows = await rawRows<{ id: unknown; status: string; version: unknown }>(app, `select id, status, version from policies where id in (${ids.join(',')})`);
  const events = await rawRows<{ record_id: unknown; action: string }>(app, `select record_id, action from record_events where module = 'policy' and record_id in (${ids.join(',')}) and action in ('expire', 'lapse') order by id`);
  return Object.fromEntries(
    rows.map((row) => [
      Number(row.id),
      { status: row.status, version: Number(row.version), events: events.filter((event) => Number(event.record_id) === Number(row.id)).map((event) => event.action) },
    ]),
  );
}

describe('the daily policy job', () => {
  let ids: Record<string, number>;

  beforeAll(async () => {
    await on('2026-06-01');
    ids = {
      endsSoon: (await policy({ endDate: '2026-06-10', paymentFrequency: 'single', nextDueDate: null })).id,
      unpaid: (await policy({ endDate: '2030-05-31', paymentFrequency: 'annual', nextDueDate: '2026-06-05' })).id,
      singleUnpaidLooking: (await policy({ endDate: '2030-05-31', paymentFrequency: 'single', nextDueDate: '2026-06-05' })).id,
      paidUp: (await policy({ endDate: '2030-05-31', paymentFrequency: 'monthly', nextDueDate: '2026-07-01' })).id,
      // Never taken up: its whole period passed while pending, so the job leaves it for staff.
      pendingEnded: (await policy({ startDate: '2026-05-01', endDate: '2026-05-31', paymentFrequency: 'annual', nextDueDate: '2026-06-05' }, { activate: false })).id,
      openEnded: (await policy({ endDate: null, paymentFrequency: 'single', nextDueDate: null })).id,
    } as Record<string, number>;
  });

  it('keeps a policy in force through its end date and expires it the day after', async () => {
    await on('2026-06-10');
    expect(await run()).toMatchObject({ expired: 0, lapsed: 0 });
    await on('2026-06-11');
    expect(await run()).toMatchObject({ expired: 1, lapsed: 0 });
    const after = await states(Object.values(ids));
    expect(after[ids.endsSoon!]).toEqual({ status: 'expired', version: 3, events: ['expire'] });
    expect(after[ids.pendingEnded!]!.status).toBe('pending');
    expect(after[ids.unpaid!]!.status).toBe('inForce');
  });

  it('lapses an unpaid policy only after the grace period, never a single-premium one', async () => {
    await on('2026-08-04');
    expect(await run()).toMatchObject({ expired: 0, lapsed: 0 });
    await on('2026-08-05');
    expect(await run()).toMatchObject({ expired: 0, lapsed: 1 });
    const after = await states(Object.values(ids));
    expect(after[ids.unpaid!]).toEqual({ status: 'lapsed', version: 3, events: ['lapse'] });
    expect(after[ids.singleUnpaidLooking!]).toMatchObject({ status: 'inForce', events: [] });
    expect(after[ids.paidUp!]).toMatchObject({ status: 'inForce', events: [] });
    expect(after[ids.openEnded!]).toMatchObject({ status: 'inForce', events: [] });
    expect(after[ids.pendingEnded!]).toMatchObject({ status: 'pending', events: [] });
  });

  it('records who and when on the timeline and in the audit log', async () => {
    const timeline = (await admin.request('GET', `/api/policies/${ids.unpaid}/timeline`)).body.items;
    expect(timeline.at(-1)).toMatchObject({ action: 'lapse', from: 'inForce', to: 'lapsed', data: { date: '2026-08-05' }, at: '2026-08-05T01:30:00.000Z' });
    expect(await countRows(app, 'audit_logs', `module = 'policy' and record_id = ${ids.unpaid} and action = 'transition:lapse'`)).toBe(1);
  });

  it('changes nothing when run a second time the same day', async () => {
    const before = await states(Object.values(ids));
    const auditBefore = await countRows(app, 'audit_logs');
    expect(await run()).toMatchObject({ expired: 0, lapsed: 0 });
    expect(await states(Object.values(ids))).toEqual(before);
    expect(await countRows(app, 'audit_logs')).toBe(auditBefore);
  });
});

describe('pending policies', () => {
  it('go in force on their start date, once, and their contracts follow', async () => {
    await on('2026-09-01');
    const future = await policy({ startDate: '2026-09-10', endDate: '2027-09-09' }, { activate: false });
    expect(future.status).toBe('pending');
    await on('2026-09-09');
    await run();
    expect((await states([future.id]))[future.id]!.status).toBe('pending');
    await on('2026-09-10');
    expect((await run()).activated).toBeGreaterThanOrEqual(1);
    expect((await states([future.id]))[future.id]!.status).toBe('inForce');
    expect((await run()).activated).toBe(0);
  });
});

describe('two runs at once (on PostgreSQL: two nodes)', () => {
  it('change each policy once, with one timeline entry each', async () => {
    await on('2027-01-01');
    await run(); // settles the policies of the suite above, so the counts below are this test's own
    const expiring: number[] = [];
    const lapsing: number[] = [];
    for (let index = 0; index < 6; index++) expiring.push((await policy({ startDate: '2027-01-01', endDate: '2027-01-15', paymentFrequency: 'single', nextDueDate: null })).id);
    for (let index = 0; index < 4; index++) lapsing.push((await policy({ startDate: '2027-01-01', endDate: '2031-12-31', paymentFrequency: 'quarterly', nextDueDate: '2027-04-01' })).id);
    await on('2027-06-01');
    const results = await Promise.all([run(), run()]);
    expect(results.reduce((sum, result) => sum + result.expired, 0)).toBe(expiring.length);
    expect(results.reduce((sum, result) => sum + result.lapsed, 0)).toBe(lapsing.length);
    const after = await states([...expiring, ...lapsing]);
    for (const id of expiring) expect(after[id]).toEqual({ status: 'expired', version: 3, events: ['expire'] });
    for (const id of lapsing) expect(after[id]).toEqual({ status: 'lapsed', version: 3, events: ['lapse'] });
    expect(await Promise.all([run(), run(), run()])).toEqual([
      { activated: 0, expired: 0, lapsed: 0 },
      { activated: 0, expired: 0, lapsed: 0 },
      { activated: 0, expired: 0, lapsed: 0 },
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUpState } from '../src/domains/service/follow-up.hooks.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { expectStatus, today } from './insurance-factories.ts';
import { addDays } from '../src/domains/insurance/insurance.rules.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
});
afterAll(() => app.close());

const record = async (client: Client, customer: Record<string, unknown>, nextFollowUpDate: string | null, overrides: Record<string, unknown> = {}) =>
  expectStatus(
    await client.request('POST', '/api/interactions', { subject: `跟进 ${nextFollowUpDate}`, customerId: customer.id, type: 'contact', channel: 'phone', occurredAt: `${today}T08:00:00.000Z`, result: '已沟通', nextFollowUpDate, orgId: customer.orgId, ownerId: customer.ownerId ?? null, ...overrides }),
    201,
    'interaction',
  ).body;
const followUps = async (client: Client, query = '') => expectStatus(await client.request('GET', `/api/interactions/follow-ups${query}`), 200, 'follow-ups').body;

describe('follow-up states', () => {
  it('are none, done, overdue, due today or upcoming', () => {
    expect(followUpState(null, null, today)).toBeNull();
    expect(followUpState('2026-05-01', '2026-05-02T00:00:00.000Z', today)).toBe('done');
    expect(followUpState('2026-05-31', null, today)).toBe('overdue');
    expect(followUpState(today, null, today)).toBe('due');
    expect(followUpState('2026-06-02', null, today)).toBe('upcoming');
  });
});

describe('due and overdue follow-ups', () => {
  it('lists the owner’s open follow-ups soonest first, and a later record with the customer marks them done', async () => {
    const a = fx.customers.a;
    const overdue = await record(fx.users.a, a, addDays(today, -3));
    const due = await record(fx.users.a, fx.customers.a, today, { type: 'care' });
    expect(overdue.followUpState).toBe('overdue');
    expect(due.followUpState).toBe('due');
    // Writing the second record followed up the first.
    const first = (await fx.users.a.request('GET', `/api/interactions/${overdue.id}`)).body;
    expect(first).toMatchObject({ followUpState: 'done' });
    expect(first.followedUpAt).not.toBeNull();
    const far = await record(fx.users.b, fx.customers.b, addDays(today, 20));
    const soon = await record(fx.users.b, fx.customers.b, addDays(today, -1), { subject: 'B 逾期' });
    // B's second record followed up B's first: only the overdue one is open.
    expect((await fx.users.b.request('GET', `/api/interactions/${far.id}`)).body.followUpState).toBe('done');
    const ofB = await followUps(fx.users.b);
    expect(ofB.items.map((item: { id: number }) => item.id)).toEqual([soon.id]);
    expect(ofB).toMatchObject({ total: 1, overdue: 1 });
    const ofA = await followUps(fx.users.a);
    expect(ofA.items.map((item: { id: number }) => item.id)).toEqual([due.id]);
    expect((await followUps(fx.users.a, '?state=overdue')).total).toBe(0);
    expect((await followUps(fx.users.a, '?state=due')).items.map((item: { id: number }) => item.id)).toEqual([due.id]);
    expect((await followUps(fx.users.a, '?type=complaint')).total).toBe(0);
  });

  it('respects the window and data scope: a manager sees the branch, another branch sees none of it', async () => {
    const later = await record(fx.users.a, fx.customers.a, addDays(today, 10), { subject: '十天后' });
    expect((await followUps(fx.users.a)).items.some((item: { id: number }) => item.id === later.id)).toBe(false);
    expect((await followUps(fx.users.a, '?days=10')).items.some((item: { id: number }) => item.id === later.id)).toBe(true);
    const x = await followUps(fx.users.managerX, '?days=30&pageSize=200');
    expect(x.items.length).toBeGreaterThanOrEqual(2);
    expect(x.items.every((item: { orgId: number }) => [fx.teamX1, fx.branchX].includes(item.orgId))).toBe(true);
    expect((await followUps(fx.users.managerY, '?days=30')).total).toBe(0);
    expect((await followUps(fx.users.c, '?days=30')).total).toBe(0);
    expect((await fx.users.a.request('GET', '/api/interactions/follow-ups?state=soon')).status).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCustomerPool } from '../src/domains/sales/customer-pool.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer } from './factories.ts';
import { auditRows, expectStatus, outboxRows } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp, login, loginAdmin, rawRows, userPassword } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
let admin: Client;

/** Sessions end after idle time: everyone signs in again when the clock jumps. */
async function on(instant: string) {
  clock.set(new Date(instant));
  admin = await loginAdmin(app);
  for (const key of ['a', 'b', 'c', 'managerX', 'managerY'] as const) fx.users[key] = await login(app, fx.users[key].loginName, userPassword);
}
const ownerOf = async (id: unknown) => (await admin.request('GET', `/api/customers/${id}`)).body.ownerId as number | null;
const poolIds = async (client: Client) => (expectStatus(await client.request('GET', '/api/customers/pool?pageSize=100'), 200, 'pool').body.items as { id: number }[]).map((item) => item.id).sort();
async function patch(plural: string, id: number, values: Record<string, unknown>) {
  const current = await admin.request('GET', `/api/${plural}/${id}`);
  return expectStatus(await admin.request('PATCH', `/api/${plural}/${id}`, { version: current.body.version, ...values }), 200, `patch ${plural}`).body;
}

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
  app = await buildTestApp({ clock });
  fx = await buildScopeFixture(app);
  admin = fx.admin;
  // Branch X returns after 10 days with 2 days' notice (team X1 inherits it); branch Y keeps the default 30/3.
  await patch('organisations', fx.branchX, { poolReturnDays: 10, poolNoticeDays: 2 });
  // B's customer was followed up on day 5.
  await on('2026-06-06T10:00:00.000Z');
  expectStatus(
    await fx.users.b.request('POST', '/api/interactions', { subject: '电话回访', customerId: fx.customers.b.id, type: 'contact', occurredAt: '2026-06-06T10:00:00.000Z', orgId: fx.teamX1 }),
    201,
    'follow-up',
  );
});
afterAll(() => app.close());

describe('return to the pool', () => {
  it('gives notice before the return, once', async () => {
    await on('2026-06-08T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 0 });

    await on('2026-06-10T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 1 });
    const notices = await outboxRows(app, 'customer.pool-notice');
    expect(notices.map((row) => row.payload)).toEqual([{ customerId: fx.customers.a.id, salespersonId: fx.salespeople.a, returnOn: '2026-06-12', lastFollowUpAt: null }]);
    // a second run the same day, or on another node, sends nothing new
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 0 });
    expect(await ownerOf(fx.customers.a.id)).toBe(fx.salespeople.a);
  });

  it('returns customers without a follow-up for the organisation’s days, once, and keeps the history', async () => {
    await on('2026-06-12T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 1, noticed: 0 });
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 0 });
    expect(await ownerOf(fx.customers.a.id)).toBeNull();
    // B's follow-up on day 5 moves the return to day 15; C's branch waits 30 days
    expect(await ownerOf(fx.customers.b.id)).toBe(fx.salespeople.b);
    expect(await ownerOf(fx.customers.c.id)).toBe(fx.salespeople.c);
    expect((await outboxRows(app, 'customer.pool-returned')).map((row) => row.payload)).toEqual([{ customerId: fx.customers.a.id, salespersonId: fx.salespeople.a, days: 10 }]);
    const audits = await auditRows(app, 'customer', 'pool_return');
    expect(audits).toEqual([{ recordId: fx.customers.a.id, actorName: expect.any(String), changes: { ownerId: { before: fx.salespeople.a, after: null }, reason: 'no_follow_up', days: 10 } }]);
    const history = expectStatus(await fx.users.managerX.request('GET', `/api/customers/${fx.customers.a.id}/pool-history`), 200, 'pool history').body.items;
    expect(history.map((item: { action: string; salespersonName: string }) => [item.action, item.salespersonName])).toEqual([
      ['notice', '业务员甲'],
      ['return', '业务员甲'],
    ]);
    const timeline = await admin.request('GET', `/api/customers/${fx.customers.a.id}/history`);
    expect(timeline.body.items.map((item: { action: string }) => item.action)).toContain('pool_return');
  });

  it('the pool is per organisation subtree', async () => {
    expect(await poolIds(fx.users.a)).toEqual([fx.customers.a.id]);
    expect(await poolIds(fx.users.managerX)).toEqual([fx.customers.a.id, fx.customers.xUnowned.id].sort());
    expect(await poolIds(fx.users.managerY)).toEqual([]);
    expect(await poolIds(fx.users.c)).toEqual([]);
    const search = async (q: string) => (await fx.users.managerX.request('GET', `/api/customers/pool?q=${encodeURIComponent(q)}`)).body.items.map((item: { id: number }) => item.id);
    expect(await search('无主')).toEqual([fx.customers.xUnowned.id]);
    expect(await search('%')).toEqual([]);
    const listed = expectStatus(await fx.users.b.request('GET', '/api/customers/pool'), 200, 'pool').body;
    expect(listed.items[0].pool).toMatchObject({ action: 'return', previousOwnerId: fx.salespeople.a, previousOwnerName: '业务员甲' });
    expect(listed).toMatchObject({ claimLimit: 5, claimedToday: 0 });
  });
});

describe('claims', () => {
  it('a salesperson claims from their pool; a taken customer cannot be claimed again; other branches cannot see it', async () => {
    expect((await fx.users.c.request('POST', `/api/customers/${fx.customers.a.id}/claim`)).status).toBe(404);
    const claimed = expectStatus(await fx.users.b.request('POST', `/api/customers/${fx.customers.a.id}/claim`), 200, 'claim').body;
    expect(claimed.ownerId).toBe(fx.salespeople.b);
    expect(claimed.ownedSince).toBe('2026-06-12T02:00:00.000Z');
    // Someone who sees the taken customer learns why; to A it is now B's customer, outside A's scope, so it
    // does not exist (found by the access-matrix sweep: this answered 409 not_in_pool, confirming it exists).
    const again = await fx.users.b.request('POST', `/api/customers/${fx.customers.a.id}/claim`);
    expect(again.status).toBe(409);
    expect(again.body.reasons.ownerId).toBe('not_in_pool');
    const hidden = await fx.users.a.request('POST', `/api/customers/${fx.customers.a.id}/claim`);
    const missing = await fx.users.a.request('POST', '/api/customers/987654/claim');
    expect(hidden.status).toBe(404);
    expect(hidden.text.replace(/"requestId":"[^"]*"/, '')).toBe(missing.text.replace(/"requestId":"[^"]*"/, ''));
    // a manager without a salesperson record cannot claim
    const manager = await fx.users.managerX.request('POST', `/api/customers/${fx.customers.xUnowned.id}/claim`);
    expect(manager.status).toBe(400);
    expect(manager.body.reasons.ownerId).toBe('not_a_salesperson');
    expect((await auditRows(app, 'customer', 'pool_claim')).map((row) => [row.recordId, row.changes.ownerId.after])).toEqual([[fx.customers.a.id, fx.salespeople.b]]);
  });

  it('the claim clock restarts: the new owner gets the full period', async () => {
    // B's own customer (followed up on day 5) is due on day 15: notice on the 15th (the window opened on the
    // 14th at 10:00, after that night's run), so it returns two days after the notice
    await on('2026-06-15T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 1 });
    await on('2026-06-16T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 0 });
    expect(await ownerOf(fx.customers.b.id)).toBe(fx.salespeople.b);
    await on('2026-06-20T02:00:00.000Z');
    // and the one B claimed on day 12 stays until day 22 (notice today).
    expect(await runCustomerPool(app.services)).toEqual({ returned: 1, noticed: 1 });
    expect(await ownerOf(fx.customers.b.id)).toBeNull();
    expect(await ownerOf(fx.customers.a.id)).toBe(fx.salespeople.b);
  });

  it('claims per day are limited by role (the highest limit of the roles, else the default)', async () => {
    const roles = await admin.request('GET', '/api/roles?pageSize=100');
    const salespersonRole = roles.body.items.find((role: { builtinKey: string }) => role.builtinKey === 'salesperson');
    await patch('roles', salespersonRole.id, { poolClaimLimit: 2 });
    const extra = [];
    for (let index = 0; index < 3; index++) extra.push((await createCustomer(admin, { orgId: fx.teamX1, ownerId: null, name: `公海客户${index}` })).id as number);
    expect(await poolIds(fx.users.a)).toEqual([fx.customers.b.id, ...extra].sort());
    expectStatus(await fx.users.a.request('POST', `/api/customers/${extra[0]}/claim`), 200, 'claim 1');
    expectStatus(await fx.users.a.request('POST', `/api/customers/${extra[1]}/claim`), 200, 'claim 2');
    const third = await fx.users.a.request('POST', `/api/customers/${extra[2]}/claim`);
    expect(third.status).toBe(400);
    expect(third.body.reasons.ownerId).toBe('claim_limit_reached');
    expect(await ownerOf(extra[2])).toBeNull();
    expect((await fx.users.a.request('GET', '/api/customers/pool')).body).toMatchObject({ claimLimit: 2, claimedToday: 2 });
    // B claimed on another day: today's count is their own
    expectStatus(await fx.users.b.request('POST', `/api/customers/${extra[2]}/claim`), 200, 'claim by B');
    // the next day A may claim again
    await on('2026-06-21T02:00:00.000Z');
    expectStatus(await fx.users.a.request('POST', `/api/customers/${fx.customers.b.id}/claim`), 200, 'claim next day');
    const counts = await rawRows<{ salesperson_id: unknown; day: string; n: unknown }>(app, `select salesperson_id, day, count(*) as n from customer_pool_events where action = 'claim' group by salesperson_id, day order by day, salesperson_id`);
    expect(counts.map((row) => [Number(row.salesperson_id), row.day, Number(row.n)])).toEqual([
      [fx.salespeople.b, '2026-06-12', 1],
      [fx.salespeople.a, '2026-06-20', 2],
      [fx.salespeople.b, '2026-06-20', 1],
      [fx.salespeople.a, '2026-06-21', 1],
    ]);
  });

  it('an owner gives a customer back; the history keeps every owner', async () => {
    const released = await fx.users.b.request('POST', `/api/customers/${fx.customers.a.id}/release`, { reason: '客户已移居外地' });
    expect(released.status).toBe(200);
    expect(await ownerOf(fx.customers.a.id)).toBeNull();
    // not theirs: a salesperson cannot release someone else's customer
    expect((await fx.users.b.request('POST', `/api/customers/${fx.customers.b.id}/release`, {})).status).toBe(404);
    const history = expectStatus(await fx.users.a.request('GET', `/api/customers/${fx.customers.a.id}/pool-history`), 200, 'history').body.items;
    expect(history.map((item: { action: string; salespersonName: string; reason: string | null }) => [item.action, item.salespersonName, item.reason])).toEqual([
      ['notice', '业务员甲', '2026-06-12'],
      ['return', '业务员甲', 'no_follow_up'],
      ['claim', '业务员乙', null],
      ['notice', '业务员乙', '2026-06-22'],
      ['release', '业务员乙', '客户已移居外地'],
    ]);
    expect((await fx.users.c.request('GET', `/api/customers/${fx.customers.a.id}/pool-history`)).status).toBe(404);
  });

  it('a customer found long overdue (before the upgrade, job stopped) is noticed first and returned after the notice days', async () => {
    const legacy = (await createCustomer(admin, { orgId: fx.branchY, ownerId: fx.salespeople.c, name: '老客户' })).id as number;
    await rawRows(app, `update customers set created_at = '2026-01-01T00:00:00.000Z' where id = ${legacy}`);
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 1 });
    expect((await outboxRows(app, 'customer.pool-notice')).at(-1)!.payload).toEqual({ customerId: legacy, salespersonId: fx.salespeople.c, returnOn: '2026-06-24', lastFollowUpAt: null });
    await on('2026-06-23T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 0, noticed: 0 });
    expect(await ownerOf(legacy)).toBe(fx.salespeople.c);
    await on('2026-06-24T02:00:00.000Z');
    expect(await runCustomerPool(app.services)).toEqual({ returned: 1, noticed: 0 });
    expect(await ownerOf(legacy)).toBeNull();
  });

  it('assigning an owner by editing starts their follow-up clock', async () => {
    const updated = await patch('customers', fx.customers.xUnowned.id as number, { ownerId: fx.salespeople.a });
    expect(updated.ownedSince).toBe('2026-06-24T02:00:00.000Z');
  });
});

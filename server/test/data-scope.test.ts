import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type ApiResponse, type Client, type Method, type TestApp, buildTestApp, countRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
const missingId = 987654;

beforeAll(async () => {
  app = await buildTestApp();
  fx = await buildScopeFixture(app);
});
afterAll(() => app.close());

const ids = (response: ApiResponse) => (response.body.items as { id: number }[]).map((item) => item.id).sort((x, y) => x - y);
const sorted = (...values: unknown[]) => (values as number[]).sort((x, y) => x - y);
const withoutRequestId = (response: ApiResponse) => response.text.replace(/"requestId":"[^"]*"/, '');

/** The out-of-scope answer must not tell "exists elsewhere" from "does not exist". */
async function expectIndistinguishable(client: Client, method: Method, path: (id: number) => string, body?: unknown) {
  const hidden = await client.request(method, path(fx.customers.b.id as number), body);
  const missing = await client.request(method, path(missingId), body);
  expect(hidden.status).toBe(404);
  expect(hidden.body.code).toBe('NOT_FOUND');
  expect(missing.status).toBe(404);
  expect(withoutRequestId(hidden)).toBe(withoutRequestId(missing));
  expect(hidden.headers['content-length']).toBe(missing.headers['content-length']);
}

describe('a salesperson with scope "own"', () => {
  it('lists only their own customers, and the total counts only those', async () => {
    const list = await fx.users.a.request('GET', '/api/customers?pageSize=200');
    expect(list.status).toBe(200);
    expect(ids(list)).toEqual([fx.customers.a.id]);
    expect(list.body.total).toBe(1);
    const query = await fx.users.a.request('POST', '/api/customers/query', { pageSize: 200 });
    expect(ids(query)).toEqual([fx.customers.a.id]);
    expect(query.body.total).toBe(1);
  });

  it.each([
    ['name keyword', () => ({ q: '乙客户' })],
    ['phone keyword', () => ({ q: fx.plainB.phone })],
    ['ID-number keyword', () => ({ q: fx.plainB.idNumber })],
    ['owner filter', () => ({ filters: { ownerId: [fx.salespeople.b] } })],
    ['id filter', () => ({ filters: { ids: [fx.customers.b.id] } })],
    ['organisation filter', () => ({ filters: { orgId: [fx.teamX1] } })],
  ])('never finds another salesperson’s customer through a %s', async (_label, body) => {
    const control = await fx.admin.request('POST', '/api/customers/query', body());
    expect(ids(control)).toContain(fx.customers.b.id);
    const response = await fx.users.a.request('POST', '/api/customers/query', body());
    expect(response.status).toBe(200);
    expect(ids(response)).not.toContain(fx.customers.b.id);
    expect(response.body.total).toBe(response.body.items.length);
  });

  it('gets the same 404 for another salesperson’s customer as for a nonexistent id: detail, history, dependents, reveal, update', async () => {
    await expectIndistinguishable(fx.users.a, 'GET', (id) => `/api/customers/${id}`);
    await expectIndistinguishable(fx.users.a, 'GET', (id) => `/api/customers/${id}/history`);
    await expectIndistinguishable(fx.users.a, 'GET', (id) => `/api/customers/${id}/dependents`);
    await expectIndistinguishable(fx.users.a, 'POST', (id) => `/api/customers/${id}/reveal`, { fields: ['idNumber'], reason: '客户回访核实身份' });
    await expectIndistinguishable(fx.users.a, 'PATCH', (id) => `/api/customers/${id}`, { name: '改名', version: 1 });
  });

  it('cannot delete at all (no customer:delete): 403 FORBIDDEN, and B’s customer is unchanged', async () => {
    const response = await fx.users.a.request('DELETE', `/api/customers/${fx.customers.b.id}`);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    const unchanged = await fx.admin.request('GET', `/api/customers/${fx.customers.b.id}`);
    expect(unchanged.body.name).toBe('乙客户');
    expect(unchanged.body.version).toBe(fx.customers.b.version);
  });

  it('does not get another salesperson’s customer from the relation picker', async () => {
    const byId = await fx.users.a.request('GET', `/api/customers/options?ids=${fx.customers.b.id},${fx.customers.a.id}`);
    expect(byId.body.items.map((item: { id: number }) => item.id)).toEqual([fx.customers.a.id]);
    const byKeyword = await fx.users.a.request('GET', `/api/customers/options?q=${encodeURIComponent('乙')}`);
    expect(byKeyword.body.items).toEqual([]);
  });

  it('learns of a duplicate ID number outside their scope only as a count, never the record', async () => {
    const response = await fx.users.a.request('POST', '/api/customers/check-duplicates', { idNumber: fx.plainB.idNumber });
    expect(response.status).toBe(200);
    expect(response.body.matches).toEqual([]);
    expect(JSON.stringify(response.body)).not.toContain('乙客户');
  });

  it('sees only their own salesperson record', async () => {
    const response = await fx.users.a.request('GET', '/api/salespeople');
    expect(ids(response)).toEqual([fx.salespeople.a]);
  });

  it('cannot create a customer owned by another salesperson: 400 on ownerId, same as a nonexistent owner, nothing written', async () => {
    const customersBefore = await countRows(app, 'customers');
    const auditBefore = await countRows(app, 'audit_logs');
    const foreign = await fx.users.a.request('POST', '/api/customers', buildCustomer({ orgId: fx.teamX1, ownerId: fx.salespeople.b }));
    const missing = await fx.users.a.request('POST', '/api/customers', buildCustomer({ orgId: fx.teamX1, ownerId: missingId }));
    expect(foreign.status).toBe(400);
    expect(foreign.body.reasons).toEqual({ ownerId: 'reference_unavailable' });
    expect(withoutRequestId(foreign)).toBe(withoutRequestId(missing));
    expect(await countRows(app, 'customers')).toBe(customersBefore);
    expect(await countRows(app, 'audit_logs')).toBe(auditBefore);
  });

  it('cannot hand their own customer away by clearing the owner: 400 out_of_scope on ownerId, nothing written', async () => {
    const auditBefore = await countRows(app, 'audit_logs');
    const response = await fx.users.a.request('PATCH', `/api/customers/${fx.customers.a.id}`, { ownerId: null, version: fx.customers.a.version });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION');
    expect(response.body.reasons).toEqual({ ownerId: 'out_of_scope' });
    const after = await fx.users.a.request('GET', `/api/customers/${fx.customers.a.id}`);
    expect(after.body.ownerId).toBe(fx.salespeople.a);
    expect(after.body.version).toBe(fx.customers.a.version);
    expect(await countRows(app, 'audit_logs')).toBe(auditBefore);
  });

  it('becomes the owner of customers they create without naming one', async () => {
    const { ownerId: _ignored, ...input } = buildCustomer({ orgId: fx.teamX1 });
    const response = await fx.users.a.request('POST', '/api/customers', input);
    expect(response.status).toBe(201);
    expect(response.body.ownerId).toBe(fx.salespeople.a);
  });
});

describe('a branch manager with scope "org"', () => {
  it('sees the customers of their branch subtree only', async () => {
    const list = await fx.users.managerX.request('GET', '/api/customers?pageSize=200');
    expect(ids(list)).toEqual(expect.arrayContaining(sorted(fx.customers.a.id, fx.customers.b.id, fx.customers.xUnowned.id)));
    expect(ids(list)).not.toContain(fx.customers.c.id);
    expect(list.body.total).toBe(list.body.items.length);
    const other = await fx.users.managerY.request('GET', '/api/customers?pageSize=200');
    expect(ids(other)).toEqual([fx.customers.c.id]);
  });

  it('sees the organisation tree from their branch down', async () => {
    const tree = await fx.users.managerX.request('GET', '/api/organisations/tree');
    expect(tree.body.items).toHaveLength(1);
    expect(tree.body.items[0].id).toBe(fx.branchX);
    expect(tree.body.items[0].children.map((child: { id: number }) => child.id)).toEqual([fx.teamX1]);
  });

  it('gets 404 for another branch’s customer on detail, delete, batch delete and restore, and nothing changes', async () => {
    const manager = fx.users.managerX;
    const c = fx.customers.c.id as number;
    for (const [method, url, body] of [
      ['GET', `/api/customers/${c}`, undefined],
      ['DELETE', `/api/customers/${c}`, undefined],
      ['POST', '/api/customers/batch-delete', { ids: [c] }],
    ] as const) {
      const response = await manager.request(method, url, body);
      expect(response.status).toBe(404);
    }
    expect((await fx.admin.request('GET', `/api/customers/${c}`)).status).toBe(200);
    expect((await fx.admin.request('DELETE', `/api/customers/${c}`)).status).toBe(204);
    expect((await manager.request('POST', `/api/customers/${c}/restore`)).status).toBe(404);
    expect((await fx.admin.request('POST', `/api/customers/${c}/restore`)).status).toBe(200);
  });

  it('cannot place a customer in another branch', async () => {
    const response = await fx.users.managerX.request('POST', '/api/customers', buildCustomer({ orgId: fx.branchY }));
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ orgId: 'reference_unavailable' });
  });

  it('cannot move one of their customers to another branch', async () => {
    const customer = fx.customers.xUnowned;
    const current = await fx.users.managerX.request('GET', `/api/customers/${customer.id}`);
    const response = await fx.users.managerX.request('PATCH', `/api/customers/${customer.id}`, { orgId: fx.branchY, version: current.body.version });
    expect(response.status).toBe(400);
    expect((await fx.admin.request('GET', `/api/customers/${customer.id}`)).body.orgId).toBe(fx.branchX);
  });
});

describe('an admin with scope "all"', () => {
  it('sees every customer and every organisation', async () => {
    const list = await fx.admin.request('GET', '/api/customers?pageSize=200');
    expect(ids(list)).toEqual(expect.arrayContaining(sorted(fx.customers.a.id, fx.customers.b.id, fx.customers.c.id, fx.customers.xUnowned.id)));
    expect(list.body.total).toBe(await countRows(app, 'customers', 'deleted_at is null'));
    const tree = await fx.admin.request('GET', '/api/organisations/tree');
    expect(tree.body.items[0].id).toBe(fx.headId);
  });
});

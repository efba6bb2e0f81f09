import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, loginAdmin, roleIds, rawRows } from './test-app.ts';

let app: TestApp;
let admin: Client;
let sellerA: Client;
let sellerB: Client;
let manager: Client;
let roles: Record<string, number>;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  const head = await headOfficeId(admin);
  roles = await roleIds(admin);
  sellerA = await accountClient(app, admin, { loginName: 'views_seller_a', orgId: head, roles: ['salesperson'] });
  sellerB = await accountClient(app, admin, { loginName: 'views_seller_b', orgId: head, roles: ['salesperson'] });
  manager = await accountClient(app, admin, { loginName: 'views_manager', orgId: head, roles: ['branchManager'] });
});
afterAll(() => app.close());

const renewalsView = {
  name: '本月续保',
  state: { filters: { status: ['in_force'], endDate: ['2026-12-01', '2026-12-31'] }, sort: { sort: 'endDate', order: 'asc' }, columns: { order: ['code', 'endDate', 'customerId'], hidden: ['premium'] } },
};

describe('personal list settings', () => {
  it('start empty and keep columns with their order, page size, default filters and sort per user and list', async () => {
    expect((await sellerA.request('GET', '/api/me/lists/customer')).body).toEqual({ listKey: 'customer', settings: {}, views: [] });
    const settings = { columns: { order: ['name', 'phone', 'code'], hidden: ['email'] }, pageSize: 50, defaultFilters: { city: '杭州市' }, sort: { sort: 'name', order: 'asc' } };
    const saved = await sellerA.request('PUT', '/api/me/lists/customer/settings', settings);
    expect(saved.status).toBe(200);
    expect((await sellerA.request('GET', '/api/me/lists/customer')).body.settings).toEqual(settings);
    // replaced, not merged; other users and other lists untouched
    await sellerA.request('PUT', '/api/me/lists/customer/settings', { pageSize: 10 });
    expect((await sellerA.request('GET', '/api/me/lists/customer')).body.settings).toEqual({ pageSize: 10 });
    expect((await sellerB.request('GET', '/api/me/lists/customer')).body.settings).toEqual({});
    expect((await sellerA.request('GET', '/api/me/lists/policy')).body.settings).toEqual({});
  });

  it('refuse bad input with the field and unreadable or unknown lists as absent', async () => {
    const badSize = await sellerA.request('PUT', '/api/me/lists/customer/settings', { pageSize: 33 });
    expect(badSize.status).toBe(400);
    expect(Object.keys(badSize.body.fields)).toContain('pageSize');
    expect((await sellerA.request('PUT', '/api/me/lists/customer/settings', { pageSize: 300 })).status).toBe(400);
    const extra = await sellerA.request('PUT', '/api/me/lists/customer/settings', { theme: 'dark' });
    expect(extra.status).toBe(400);
    const badColumn = await sellerA.request('PUT', '/api/me/lists/customer/settings', { columns: { order: ['<script>'], hidden: [] } });
    expect(badColumn.status).toBe(400);
    expect((await sellerA.request('GET', '/api/me/lists/nothing')).status).toBe(404);
    // salespeople do not read the role list
    expect((await sellerA.request('GET', '/api/me/lists/role')).status).toBe(404);
    expect((await sellerA.request('PUT', '/api/me/lists/role/settings', { pageSize: 10 })).status).toBe(404);
    expect((await sellerA.request('GET', '/api/me/lists/customer')).body.settings).toEqual({ pageSize: 10 });
  });
});

describe('saved views', () => {
  let privateId: number;
  let sharedId: number;

  it('are saved privately with filters, sort and columns, and names are unique per user and list', async () => {
    const created = await sellerA.request('POST', '/api/me/lists/policy/views', renewalsView);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: '本月续保', listKey: 'policy', state: renewalsView.state, sharedRoleId: null, mine: true });
    privateId = created.body.id;
    const again = await sellerA.request('POST', '/api/me/lists/policy/views', renewalsView);
    expect(again.status).toBe(409);
    expect(again.body.reasons).toEqual({ name: 'duplicate' });
    // the same name is fine for another user
    expect((await sellerB.request('POST', '/api/me/lists/policy/views', renewalsView)).status).toBe(201);
    expect((await sellerB.request('GET', '/api/me/lists/policy')).body.views.map((view: { name: string; mine: boolean }) => [view.name, view.mine])).toEqual([['本月续保', true]]);
  });

  it('are shared only with a role the owner holds, and then seen read-only by that role', async () => {
    const foreignRole = await sellerA.request('POST', '/api/me/lists/policy/views', { ...renewalsView, name: '团队续保', sharedRoleId: roles.branchManager });
    expect(foreignRole.status).toBe(400);
    expect(foreignRole.body.reasons).toEqual({ sharedRoleId: 'not_own_role' });
    expect(foreignRole.body.fields.sharedRoleId).toContain('角色');
    const shared = await sellerA.request('POST', '/api/me/lists/policy/views', { ...renewalsView, name: '团队续保', sharedRoleId: roles.salesperson });
    expect(shared.status).toBe(201);
    sharedId = shared.body.id;
    const seenByB = (await sellerB.request('GET', '/api/me/lists/policy')).body.views as { id: number; mine: boolean; ownerName: string }[];
    expect(seenByB.find((view) => view.id === sharedId)).toMatchObject({ mine: false, ownerName: 'User views_seller_a' });
    expect(seenByB.some((view) => view.id === privateId)).toBe(false);
    // another role does not see it
    expect(((await manager.request('GET', '/api/me/lists/policy')).body.views as { id: number }[]).some((view) => view.id === sharedId)).toBe(false);
    // B may not change or delete A's view: it reads as absent
    expect((await sellerB.request('PATCH', `/api/me/views/${sharedId}`, { name: '改名' })).status).toBe(404);
    expect((await sellerB.request('DELETE', `/api/me/views/${sharedId}`)).status).toBe(404);
    expect((await sellerB.request('DELETE', `/api/me/views/${privateId}`)).status).toBe(404);
  });

  it('are renamed, unshared and deleted by their owner', async () => {
    const renamed = await sellerA.request('PATCH', `/api/me/views/${sharedId}`, { name: '下月续保', sharedRoleId: null });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: '下月续保', sharedRoleId: null });
    expect(((await sellerB.request('GET', '/api/me/lists/policy')).body.views as { id: number }[]).some((view) => view.id === sharedId)).toBe(false);
    const clash = await sellerA.request('PATCH', `/api/me/views/${sharedId}`, { name: '本月续保' });
    expect(clash.status).toBe(409);
    expect((await sellerA.request('DELETE', `/api/me/views/${privateId}`)).status).toBe(204);
    expect(await rawRows(app, `select id from saved_views where id = ${privateId}`)).toHaveLength(0);
    expect((await sellerA.request('GET', '/api/me/lists/policy')).body.views.map((view: { name: string }) => view.name)).toEqual(['下月续保']);
  });

  it('refuse a malformed state', async () => {
    const response = await sellerA.request('POST', '/api/me/lists/policy/views', { name: 'x', state: { filters: { status: { deep: { deeper: 1 } } } } });
    expect(response.status).toBe(400);
    const noName = await sellerA.request('POST', '/api/me/lists/policy/views', { name: '  ', state: { filters: {} } });
    expect(Object.keys(noName.body.fields)).toContain('name');
  });
});

describe('the scroll mode page sizes', () => {
  it('keeps 1,000 and 10,000 rows a page as a list setting, and the list endpoint serves such pages', async () => {
    for (const pageSize of [1000, 10_000]) {
      expect((await sellerA.request('PUT', '/api/me/lists/customer/settings', { pageSize })).status).toBe(200);
      expect((await sellerA.request('GET', '/api/me/lists/customer')).body.settings.pageSize).toBe(pageSize);
    }
    const page = await sellerA.request('POST', '/api/customers/query', { page: 1, pageSize: 10_000 });
    expect(page.status).toBe(200);
    expect(page.body.pageSize).toBe(10_000);
    expect(page.body.items.length).toBe(page.body.total);
    expect((await sellerA.request('GET', '/api/customers?pageSize=10000')).status).toBe(200);
    const tooLarge = await sellerA.request('POST', '/api/customers/query', { page: 1, pageSize: 10_001 });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.reasons.pageSize).toBe('too_big');
    // Other paged endpoints keep their own, smaller limit.
    expect((await admin.request('POST', '/api/audit-logs/query', { pageSize: 1000 })).status).toBe(400);
  });
});

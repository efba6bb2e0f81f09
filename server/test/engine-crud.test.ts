import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, createCustomer, createOrganisation, createSalesperson, grantConsent, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, countRows, loginAdmin } from './test-app.ts';

let app: TestApp;
let admin: Client;
let headId: number;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
});
afterAll(() => app.close());

const listIds = async (url: string) => ((await admin.request('GET', url)).body.items as { id: number }[]).map((item) => item.id);

describe('optimistic versions', () => {
  it('answers an edit of a stale version with 409 VERSION_CONFLICT and the current version, keeping the newer edit', async () => {
    const customer = await createCustomer(admin, { orgId: headId });
    const first = await admin.request('PATCH', `/api/customers/${customer.id}`, { occupation: '教师', version: customer.version });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(Number(customer.version) + 1);
    const stale = await admin.request('PATCH', `/api/customers/${customer.id}`, { occupation: '医生', version: customer.version });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect(stale.body.params).toEqual({ currentVersion: first.body.version });
    expect((await admin.request('GET', `/api/customers/${customer.id}`)).body.occupation).toBe('教师');
  });

  it('requires the version on every edit', async () => {
    const customer = await createCustomer(admin, { orgId: headId });
    const response = await admin.request('PATCH', `/api/customers/${customer.id}`, { occupation: '医生' });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ version: 'required' });
  });
});

describe('soft delete and restore', () => {
  let owner: Record<string, unknown>;
  let customer: Record<string, unknown>;

  beforeAll(async () => {
    owner = await createSalesperson(admin, { orgId: headId, name: '将被删除的业务员' });
    customer = await createCustomer(admin, { orgId: headId, ownerId: owner.id, name: '软删除客户' });
  });

  it('hides a deleted record from list, search, detail, history and the picker', async () => {
    expect((await admin.request('DELETE', `/api/customers/${customer.id}`)).status).toBe(204);
    expect(await listIds('/api/customers?pageSize=200')).not.toContain(customer.id);
    const search = await admin.request('POST', '/api/customers/query', { q: '软删除客户' });
    expect(search.body.total).toBe(0);
    expect((await admin.request('GET', `/api/customers/${customer.id}`)).status).toBe(404);
    expect((await admin.request('GET', `/api/customers/${customer.id}/history`)).status).toBe(404);
    expect((await admin.request('GET', `/api/customers/options?ids=${customer.id}`)).body.items).toEqual([]);
    expect((await admin.request('PATCH', `/api/customers/${customer.id}`, { occupation: 'x', version: 2 })).status).toBe(404);
    expect((await admin.request('DELETE', `/api/customers/${customer.id}`)).status).toBe(404);
    expect(await countRows(app, 'customers', `id = ${customer.id}`)).toBe(1);
  });

  it('brings a deleted record back with restore, with a new version', async () => {
    const restored = await admin.request('POST', `/api/customers/${customer.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.version).toBe(Number(customer.version) + 2);
    expect(await listIds('/api/customers?pageSize=200')).toContain(customer.id);
    expect((await admin.request('POST', `/api/customers/${customer.id}/restore`)).status).toBe(404);
  });

  it('keeps references to a deleted record, marked deleted, and refuses new references to it', async () => {
    expect((await admin.request('DELETE', `/api/salespeople/${owner.id}`)).status).toBe(204);
    const detail = await admin.request('GET', `/api/customers/${customer.id}`);
    expect(detail.body.ownerId).toBe(owner.id);
    expect(detail.body._refs.ownerId).toMatchObject({ id: owner.id, code: owner.code, label: '将被删除的业务员', deleted: true });
    const listed = (await admin.request('POST', '/api/customers/query', { filters: { ids: [customer.id] } })).body.items[0];
    expect(listed._refs.ownerId.deleted).toBe(true);
    const newReference = await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId, ownerId: owner.id }));
    expect(newReference.status).toBe(400);
    expect(newReference.body.code).toBe('INVALID_REFERENCE');
    expect(newReference.body.reasons).toEqual({ ownerId: 'reference_unavailable' });
  });

  it('refuses to restore a record whose unique value was taken meanwhile', async () => {
    const original = await createCustomer(admin, { orgId: headId });
    await grantConsent(admin, original.id as number, 'idNumber');
    const detail = await admin.request('POST', `/api/customers/${original.id}/reveal`, { fields: ['idNumber'], reason: '测试唯一性' });
    expect((await admin.request('DELETE', `/api/customers/${original.id}`)).status).toBe(204);
    const taker = await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId, idNumber: detail.body.values.idNumber }));
    expect(taker.status).toBe(201);
    const restore = await admin.request('POST', `/api/customers/${original.id}/restore`);
    expect(restore.status).toBe(409);
    expect(restore.body.reasons).toEqual({ idNumber: 'duplicate' });
  });
});

describe('uniqueness and codes', () => {
  it('refuses a second live customer with the same ID number: 409 DUPLICATE on idNumber', async () => {
    const input = buildCustomer({ orgId: headId });
    expect((await admin.request('POST', '/api/customers', input)).status).toBe(201);
    const before = await countRows(app, 'customers');
    const again = await admin.request('POST', '/api/customers', { ...buildCustomer({ orgId: headId }), idNumber: String(input.idNumber).toLowerCase() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE');
    expect(again.body.reasons).toEqual({ idNumber: 'duplicate' });
    expect(await countRows(app, 'customers')).toBe(before);
  });

  it('refuses to change a customer’s ID number to another customer’s', async () => {
    const first = buildCustomer({ orgId: headId });
    await admin.request('POST', '/api/customers', first);
    const second = await createCustomer(admin, { orgId: headId });
    const response = await admin.request('PATCH', `/api/customers/${second.id}`, { idNumber: first.idNumber, version: second.version });
    expect(response.status).toBe(409);
    expect(response.body.reasons).toEqual({ idNumber: 'duplicate' });
  });

  it('gives each record a unique code with the entity prefix, in creation order', async () => {
    const codes: string[] = [];
    for (let n = 0; n < 3; n++) codes.push(String((await createCustomer(admin, { orgId: headId })).code));
    for (const code of codes) expect(code).toMatch(/^CUS\d{6}$/);
    expect(new Set(codes).size).toBe(3);
    expect([...codes].sort()).toEqual(codes);
    const org = await createOrganisation(admin, { parentId: headId });
    expect(String(org.code)).toMatch(/^ORG\d{6}$/);
    const all = (await admin.request('GET', '/api/customers?pageSize=200')).body.items.map((item: { code: string }) => item.code);
    expect(new Set(all).size).toBe(all.length);
  });

  it('ignores no system field: a client cannot set id, code, version or audit columns', async () => {
    for (const field of ['id', 'code', 'version', 'createdBy', 'deletedAt', 'createdAt']) {
      const response = await admin.request('POST', '/api/customers', { ...buildCustomer({ orgId: headId }), [field]: field === 'code' ? 'CUS999999' : 5 });
      expect(response.status).toBe(400);
      expect(response.body.reasons).toEqual({ [field]: 'unknown_field' });
    }
  });
});

describe('organisations', () => {
  it('orders lists by sort index, highest first, then newest first', async () => {
    const parent = await createOrganisation(admin, { parentId: headId, name: '排序父级' });
    const low = await createOrganisation(admin, { parentId: parent.id as number, sortIndex: 1, type: 'agency' });
    const high = await createOrganisation(admin, { parentId: parent.id as number, sortIndex: 5, type: 'agency' });
    const middle = await createOrganisation(admin, { parentId: parent.id as number, sortIndex: 3, type: 'agency' });
    const newerLow = await createOrganisation(admin, { parentId: parent.id as number, sortIndex: 1, type: 'agency' });
    expect(await listIds(`/api/organisations?parentId=${parent.id}`)).toEqual([high.id, middle.id, newerLow.id, low.id]);
  });

  it('returns the tree and keeps it when a branch moves, refusing a move under itself or its own child (cycle)', async () => {
    const branch = await createOrganisation(admin, { parentId: headId, name: '树-分公司' });
    const team = await createOrganisation(admin, { parentId: branch.id as number, name: '树-营业部', type: 'agency' });
    const desk = await createOrganisation(admin, { parentId: team.id as number, name: '树-小组', type: 'department' });
    const tree = (await admin.request('GET', '/api/organisations/tree')).body.items;
    const branchNode = tree[0].children.find((node: { id: number }) => node.id === branch.id);
    expect(branchNode.children[0].id).toBe(team.id);
    expect(branchNode.children[0].children[0]).toMatchObject({ id: desk.id, level: 4 });

    for (const parentId of [team.id, desk.id, branch.id]) {
      const response = await admin.request('PATCH', `/api/organisations/${branch.id}`, { parentId, version: branch.version });
      expect(response.status).toBe(400);
      expect(response.body.reasons).toEqual({ parentId: 'cycle' });
    }
    const other = await createOrganisation(admin, { parentId: headId, name: '树-另一分公司' });
    const moved = await admin.request('PATCH', `/api/organisations/${team.id}`, { parentId: other.id, version: team.version });
    expect(moved.status).toBe(200);
    const after = (await admin.request('GET', '/api/organisations/tree')).body.items[0].children;
    const otherNode = after.find((node: { id: number }) => node.id === other.id);
    expect(otherNode.children[0]).toMatchObject({ id: team.id, level: 3 });
    expect(otherNode.children[0].children[0]).toMatchObject({ id: desk.id, level: 4 });
  });
});

import { builtinRoles } from '@insure/model/permissions';
import { entities } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, createCustomer, headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, call, countRows, loginAdmin } from './test-app.ts';

let app: TestApp;
let admin: Client;
let headId: number;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
});
afterAll(() => app.close());

describe('every API route requires authentication', () => {
  it('answers 401 UNAUTHENTICATED on every documented /api route without a session (except the sign-in steps)', async () => {
    const doc = (await call(app, 'GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      // /api/public/ (one-time survey links) and gateway delivery receipts are guarded by their tokens instead
      // (service-surveys.test.ts, sms-notifications.test.ts).
      if (!path.startsWith('/api/') || ['/api/auth/captcha', '/api/auth/login', '/api/auth/mfa', '/api/sms/receipts/{provider}'].includes(path) || path.startsWith('/api/public/')) continue;
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{[^}]+\}/g, '1');
        const upper = method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE';
        const response = await call(app, upper, url, upper === 'GET' || upper === 'DELETE' ? undefined : {});
        expect.soft(response.status, `${upper} ${path}`).toBe(401);
        checked.push(`${upper} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(entities.length * 8);
  });
});

describe('function-level permissions of the built-in roles', () => {
  it('lets each built-in role list, create and delete exactly the modules its permissions name', async () => {
    for (const role of builtinRoles) {
      const client = await accountClient(app, admin, { loginName: `matrix_${role.key}`, orgId: headId, roles: [role.key] });
      const granted = new Set(role.permissions());
      for (const entity of entities) {
        const list = await client.request('GET', `/api/${entity.plural}`);
        expect.soft(list.status, `${role.key} GET /api/${entity.plural}`).toBe(granted.has(`${entity.name}:view`) ? 200 : 403);
        // An unknown field makes the body invalid, so a permitted create answers 400 and writes nothing.
        const create = await client.request('POST', `/api/${entity.plural}`, { probeField: 1 });
        expect.soft(create.status, `${role.key} POST /api/${entity.plural}`).toBe(granted.has(`${entity.name}:create`) ? 400 : 403);
        const remove = await client.request('DELETE', `/api/${entity.plural}/987654`);
        expect.soft(remove.status, `${role.key} DELETE /api/${entity.plural}/:id`).toBe(granted.has(`${entity.name}:delete`) ? 404 : 403);
      }
    }
    // Three requests per role and module (about 400 on PostgreSQL): more than the default 30 s on a loaded machine.
  }, 120_000);
});

describe('what a salesperson, an analyst and an admin may do', () => {
  let salesperson: Client;
  let analyst: Client;
  let ownCustomer: Record<string, unknown>;

  beforeAll(async () => {
    salesperson = await accountClient(app, admin, { loginName: 'perm_sales', orgId: headId, roles: ['salesperson'] });
    analyst = await accountClient(app, admin, { loginName: 'perm_analyst', orgId: headId, roles: ['analyst'] });
    ownCustomer = await createCustomer(admin, { orgId: headId });
  });

  it.each([
    ['delete a customer', 'DELETE', (): string => `/api/customers/${ownCustomer.id}`, undefined],
    ['create a role', 'POST', (): string => '/api/roles', { name: '自建角色', dataScope: 'own', permissions: ['customer:view'] }],
    ['read the operation log', 'POST', (): string => '/api/audit-logs/query', {}],
    ['export the operation log', 'GET', (): string => '/api/audit-logs/export', undefined],
    ['read the login log', 'POST', (): string => '/api/login-logs/query', {}],
    ['create an API token', 'POST', (): string => '/api/api-tokens', { accountId: 1, name: 'x', expiresAt: '2099-01-01' }],
    ['list accounts', 'GET', (): string => '/api/accounts', undefined],
    ['reset a password', 'POST', (): string => '/api/accounts/1/reset-password', {}],
  ] as const)('refuses a salesperson to %s with 403 FORBIDDEN', async (_label, method, url, body) => {
    const auditBefore = await countRows(app, 'audit_logs');
    const response = await salesperson.request(method, url(), body);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(await countRows(app, 'audit_logs')).toBe(auditBefore);
  });

  it('refuses an analyst to create customers, while letting them read all of them', async () => {
    const before = await countRows(app, 'customers');
    const response = await analyst.request('POST', '/api/customers', buildCustomer({ orgId: headId }));
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(await countRows(app, 'customers')).toBe(before);
    const list = await analyst.request('GET', '/api/customers');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(before);
  });

  it('lets an admin create, delete and read the operation log', async () => {
    const created = await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId }));
    expect(created.status).toBe(201);
    expect((await admin.request('DELETE', `/api/customers/${created.body.id}`)).status).toBe(204);
    expect((await admin.request('POST', '/api/audit-logs/query', {})).status).toBe(200);
  });

  it('tells the web app what the caller may do with each row', async () => {
    const asAdmin = await admin.request('GET', `/api/customers/${ownCustomer.id}`);
    expect(asAdmin.body.can).toEqual({ edit: true, delete: true, reveal: true });
    const asAnalyst = await analyst.request('GET', `/api/customers/${ownCustomer.id}`);
    expect(asAnalyst.body.can).toEqual({ edit: false, delete: false, reveal: false });
  });
});

describe('nobody grants more than they hold', () => {
  let delegate: Client;
  let branchId: number;

  beforeAll(async () => {
    branchId = (await admin.request('POST', '/api/organisations', { name: '授权测试分公司', orgCode: 'GRANT1', type: 'branch', parentId: headId })).body.id;
    const editorRole = await admin.request('POST', '/api/roles', {
      name: '角色与账号管理员',
      dataScope: 'org',
      permissions: ['role:view', 'role:create', 'role:edit', 'account:view', 'account:create', 'account:edit'],
    });
    expect(editorRole.status).toBe(201);
    delegate = await accountClient(app, admin, { loginName: 'delegate_x', orgId: branchId, roles: ['branchManager', editorRole.body.id] });
  });

  it('refuses a branch manager creating a role with a permission they lack: 400 grant_exceeds_own, nothing written', async () => {
    const before = await countRows(app, 'roles');
    const response = await delegate.request('POST', '/api/roles', { name: '越权角色', dataScope: 'org', permissions: ['customer:view', 'auditLog:view'] });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ permissions: 'grant_exceeds_own' });
    expect(await countRows(app, 'roles')).toBe(before);
  });

  it('refuses a role with a wider data scope than the editor’s', async () => {
    const response = await delegate.request('POST', '/api/roles', { name: '全量角色', dataScope: 'all', permissions: ['customer:view'] });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ dataScope: 'grant_exceeds_own' });
  });

  it('refuses unknown permissions', async () => {
    const response = await delegate.request('POST', '/api/roles', { name: '未知权限', dataScope: 'own', permissions: ['customer:teleport'] });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ permissions: 'unknown_permission' });
  });

  it('accepts a role within the editor’s own permissions and scope', async () => {
    const response = await delegate.request('POST', '/api/roles', { name: '客户只读', dataScope: 'own', permissions: ['customer:view'] });
    expect(response.status).toBe(201);
  });

  it('refuses giving an account a role that carries more than the editor holds, including their own account', async () => {
    const roles = (await admin.request('GET', '/api/roles?pageSize=200')).body.items as { id: number; builtinKey: string | null }[];
    const adminRole = roles.find((role) => role.builtinKey === 'admin')!.id;
    const created = await delegate.request('POST', '/api/accounts', { loginName: 'escalated', displayName: '越权账号', orgId: branchId, roleIds: [adminRole] });
    expect(created.status).toBe(400);
    expect(created.body.reasons).toEqual({ roleIds: 'grant_exceeds_own' });
    const me = (await delegate.request('GET', '/api/me')).body;
    const own = await delegate.request('GET', `/api/accounts/${me.id}`);
    const selfEscalation = await delegate.request('PATCH', `/api/accounts/${me.id}`, { roleIds: [...own.body.roleIds, adminRole], version: own.body.version });
    expect(selfEscalation.status).toBe(400);
    expect(selfEscalation.body.reasons).toEqual({ roleIds: 'grant_exceeds_own' });
    expect((await delegate.request('GET', '/api/me')).body.permissions).not.toContain('auditLog:view');
  });
});

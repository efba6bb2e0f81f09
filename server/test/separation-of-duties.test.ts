import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headOfficeId } from './factories.ts';
import { accountClient, buildTestApp, type Client, loginAdmin, type TestApp } from './test-app.ts';

let app: TestApp;
let admin: Client;
let head: number;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  head = await headOfficeId(admin);
});
afterAll(async () => {
  await app?.close();
});

describe('separation of duties (三权分立)', () => {
  it('lets the auditor read and export the logs and nothing else, and never change them', async () => {
    const auditor = await accountClient(app, admin, { loginName: 'auditor1', orgId: head, roles: ['auditor'] });
    expect((await auditor.request('POST', '/api/audit-logs/query', { filters: {} })).status).toBe(200);
    expect((await auditor.request('POST', '/api/login-logs/query', { filters: {} })).status).toBe(200);
    expect((await auditor.request('GET', '/api/audit-logs/export?format=csv')).status).toBe(200);
    for (const path of ['/api/customers', '/api/accounts', '/api/roles', '/api/policies']) expect((await auditor.request('GET', path)).status, path).toBe(403);
    expect((await auditor.request('DELETE', '/api/audit-logs/1')).status).toBe(404);
  });

  it('lets the security admin manage roles and accounts without seeing business data or granting what it lacks', async () => {
    const security = await accountClient(app, admin, { loginName: 'secadmin1', orgId: head, roles: ['securityAdmin'] });
    expect((await security.request('GET', '/api/roles')).status).toBe(200);
    expect((await security.request('GET', '/api/accounts')).status).toBe(200);
    expect((await security.request('GET', '/api/customers')).status).toBe(403);
    const grant = await security.request('POST', '/api/roles', { name: '越权角色', dataScope: 'all', permissions: ['customer:view'] });
    expect(grant.status).toBe(400);
    expect(grant.body.reasons).toEqual({ permissions: 'grant_exceeds_own' });
    const fine = await security.request('POST', '/api/roles', { name: '账号查看', dataScope: 'all', permissions: ['account:view'] });
    expect(fine.status).toBe(201);
  });
});

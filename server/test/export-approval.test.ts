import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createOrganisation, createSalesperson, headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, login, loginAdmin, rawRows, userPassword } from './test-app.ts';

// EXPORT_APPROVAL_ROWS = 3: four or more rows need a manager's approval.
let app: TestApp;
let clock: ManualClock;
let admin: Client;
let seller: Client;
let managerX: Client;
let managerY: Client;
let branchX: number;

const csvRows = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\n').length - 1;

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-03-02T08:00:00.000Z'));
  app = await buildTestApp({ clock, env: { EXPORT_APPROVAL_ROWS: '3' } });
  admin = await loginAdmin(app);
  const head = await headOfficeId(admin);
  branchX = (await createOrganisation(admin, { parentId: head, name: '嘉兴分公司' })).id as number;
  const branchY = (await createOrganisation(admin, { parentId: head, name: '湖州分公司' })).id as number;
  const salespersonId = (await createSalesperson(admin, { orgId: branchX })).id as number;
  for (let n = 0; n < 5; n++) await createCustomer(admin, { orgId: branchX, ownerId: salespersonId });
  await createCustomer(admin, { orgId: branchX, ownerId: null });
  seller = await accountClient(app, admin, { loginName: 'export_seller', orgId: branchX, roles: ['salesperson'], salespersonId });
  managerX = await accountClient(app, admin, { loginName: 'export_manager_x', orgId: branchX, roles: ['branchManager'] });
  managerY = await accountClient(app, admin, { loginName: 'export_manager_y', orgId: branchY, roles: ['branchManager'] });
});
afterAll(() => app.close());

const requestExport = (client: Client, extra: Record<string, unknown> = {}) =>
  client.request('POST', '/api/export-requests', { module: 'customers', format: 'csv', reason: '季度客户回访名单', filters: {}, ...extra });

describe('exports above EXPORT_APPROVAL_ROWS', () => {
  it('go out directly up to the limit and are refused above it with the row count, before anything is logged', async () => {
    const small = await seller.request('GET', `/api/customers/export?format=csv&pageSize=20&city=${encodeURIComponent('不存在的城市')}`);
    expect(small.status).toBe(200);
    const auditBefore = await rawRows(app, `select id from audit_logs where module = 'customer' and action = 'export'`);
    const large = await seller.request('GET', '/api/customers/export?format=csv');
    expect(large.status).toBe(403);
    expect(large.body.code).toBe('EXPORT_APPROVAL_REQUIRED');
    expect(large.body.params).toEqual({ rows: 5, limit: 3 });
    expect(large.body.message).toContain('5');
    expect(await rawRows(app, `select id from audit_logs where module = 'customer' and action = 'export'`)).toHaveLength(auditBefore.length);
    const preflight = await seller.request('POST', '/api/customers/export/preflight', { format: 'csv', filters: {} });
    expect(preflight.body).toEqual({ rows: 5, limit: 3, approvalRequired: true });
  });

  it('are requested with a reason; a request within the limit or without a reason is refused', async () => {
    const noReason = await requestExport(seller, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(Object.keys(noReason.body.fields)).toContain('reason');
    const within = await requestExport(seller, { q: '不存在' });
    expect(within.status).toBe(400);
    expect(within.body.reasons).toEqual({ module: 'export_within_limit' });
    const unknown = await requestExport(seller, { module: 'nothing' });
    expect(unknown.body.reasons).toEqual({ module: 'invalid_value' });
    const created = await requestExport(seller);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', rowCount: 5, module: 'customers', canDownload: false, canDecide: false });
  });

  it('are decided only by an approver in whose scope the requester works, never by the requester', async () => {
    const created = await requestExport(seller);
    const id = created.body.id as number;
    const listY = await managerY.request('GET', '/api/export-requests?status=pending');
    expect((listY.body.items as { id: number }[]).map((item) => item.id)).not.toContain(id);
    expect((await managerY.request('POST', `/api/export-requests/${id}/approve`, {})).status).toBe(404);
    expect((await seller.request('POST', `/api/export-requests/${id}/approve`, {})).status).toBe(403);
    const listX = await managerX.request('GET', '/api/export-requests?status=pending');
    const seen = (listX.body.items as { id: number; canDecide: boolean }[]).find((item) => item.id === id);
    expect(seen?.canDecide).toBe(true);

    const ownByAdmin = await requestExport(admin);
    expect(ownByAdmin.status).toBe(201);
    const self = await admin.request('POST', `/api/export-requests/${ownByAdmin.body.id}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.params).toEqual({ reason: 'own_request' });

    const approved = await managerX.request('POST', `/api/export-requests/${id}/approve`, { note: '同意，仅用于回访' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decisionNote: '同意，仅用于回访', expiresAt: '2026-03-03T08:00:00.000Z' });
    expect((await managerX.request('POST', `/api/export-requests/${id}/reject`, { note: '改主意' })).status).toBe(409);
  });

  it('download once, by the requester only, with every row and an audit row naming the approval', async () => {
    const id = (await requestExport(seller)).body.id as number;
    await managerX.request('POST', `/api/export-requests/${id}/approve`, {});
    expect((await managerX.request('GET', `/api/export-requests/${id}/download`)).status).toBe(404);
    const download = await seller.request('GET', `/api/export-requests/${id}/download`);
    expect(download.status).toBe(200);
    expect(String(download.headers['content-type'])).toContain('text/csv');
    expect(csvRows(download.text)).toBe(5);
    const again = await seller.request('GET', `/api/export-requests/${id}/download`);
    expect(again.status).toBe(409);
    const logged = await rawRows<{ changes: string | Record<string, unknown> }>(app, `select changes from audit_logs where module = 'customer' and action = 'export' order by id desc limit 1`);
    const changes = typeof logged[0]!.changes === 'string' ? JSON.parse(logged[0]!.changes) : logged[0]!.changes;
    expect(changes.approvalId).toBe(id);
    const trail = await rawRows<{ action: string }>(app, `select action from audit_logs where module = 'exportRequest' and record_id = ${id} order by id`);
    expect(trail.map((row) => row.action)).toEqual(['create', 'approve']);
  });

  it('need a note to reject, and a rejected or expired approval cannot be downloaded', async () => {
    const rejectedId = (await requestExport(seller)).body.id as number;
    expect((await managerX.request('POST', `/api/export-requests/${rejectedId}/reject`, {})).status).toBe(400);
    expect((await managerX.request('POST', `/api/export-requests/${rejectedId}/reject`, { note: '范围过大，请按城市筛选' })).body.status).toBe('rejected');
    expect((await seller.request('GET', `/api/export-requests/${rejectedId}/download`)).status).toBe(409);

    const expiringId = (await requestExport(seller)).body.id as number;
    await managerX.request('POST', `/api/export-requests/${expiringId}/approve`, {});
    clock.advance(25 * 3_600_000);
    seller = await login(app, 'export_seller', userPassword);
    const mine = await seller.request('GET', '/api/export-requests?status=expired');
    expect((mine.body.items as { id: number; canDownload: boolean }[]).find((item) => item.id === expiringId)?.canDownload).toBe(false);
    expect((await seller.request('GET', `/api/export-requests/${expiringId}/download`)).status).toBe(409);
  });
});

describe('permissions a new version brings', () => {
  it('are granted to built-in roles once; a permission an admin removed stays removed', async () => {
    const roleRow = async () => {
      const [row] = await rawRows<{ id: number; permissions: string | string[] }>(app, `select id, permissions from roles where builtin_key = 'branchManager'`);
      return { id: Number(row!.id), permissions: typeof row!.permissions === 'string' ? (JSON.parse(row!.permissions) as string[]) : row!.permissions };
    };
    const before = await roleRow();
    // Also a key of a module a later version removed: the upgrade drops it instead of failing.
    const withoutNew = [...before.permissions.filter((key) => !key.startsWith('exportRequest:') && key !== 'customer:reveal'), 'retiredModule:view'];
    // As if the installation predates export approvals, and an admin had taken customer:reveal away.
    await rawRows(app, `update roles set permissions = '${JSON.stringify(withoutNew)}' where id = ${before.id}`);
    await rawRows(app, `delete from permission_catalog where key like 'exportRequest:%'`);
    await bootstrap(app.services);
    const after = await roleRow();
    expect(after.permissions).toEqual(expect.arrayContaining(['exportRequest:view', 'exportRequest:approve']));
    expect(after.permissions).not.toContain('customer:reveal');
    expect(after.permissions).not.toContain('retiredModule:view');
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/platform/audit/audit.ts';
import { buildCustomer, headOfficeId, uniquePhone } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

interface AuditRow {
  id: number;
  actor_id: number;
  actor_name: string;
  ip: string;
  request_id: string;
  module: string;
  record_id: number;
  action: string;
  changes: string | null;
}

let app: TestApp;
let admin: Client;
let adminId: number;
let headId: number;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  adminId = (await admin.request('GET', '/api/me')).body.id;
  headId = await headOfficeId(admin);
});
afterAll(() => app.close());

const rowsFor = (id: number) => rawRows<AuditRow>(app, `select * from audit_logs where module = 'customer' and record_id = ${id} order by id`);
const exec = (statement: string) => sql.raw(statement).execute(app.services.database.db);

describe('operation log rows for customer writes', () => {
  const input = buildCustomer({ orgId: 0, healthStatus: '高血压二级，长期服药', homeAddress: '北京市东城区和平里七区 12 号楼' });
  let id: number;
  let version: number;
  const newPhone = uniquePhone();
  // the factory draws the occupation at random: the update must change it whatever was drawn
  const newOccupation = input.occupation === '律师' ? '医生' : '律师';

  it('writes exactly one row on create, with actor, ip, module, record, action and masked personal data', async () => {
    const before = await countRows(app, 'audit_logs');
    const created = await admin.request('POST', '/api/customers', { ...input, orgId: headId });
    expect(created.status).toBe(201);
    id = created.body.id;
    version = created.body.version;
    expect(await countRows(app, 'audit_logs')).toBe(before + 1);
    const [row] = await rowsFor(id);
    expect(row).toMatchObject({ actor_name: '系统管理员', ip: '127.0.0.1', module: 'customer', action: 'create' });
    expect(Number(row!.actor_id)).toBe(adminId);
    expect(Number(row!.record_id)).toBe(id);
    expect(row!.request_id).toBe(created.headers['x-request-id']);
    const changes = JSON.parse(row!.changes!);
    expect(changes.name).toEqual({ after: input.name });
    expect(changes.idNumber.after).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    expect(changes.phone.after).toMatch(/^1\d{2}\*{4}\d{4}$/);
    for (const secret of [input.idNumber, input.phone, input.healthStatus, input.homeAddress]) expect(row!.changes).not.toContain(String(secret));
  });

  it('writes exactly one row on update with before and after of the changed fields only, masked', async () => {
    const before = await countRows(app, 'audit_logs');
    const updated = await admin.request('PATCH', `/api/customers/${id}`, { phone: newPhone, occupation: newOccupation, version });
    expect(updated.status).toBe(200);
    version = updated.body.version;
    expect(await countRows(app, 'audit_logs')).toBe(before + 1);
    const row = (await rowsFor(id)).at(-1)!;
    expect(row.action).toBe('update');
    const changes = JSON.parse(row.changes!);
    expect(Object.keys(changes).sort()).toEqual(['occupation', 'phone']);
    expect(changes.occupation).toEqual({ before: input.occupation, after: newOccupation });
    expect(changes.phone.before).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(changes.phone.after).toBe(`${newPhone.slice(0, 3)}****${newPhone.slice(-4)}`);
    expect(row.changes).not.toContain(newPhone);
    expect(row.changes).not.toContain(String(input.phone));
  });

  it('writes exactly one row on delete and one on restore', async () => {
    let before = await countRows(app, 'audit_logs');
    expect((await admin.request('DELETE', `/api/customers/${id}`)).status).toBe(204);
    expect(await countRows(app, 'audit_logs')).toBe(before + 1);
    expect((await rowsFor(id)).at(-1)!.action).toBe('delete');
    before = await countRows(app, 'audit_logs');
    expect((await admin.request('POST', `/api/customers/${id}/restore`)).status).toBe(200);
    expect(await countRows(app, 'audit_logs')).toBe(before + 1);
    expect((await rowsFor(id)).at(-1)!.action).toBe('restore');
  });

  it('lists the record’s changes, newest first, in GET /:id/history', async () => {
    const history = await admin.request('GET', `/api/customers/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: { action: string }) => item.action)).toEqual(['restore', 'delete', 'update', 'create']);
    expect(history.body.items[2].changes.occupation).toEqual({ before: input.occupation, after: newOccupation });
    expect(history.body.items[3].actorName).toBe('系统管理员');
    expect(history.text).not.toContain(String(input.idNumber));
  });

  it('finds the rows through the operation-log search, without personal data', async () => {
    const response = await admin.request('POST', '/api/audit-logs/query', { filters: { module: 'customer', recordId: id } });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(4);
    for (const secret of [input.idNumber, input.phone, newPhone]) expect(response.text).not.toContain(String(secret));
  });

  it('writes no row for rejected requests', async () => {
    const salesperson = await accountClient(app, admin, { loginName: 'audit_sales', orgId: headId, roles: ['salesperson'] });
    const before = await countRows(app, 'audit_logs');
    const rejected = [
      await admin.request('PATCH', `/api/customers/${id}`, { occupation: '厨师', version: 1 }),
      await admin.request('POST', '/api/customers', { ...buildCustomer({ orgId: headId }), birthDate: '2026-02-30' }),
      await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId, idNumber: input.idNumber })),
      await admin.request('DELETE', '/api/customers/987654'),
      await salesperson.request('DELETE', `/api/customers/${id}`),
      await salesperson.request('PATCH', `/api/customers/${id}`, { occupation: '厨师', version }),
    ];
    expect(rejected.map((response) => response.status)).toEqual([409, 400, 409, 404, 403, 404]);
    expect(await countRows(app, 'audit_logs')).toBe(before);
  });
});

describe('the operation log at the database level', () => {
  it('refuses UPDATE and DELETE on audit_logs', async () => {
    const count = await countRows(app, 'audit_logs');
    expect(count).toBeGreaterThan(0);
    await expect(exec(`update audit_logs set action = 'forged' where id = (select min(id) from audit_logs)`)).rejects.toThrow(/append-only/);
    await expect(exec('delete from audit_logs')).rejects.toThrow(/append-only/);
    if (app.dialect === 'postgres') await expect(exec('truncate audit_logs')).rejects.toThrow(/append-only/);
    expect(await countRows(app, 'audit_logs')).toBe(count);
    expect(await countRows(app, 'audit_logs', `action = 'forged'`)).toBe(0);
  });

  it('verifies an untouched hash chain', async () => {
    const result = await verifyAuditChain(app.services.database.db);
    expect(result).toEqual({ checked: await countRows(app, 'audit_logs'), firstBadId: null });
  });
});

describe('audit rows share the business transaction', () => {
  let faulty: TestApp;
  beforeAll(async () => {
    faulty = await buildTestApp();
  });
  afterAll(() => faulty.close());

  it('writes nothing when the audit row cannot be written', async () => {
    const client = await loginAdmin(faulty);
    const orgId = await headOfficeId(client);
    const run = (statement: string) => sql.raw(statement).execute(faulty.services.database.db);
    if (faulty.dialect === 'sqlite') {
      await run(`create trigger audit_fault before insert on audit_logs begin select raise(abort, 'injected fault'); end`);
    } else {
      await run(`create function audit_fault() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`);
      await run('create trigger audit_fault before insert on audit_logs for each row execute function audit_fault()');
    }
    const before = await countRows(faulty, 'customers');
    const response = await client.request('POST', '/api/customers', buildCustomer({ orgId }));
    expect(response.status).toBe(500);
    expect(response.body.code).toBe('INTERNAL');
    expect(response.text).not.toContain('injected fault');
    expect(await countRows(faulty, 'customers')).toBe(before);
    await run(faulty.dialect === 'sqlite' ? 'drop trigger audit_fault' : 'drop trigger audit_fault on audit_logs');
    expect((await client.request('POST', '/api/customers', buildCustomer({ orgId }))).status).toBe(201);
  });

  it('names the first tampered row when a row is edited by hand', async () => {
    const run = (statement: string) => sql.raw(statement).execute(faulty.services.database.db);
    expect((await verifyAuditChain(faulty.services.database.db)).firstBadId).toBeNull();
    const [target] = await rawRows<{ id: number }>(faulty, `select id from audit_logs where module = 'customer' order by id limit 1`);
    const targetId = Number(target!.id);
    if (faulty.dialect === 'sqlite') await run('drop trigger audit_logs_no_update');
    else await run('alter table audit_logs disable trigger audit_logs_no_change');
    await run(`update audit_logs set actor_name = 'someone else' where id = ${targetId}`);
    const result = await verifyAuditChain(faulty.services.database.db);
    expect(result.firstBadId).toBe(targetId);
    expect(result.checked).toBe(Number((await rawRows<{ n: number }>(faulty, `select count(*) as n from audit_logs where id < ${targetId}`))[0]!.n));
  });
});

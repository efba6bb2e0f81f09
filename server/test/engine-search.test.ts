import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createSalesperson, grantConsent, headOfficeId, uniquePhone, validIdNumber } from './factories.ts';
import { type ApiResponse, type Client, type TestApp, accountClient, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

let app: TestApp;
let admin: Client;
let headId: number;
let ownerA: number;
let ownerB: number;
const plain = { idNumber: validIdNumber('1986-07-21'), phone: uniquePhone() };
let target: Record<string, unknown>;
let others: Record<string, unknown>[];

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  ownerA = (await createSalesperson(admin, { orgId: headId })).id as number;
  ownerB = (await createSalesperson(admin, { orgId: headId })).id as number;
  target = await createCustomer(admin, {
    orgId: headId,
    ownerId: ownerA,
    name: '欧阳靖雯',
    gender: 'female',
    birthDate: '1986-07-21',
    ...plain,
    healthStatus: '既往病史：哮喘',
  });
  others = [
    await createCustomer(admin, { orgId: headId, ownerId: ownerB, name: '欧阳峰', gender: 'male', birthDate: '1970-01-05' }),
    await createCustomer(admin, { orgId: headId, ownerId: ownerB, name: '司马光', gender: 'male', birthDate: '1990-12-31' }),
    await createCustomer(admin, { orgId: headId, ownerId: null, name: '诸葛亮', gender: 'female', birthDate: '2001-03-03' }),
  ];
});
afterAll(() => app.close());

const ids = (response: ApiResponse) => (response.body.items as { id: number }[]).map((item) => item.id).sort((x, y) => x - y);
const query = (body: unknown) => admin.request('POST', '/api/customers/query', body);

describe('personal data', () => {
  it('comes out masked in detail and list: ID number like 110***********1234, phone like 138****5678', async () => {
    const detail = await admin.request('GET', `/api/customers/${target.id}`);
    expect(detail.body.idNumber).toBe(`${plain.idNumber.slice(0, 3)}***********${plain.idNumber.slice(-4)}`);
    expect(detail.body.phone).toBe(`${plain.phone.slice(0, 3)}****${plain.phone.slice(-4)}`);
    expect(detail.body.healthStatus).toMatch(/\*{4}$/);
    const list = await admin.request('GET', '/api/customers?pageSize=200');
    for (const response of [detail, list]) {
      for (const secret of [plain.idNumber, plain.phone, '既往病史：哮喘']) expect(response.text).not.toContain(secret);
    }
  });

  it('is stored encrypted: the raw row holds no plaintext', async () => {
    const [row] = await rawRows(app, `select * from customers where id = ${target.id}`);
    const raw = JSON.stringify(row);
    for (const secret of [plain.idNumber, plain.phone, '哮喘']) expect(raw).not.toContain(secret);
    expect(String(row!.id_number_enc)).toMatch(/^v1\./);
  });

  it('is revealed in plain text with a reason, and the reveal is audited without the values', async () => {
    await grantConsent(admin, target.id as number, 'idNumber');
    await grantConsent(admin, target.id as number, 'health');
    const before = await countRows(app, 'audit_logs');
    const response = await admin.request('POST', `/api/customers/${target.id}/reveal`, { fields: ['idNumber', 'phone', 'healthStatus'], reason: '核保需要核对身份' });
    expect(response.status).toBe(200);
    expect(response.body.values).toEqual({ idNumber: plain.idNumber, phone: plain.phone, healthStatus: '既往病史：哮喘' });
    expect(await countRows(app, 'audit_logs')).toBe(before + 1);
    const [row] = await rawRows<{ action: string; changes: string; record_id: number }>(app, 'select * from audit_logs order by id desc limit 1');
    expect(row!.action).toBe('reveal');
    expect(Number(row!.record_id)).toBe(target.id);
    expect(JSON.parse(row!.changes)).toEqual({ fields: ['idNumber', 'phone', 'healthStatus'], reason: '核保需要核对身份' });
    for (const secret of [plain.idNumber, plain.phone, '哮喘']) expect(row!.changes).not.toContain(secret);
  });

  it('is not revealed without a reason, for unknown fields, or to a role without reveal', async () => {
    const analyst = await accountClient(app, admin, { loginName: 'search_analyst', orgId: headId, roles: ['analyst'] });
    const before = await countRows(app, 'audit_logs');
    const noReason = await admin.request('POST', `/api/customers/${target.id}/reveal`, { fields: ['idNumber'] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.reasons).toEqual({ reason: 'required' });
    const notPii = await admin.request('POST', `/api/customers/${target.id}/reveal`, { fields: ['name'], reason: '核对' });
    expect(notPii.status).toBe(400);
    const denied = await analyst.request('POST', `/api/customers/${target.id}/reveal`, { fields: ['idNumber'], reason: '好奇' });
    expect(denied.status).toBe(403);
    expect(await countRows(app, 'audit_logs')).toBe(before);
  });
});

describe('keyword search', () => {
  it('finds by name prefix', async () => {
    expect(ids(await query({ q: '欧阳' }))).toEqual([target.id, others[0]!.id].sort((x, y) => Number(x) - Number(y)));
    expect(ids(await query({ q: '欧阳靖' }))).toEqual([target.id]);
    expect(ids(await query({ q: '靖雯' }))).toEqual([]);
  });

  it('finds by code prefix', async () => {
    expect(ids(await query({ q: String(target.code) }))).toEqual([target.id]);
  });

  it('finds by exact phone and exact ID number (blind index), not by fragments', async () => {
    expect(ids(await query({ q: plain.phone }))).toEqual([target.id]);
    expect(ids(await query({ q: plain.idNumber }))).toEqual([target.id]);
    expect(ids(await query({ q: plain.idNumber.toLowerCase() }))).toEqual([target.id]);
    expect(ids(await query({ q: plain.phone.slice(0, 7) }))).toEqual([]);
    expect(ids(await query({ q: plain.idNumber.slice(-4) }))).toEqual([]);
  });

  it('treats LIKE wildcards in the keyword as text', async () => {
    expect((await query({ q: '%' })).body.total).toBe(0);
    expect((await query({ q: '_' })).body.total).toBe(0);
  });
});

describe('filters', () => {
  it('filters by enum values', async () => {
    expect(ids(await query({ filters: { gender: ['female'] } }))).toEqual([target.id, others[2]!.id]);
  });

  it('filters by reference', async () => {
    expect(ids(await query({ filters: { ownerId: [ownerB] } }))).toEqual([others[0]!.id, others[1]!.id]);
  });

  it('filters by a date range, bounds included', async () => {
    expect(ids(await query({ filters: { birthDate: { gte: '1986-07-21', lte: '1990-12-31' } } }))).toEqual([target.id, others[1]!.id]);
    expect(ids(await query({ filters: { birthDate: { gte: '2001-01-01' } } }))).toEqual([others[2]!.id]);
  });

  it('combines filters, sorting and paging', async () => {
    const response = await query({ filters: { gender: ['male'] }, sort: 'birthDate', order: 'asc', page: 1, pageSize: 1 });
    expect(response.body.total).toBe(2);
    expect(response.body.items.map((item: { id: number }) => item.id)).toEqual([others[0]!.id]);
    const second = await query({ filters: { gender: ['male'] }, sort: 'birthDate', order: 'asc', page: 2, pageSize: 1 });
    expect(second.body.items.map((item: { id: number }) => item.id)).toEqual([others[1]!.id]);
  });

  it('accepts the same filters as flat query parameters on GET', async () => {
    const response = await admin.request('GET', `/api/customers?gender=male,female&ownerId=${ownerB}&birthDate.gte=1980-01-01&sort=birthDate&order=desc&pageSize=5`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { id: number }) => item.id)).toEqual([others[1]!.id]);
    expect(response.body.pageSize).toBe(5);
  });

  it.each(['idNumber', 'phone', 'healthStatus', 'homeAddress'])('refuses the personal-data filter %s in the URL with 400', async (field) => {
    const response = await admin.request('GET', `/api/customers?${field}=${field === 'idNumber' ? plain.idNumber : plain.phone}`);
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ [field]: 'unknown_field' });
    expect(response.text).not.toContain(plain.idNumber);
  });

  it('refuses sorting or filtering on undeclared columns', async () => {
    expect((await query({ sort: 'id_number_enc' })).status).toBe(400);
    expect((await query({ sort: 'name; drop table customers' })).status).toBe(400);
    expect((await query({ filters: { id_number_bidx: 'x' } })).status).toBe(400);
    expect((await admin.request('GET', '/api/customers?sort=deleted_at')).status).toBe(400);
  });
});

describe('keyword search across pages', () => {
  it('pages through name and phone matches in list order, each record once, with the right total', async () => {
    const made: number[] = [];
    for (let n = 0; n < 6; n++) made.push((await createCustomer(admin, { orgId: headId, name: `钱多多${n}`, birthDate: `1980-01-0${n + 1}` })).id as number);
    const phone = uniquePhone();
    // Matches the keyword by phone only: the phone branch and the name branch must both feed the page.
    const byPhone = (await createCustomer(admin, { orgId: headId, name: '赵不相干', phone })).id as number;
    const pages: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await admin.request('GET', `/api/customers?q=${encodeURIComponent('钱多多')}&pageSize=4&page=${page}`);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(6);
      pages.push(...(response.body.items as { id: number }[]).map((item) => item.id));
    }
    expect(pages).toEqual([...made].reverse());

    const sorted: number[] = [];
    for (let page = 1; page <= 2; page++) {
      const response = await admin.request('GET', `/api/customers?q=${encodeURIComponent('钱多多')}&pageSize=4&page=${page}&sort=birthDate&order=asc`);
      sorted.push(...(response.body.items as { id: number }[]).map((item) => item.id));
    }
    expect(sorted).toEqual(made);

    const phoneHit = await query({ q: phone, pageSize: 5 });
    expect(ids(phoneHit)).toEqual([byPhone]);
    expect(phoneHit.body.total).toBe(1);
  });
});

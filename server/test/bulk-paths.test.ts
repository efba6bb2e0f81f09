import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/platform/audit/audit.ts';
import { buildCustomer } from './factories.ts';
import { buildTestApp, type Client, countRows, loginAdmin, rawRows, type TestApp } from './test-app.ts';

const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const rows = 2500;
let app: TestApp;
let admin: Client;
let headOrg: number;
let people: Record<string, unknown>[];

async function upload(body: Buffer) {
  const response = await app.app.inject({ method: 'POST', url: '/api/customers/import', payload: body, headers: { 'content-type': xlsxMime, cookie: `sid=${admin.cookie}`, 'x-csrf-token': admin.csrf } });
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown>, text: response.body };
}

/** Customers whose every text cell is long Chinese text, so the sheet's decompressed chunks cut characters in two. */
async function workbookOf(customers: Record<string, unknown>[], sharedStrings: boolean): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户信息');
  sheet.addRow(['*姓名', '*客户类别', '身份证号', '手机号码', '省份', '城市', '家庭住址', '职业', '工作单位', '*所属机构']);
  for (const customer of customers) {
    sheet.addRow([customer.name, '个人', customer.idNumber, customer.phone, customer.province, customer.city, customer.homeAddress, customer.occupation, customer.employer, 'ORG000001']);
  }
  if (sharedStrings) return Buffer.from(await workbook.xlsx.writeBuffer());
  const file = `${app.services.config.DATA_DIR}/inline-strings.xlsx`;
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const streamed = writer.addWorksheet('客户信息');
  sheet.eachRow((row) => streamed.addRow((row.values as unknown[]).slice(1)).commit());
  await writer.commit();
  return (await import('node:fs')).readFileSync(file);
}

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headOrg = (await admin.request('GET', '/api/organisations?pageSize=1')).body.items[0].id;
  people = Array.from({ length: rows }, (_, index) => {
    const person = buildCustomer({ orgId: headOrg });
    return { ...person, name: `${String(person.name)}${'欧阳'.repeat(index % 4)}`, homeAddress: `${String(person.homeAddress)}幸福小区${index % 97}栋${index % 31}单元` };
  });
});
afterAll(async () => {
  await app?.close();
});

describe('bulk import', () => {
  it.each([
    ['inline strings', false, 0],
    ['shared strings', true, 1],
  ])('keeps every Chinese character of a large file with %s, writes one chained audit row per record and sequential codes', async (_label, sharedStrings, half) => {
    const batch = people.slice(half * (rows / 2), (half + 1) * (rows / 2));
    const before = await countRows(app, 'customers');
    const auditsBefore = await countRows(app, 'audit_logs');
    const response = await upload(await workbookOf(batch, sharedStrings));
    expect(response.status, response.text.slice(0, 500)).toBe(200);
    expect(response.body).toEqual({ valid: batch.length, imported: batch.length });
    expect(await countRows(app, 'customers')).toBe(before + batch.length);
    const stored = await rawRows<{ name: string; home_address_mask: string; code: string; city: string }>(app, `select name, home_address_mask, code, city from customers order by id desc limit ${batch.length}`);
    expect(stored.map((row) => row.name).reverse()).toEqual(batch.map((person) => person.name));
    expect(stored.map((row) => row.city).reverse()).toEqual(batch.map((person) => person.city));
    expect(stored.some((row) => row.name.includes('\uFFFD') || row.home_address_mask.includes('\uFFFD'))).toBe(false);
    const codes = stored.map((row) => Number(row.code.replace(/\D/g, ''))).reverse();
    expect(codes).toEqual(codes.map((_, index) => codes[0]! + index));
    const creates = await rawRows<{ n: number }>(app, `select count(*) as n from audit_logs where module = 'customer' and action = 'create' and id > (select coalesce(max(id), 0) - ${batch.length + 1} from audit_logs)`);
    expect(Number(creates[0]!.n)).toBe(batch.length);
    expect(await countRows(app, 'audit_logs')).toBe(auditsBefore + batch.length + 1);
    expect((await verifyAuditChain(app.services.database.db)).firstBadId).toBeNull();
  });

  it('refuses a file whose rows clash with each other or with stored customers, naming each row, and writes nothing', async () => {
    const fresh = [buildCustomer({ orgId: headOrg }), buildCustomer({ orgId: headOrg }), buildCustomer({ orgId: headOrg })];
    const clash = [...fresh, { ...buildCustomer({ orgId: headOrg }), idNumber: people[0]!.idNumber }];
    const before = await countRows(app, 'customers');
    const response = await upload(await workbookOf(clash, true));
    expect(response.status).toBe(400);
    const problems = (response.body.params as { problems: { row: number; column: string; reason: string }[] }).problems;
    expect(problems.map((problem) => `${problem.row}:${problem.column}:${problem.reason}`)).toEqual(['5:身份证号:duplicate']);
    expect(await countRows(app, 'customers')).toBe(before);
  });
});

describe('bulk export', () => {
  it('streams every row of a filter larger than one batch, newest first, as a readable xlsx', async () => {
    // the commonest city of the imported people, so the filter spans more than one batch whatever the factory drew
    const cityCounts = new Map<string, number>();
    for (const person of people) cityCounts.set(person.city as string, (cityCounts.get(person.city as string) ?? 0) + 1);
    const city = [...cityCounts].sort((a, b) => b[1] - a[1])[0]![0];
    const expected = await rawRows<{ code: string }>(app, `select code from customers where city = '${city}' and deleted_at is null order by id desc`);
    expect(expected.length).toBeGreaterThan(100);
    const all = await app.app.inject({ method: 'GET', url: '/api/customers/export?format=xlsx', headers: { cookie: `sid=${admin.cookie}` } });
    expect(all.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(all.rawPayload as unknown as ArrayBuffer);
    const codes = workbook.worksheets[0]!.getColumn(1).values.slice(2) as string[];
    const stored = await rawRows<{ code: string }>(app, 'select code from customers where deleted_at is null order by id desc');
    expect(codes).toEqual(stored.map((row) => row.code));
    const filtered = await admin.request('GET', `/api/customers/export?format=csv&city=${encodeURIComponent(city)}`);
    const lines = filtered.text.trim().split('\n').slice(1);
    expect(lines.map((line) => line.split(',')[0])).toEqual(expected.map((row) => row.code));
  });
});

import { getEntity } from '@insure/model/registry';
import type { EnumField } from '@insure/model/field';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, createCustomer, headOfficeId, withBadChecksum } from './factories.ts';
import { type ApiResponse, type Client, type TestApp, buildTestApp, call, expectCleanError, loginAdmin, rawRows } from './test-app.ts';

let app: TestApp;
let admin: Client;
let headId: number;
let existing: Record<string, unknown>;
let snapshot: string;

const insuranceType = (getEntity('product').fields.insuranceType as EnumField).options[0]!.value;
const validProduct = () => ({ name: `测试产品${Math.random().toString(36).slice(2, 8)}`, insuranceType, insurer: '测试保险公司', basePremium: 1200.5, minAge: 18 });

/** Every business table the cases could touch, plus the operation log, as one string. */
async function dataSnapshot(): Promise<string> {
  const parts = await Promise.all(['customers', 'products', 'organisations', 'audit_logs'].map((table) => rawRows(app, `select * from ${table} order by id`)));
  return JSON.stringify(parts);
}

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  existing = await createCustomer(admin, { orgId: headId });
  expect((await admin.request('POST', '/api/products', validProduct())).status).toBe(201);
  snapshot = await dataSnapshot();
});
afterAll(() => app.close());

interface Case {
  status: number;
  code: string;
  reasons?: Record<string, string>;
}

const customer = (overrides: Record<string, unknown>) => () => admin.request('POST', '/api/customers', { ...buildCustomer({ orgId: headId }), ...overrides });
const product = (overrides: Record<string, unknown>) => () => admin.request('POST', '/api/products', { ...validProduct(), ...overrides });
const patch = (body: Record<string, unknown>) => () => admin.request('PATCH', `/api/customers/${existing.id}`, body);
const raw = (method: 'POST' | 'PATCH', url: string, payload: string | Buffer, contentType = 'application/json') => () =>
  call(app, method, url, undefined, { cookie: `sid=${admin.cookie}`, 'x-csrf-token': admin.csrf, 'content-type': contentType }, { payload });
const get = (url: string) => () => admin.request('GET', url);
const validation = (reasons: Record<string, string>): Case => ({ status: 400, code: 'VALIDATION', reasons });

const cases: [string, () => Promise<ApiResponse>, Case][] = [
  ['text longer than its maximum', customer({ name: '张'.repeat(51) }), validation({ name: 'too_long' })],
  ['a required text left empty', customer({ name: '' }), validation({ name: 'required' })],
  ['a required field missing', customer({ name: undefined }), validation({ name: 'required' })],
  ['a required field null', customer({ name: null }), validation({ name: 'invalid_type' })],
  ['a number where text is expected', customer({ name: 12345 }), validation({ name: 'invalid_type' })],
  ['text where a number is expected', customer({ sortIndex: '5' }), validation({ sortIndex: 'invalid_type' })],
  ['a malformed phone number', customer({ phone: '1381234' }), validation({ phone: 'invalid_phone' })],
  ['an ID number with a bad check digit', customer({ idNumber: withBadChecksum(String(buildCustomer({ orgId: 1 }).idNumber)) }), validation({ idNumber: 'invalid_id_number' })],
  ['an ID number with an impossible birth date', customer({ idNumber: '11010119850230001X' }), validation({ idNumber: 'invalid_id_number' })],
  ['an impossible date (2026-02-30)', customer({ birthDate: '2026-02-30' }), validation({ birthDate: 'invalid_date' })],
  ['a date in another format', customer({ birthDate: '1985/04/12' }), validation({ birthDate: 'invalid_date' })],
  ['an enum value not among the options', customer({ gender: 'robot' }), validation({ gender: 'invalid_value' })],
  ['a reference to a nonexistent record', customer({ ownerId: 987654 }), { status: 400, code: 'INVALID_REFERENCE', reasons: { ownerId: 'reference_unavailable' } }],
  ['a reference that is not an id', customer({ ownerId: 'abc' }), validation({ ownerId: 'invalid_type' })],
  ['an unknown field', customer({ favouriteColour: 'blue' }), validation({ favouriteColour: 'unknown_field' })],
  ['a status outside the entity’s statuses', customer({ status: 'deleted' }), validation({ status: 'invalid_value' })],
  ['money with three decimals', product({ basePremium: 12.345 }), validation({ basePremium: 'too_many_decimals' })],
  ['negative money', product({ basePremium: -1 }), validation({ basePremium: 'too_small' })],
  ['money as a string', product({ basePremium: '1200.00' }), validation({ basePremium: 'invalid_type' })],
  ['a fractional integer', product({ minAge: 1.5 }), validation({ minAge: 'not_integer' })],
  ['an integer above its maximum', product({ minAge: 500 }), validation({ minAge: 'too_big' })],
  ['a number too large for JSON doubles (1e309)', raw('POST', '/api/products', JSON.stringify(validProduct()).replace('1200.5', '1e309')), validation({ basePremium: 'invalid_type' })],
  ['an edit without a version', patch({ occupation: '教师' }), validation({ version: 'required' })],
  ['an edit with a text version', patch({ occupation: '教师', version: 'one' }), validation({ version: 'invalid_type' })],
  ['an edit changing code', patch({ code: 'CUS999999', version: 1 }), validation({ code: 'unknown_field' })],
  ['deeply nested JSON', customer({ name: JSON.parse('['.repeat(500) + ']'.repeat(500)) }), validation({ name: 'invalid_type' })],
  ['an array instead of an object', raw('POST', '/api/customers', '[1,2,3]'), { status: 400, code: 'VALIDATION' }],
  ['JSON nested 500,000 levels deep (1 MB)', raw('POST', '/api/customers/query', `{"q":${'['.repeat(500000)}${']'.repeat(500000)}}`), validation({ q: 'invalid_type' })],
  ['a NUL character in a text field', customer({ name: '张\u0000三' }), validation({ name: 'invalid_format' })],
  ['a NUL character in the keyword', () => admin.request('POST', '/api/customers/query', { q: 'a\u0000' }), validation({ q: 'invalid_format' })],
  ['a NUL character in a URL filter', get('/api/customers?name=%00x'), validation({ 'filters.name': 'invalid_format' })],
  ['a __proto__ key', raw('POST', '/api/customers', '{"__proto__":{"isAdmin":true},"name":"x"}'), { status: 400, code: 'BAD_REQUEST' }],
  ['malformed JSON', raw('POST', '/api/customers', '{"name": "张三",'), { status: 400, code: 'BAD_REQUEST' }],
  ['an empty JSON body', raw('POST', '/api/customers', ''), { status: 400, code: 'BAD_REQUEST' }],
  ['a text/plain body', raw('POST', '/api/customers', 'name=张三', 'text/plain'), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }],
  ['a form-encoded body', raw('POST', '/api/customers', 'name=x', 'application/x-www-form-urlencoded'), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }],
  ['a body over 1 MB', raw('POST', '/api/customers', JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) })), { status: 413, code: 'PAYLOAD_TOO_LARGE' }],
  ['a non-numeric id', get('/api/customers/abc'), validation({ id: 'invalid_type' })],
  ['a negative id', get('/api/customers/-1'), validation({ id: 'too_small' })],
  ['an id beyond safe integers', get('/api/customers/99999999999999999999'), validation({ id: 'too_big' })],
  ['a fractional id', get('/api/customers/1.5'), validation({ id: 'not_integer' })],
  ['page=0', get('/api/customers?page=0'), validation({ page: 'too_small' })],
  ['page=-1', get('/api/customers?page=-1'), validation({ page: 'too_small' })],
  ['pageSize=100000', get('/api/customers?pageSize=100000'), validation({ pageSize: 'too_big' })],
  ['a non-numeric page', get('/api/customers?page=abc'), validation({ page: 'invalid_type' })],
  ['an unknown sort column', get('/api/customers?sort=password'), validation({ sort: 'invalid_value' })],
  ['an unknown order', get('/api/customers?order=sideways'), validation({ order: 'invalid_value' })],
  ['pageSize=100000 in a query body', () => admin.request('POST', '/api/customers/query', { pageSize: 100000 }), validation({ pageSize: 'too_big' })],
  ['a keyword longer than 100 characters', () => admin.request('POST', '/api/customers/query', { q: 'x'.repeat(101) }), validation({ q: 'too_long' })],
  ['a reversed filter shape', () => admin.request('POST', '/api/customers/query', { filters: { gender: 'male' } }), validation({ 'filters.gender': 'invalid_type' })],
  ['a picker id list with letters', get('/api/customers/options?ids=1,a'), validation({ ids: 'invalid_format' })],
];

describe('bad input is refused with a clean 4xx and changes nothing', () => {
  it.each(cases)('refuses %s', async (_label, send, expected) => {
    const response = await send();
    expect(expectCleanError(response)).toBeNull();
    expect(response.status).toBe(expected.status);
    expect(response.body.code).toBe(expected.code);
    if (expected.reasons) {
      expect(response.body.reasons).toEqual(expected.reasons);
      for (const field of Object.keys(expected.reasons)) expect(typeof response.body.fields[field]).toBe('string');
    }
    expect(await dataSnapshot()).toBe(snapshot);
  });

  it('translates messages to the signed-in user’s language, or to Accept-Language before sign-in', async () => {
    const zh = await customer({ phone: '123' })();
    expect(zh.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.body.fields.phone).toMatch(/[\u4e00-\u9fff]/);
    expect((await admin.request('PATCH', '/api/me/settings', { locale: 'en-US' })).status).toBe(200);
    const en = await customer({ phone: '123' })();
    await admin.request('PATCH', '/api/me/settings', { locale: 'zh-CN' });
    expect(en.body.message).toBe('Some fields are invalid');
    expect(en.body.fields.phone).toBe('Not a valid phone number');
    const anonymous = await call(app, 'GET', '/api/customers', undefined, { 'accept-language': 'en-US,en;q=0.9' });
    expect(anonymous.body.message).toBe('Please sign in');
  });

  it('reports every bad field at once', async () => {
    const response = await customer({ name: '', phone: 'x', birthDate: '2026-13-01', gender: 'x' })();
    expect(response.body.reasons).toEqual({ name: 'required', phone: 'invalid_phone', birthDate: 'invalid_date', gender: 'invalid_value' });
  });
});

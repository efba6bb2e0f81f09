import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { buildCustomer, createCustomer, createSalesperson, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, call, countRows, createAccount, loginAdmin, rawRows } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let salespersonId: number;
let accountId: number;
let ownCustomer: Record<string, unknown>;
let otherCustomer: Record<string, unknown>;
let token: string;
let tokenId: number;

const bearer = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, value = token) =>
  call(app, method, url, body, { authorization: `Bearer ${value}` });

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  salespersonId = (await createSalesperson(admin, { orgId: headId })).id as number;
  accountId = await createAccount(admin, { loginName: 'token_sales', orgId: headId, roles: ['salesperson'], salespersonId });
  ownCustomer = await createCustomer(admin, { orgId: headId, ownerId: salespersonId });
  otherCustomer = await createCustomer(admin, { orgId: headId, ownerId: null });
  const created = await admin.request('POST', '/api/api-tokens', { accountId, name: 'CRM 同步', expiresAt: '2026-06-30' });
  expect(created.status).toBe(201);
  token = created.body.token;
  tokenId = created.body.id;
});
afterAll(() => app.close());

describe('API tokens', () => {
  it('answers an integration in the language of its Accept-Language header, else in its account’s language', async () => {
    const bad = { ...buildCustomer({ orgId: headId, ownerId: salespersonId }), phone: '123' };
    const english = await call(app, 'POST', '/api/customers', bad, { authorization: `Bearer ${token}`, 'accept-language': 'en-US,en;q=0.9' });
    expect(english.status).toBe(400);
    expect(english.body.message).toBe('Some fields are invalid');
    expect(english.body.fields.phone).toBe('Not a valid phone number');
    expect(english.body.reasons.phone).toBe('invalid_phone');
    const chinese = await bearer('POST', '/api/customers', bad);
    expect(chinese.status).toBe(400);
    expect(chinese.body.message).toMatch(/[\u4e00-\u9fff]/);
    const missing = await call(app, 'GET', '/api/customers/999999999', undefined, { authorization: `Bearer ${token}`, 'accept-language': 'en' });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Not found');
  });

  it('shows the token once and stores only its hash', async () => {
    expect(token).toMatch(/^ipt_[A-Za-z0-9_-]{43}$/);
    const [row] = await rawRows<Record<string, unknown>>(app, `select * from api_tokens where id = ${tokenId}`);
    expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(row!.prefix).toBe(token.slice(0, 8));
    expect(JSON.stringify(row)).not.toContain(token.slice(8));
    const audit = await rawRows(app, `select * from audit_logs where module = 'apiToken' and record_id = ${tokenId}`);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token.slice(8));
  });

  it('never lists the token itself', async () => {
    const list = await admin.request('GET', '/api/api-tokens');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: tokenId, name: 'CRM 同步', prefix: token.slice(0, 8), accountId, loginName: 'token_sales' });
    expect(list.text).not.toContain(token.slice(8));
  });

  it('authenticates with Authorization: Bearer, without captcha or CSRF token', async () => {
    const me = await bearer('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.loginName).toBe('token_sales');
    const created = await bearer('POST', '/api/customers', buildCustomer({ orgId: headId }));
    expect(created.status).toBe(201);
    expect(created.body.ownerId).toBe(salespersonId);
  });

  it('carries the account’s data scope: only the account’s customers', async () => {
    const list = await bearer('GET', '/api/customers?pageSize=200');
    const ids = list.body.items.map((item: { id: number }) => item.id);
    expect(ids).toContain(ownCustomer.id);
    expect(ids).not.toContain(otherCustomer.id);
    expect(list.body.total).toBe(ids.length);
    expect((await bearer('GET', `/api/customers/${otherCustomer.id}`)).status).toBe(404);
  });

  it('carries the account’s permissions: no delete, no operation log, no tokens', async () => {
    expect((await bearer('DELETE', `/api/customers/${ownCustomer.id}`)).status).toBe(403);
    expect((await bearer('POST', '/api/audit-logs/query', {})).status).toBe(403);
    expect((await bearer('POST', '/api/api-tokens', { accountId, name: 'x', expiresAt: '2026-12-31' })).status).toBe(403);
  });

  it('refuses unknown or malformed tokens with 401', async () => {
    expect((await bearer('GET', '/api/me', undefined, `${token.slice(0, -2)}xx`)).status).toBe(401);
    expect((await bearer('GET', '/api/me', undefined, '')).status).toBe(401);
    expect((await call(app, 'GET', '/api/me', undefined, { authorization: `Basic ${token}` })).status).toBe(401);
  });

  it('refuses an expiry date in the past', async () => {
    const response = await admin.request('POST', '/api/api-tokens', { accountId, name: '过期', expiresAt: '2026-05-31' });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.reasons)).toEqual(['expiresAt']);
  });

  it('refuses a token for a nonexistent account', async () => {
    const before = await countRows(app, 'api_tokens');
    const response = await admin.request('POST', '/api/api-tokens', { accountId: 987654, name: 'x', expiresAt: '2026-12-31' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_REFERENCE');
    expect(await countRows(app, 'api_tokens')).toBe(before);
  });

  it('stops working once revoked, and cannot be revoked twice', async () => {
    const extra = await admin.request('POST', '/api/api-tokens', { accountId, name: '临时', expiresAt: '2026-06-30' });
    expect((await bearer('GET', '/api/me', undefined, extra.body.token)).status).toBe(200);
    expect((await admin.request('DELETE', `/api/api-tokens/${extra.body.id}`)).status).toBe(204);
    const revoked = await bearer('GET', '/api/me', undefined, extra.body.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('UNAUTHENTICATED');
    expect((await admin.request('DELETE', `/api/api-tokens/${extra.body.id}`)).status).toBe(404);
  });

  it('stops working when its account is disabled', async () => {
    const otherAccount = await createAccount(admin, { loginName: 'token_disabled', orgId: headId, roles: ['analyst'] });
    const extra = await admin.request('POST', '/api/api-tokens', { accountId: otherAccount, name: '停用账号', expiresAt: '2026-06-30' });
    expect((await bearer('GET', '/api/customers', undefined, extra.body.token)).status).toBe(200);
    const account = await admin.request('GET', `/api/accounts/${otherAccount}`);
    await admin.request('PATCH', `/api/accounts/${otherAccount}`, { status: 'disabled', version: account.body.version });
    expect((await bearer('GET', '/api/customers', undefined, extra.body.token)).status).toBe(401);
  });

  it('stops working after its expiry date', async () => {
    const short = await admin.request('POST', '/api/api-tokens', { accountId, name: '短期', expiresAt: '2026-06-02' });
    expect((await bearer('GET', '/api/me', undefined, short.body.token)).status).toBe(200);
    clock.set(new Date('2026-06-02T23:59:00.000Z'));
    expect((await bearer('GET', '/api/me', undefined, short.body.token)).status).toBe(200);
    clock.set(new Date('2026-06-03T00:00:01.000Z'));
    const expired = await bearer('GET', '/api/me', undefined, short.body.token);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHENTICATED');
    expect((await bearer('GET', '/api/me')).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createClaim, createProduct, createSigning, issueSigning } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type ApiResponse, type Client, type Method, type TestApp, accountClient, buildTestApp, call, countRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let claimsY: Client;
/** Records of salesperson A (team X1): a draft signing, an issued one, its policy and a claim on it. */
const ids = { draft: 0, issued: 0, policy: 0, claim: 0, customer: 0, salesperson: 0, product: 0 };
const missingId = 987654;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  claimsY = await accountClient(app, fx.admin, { loginName: 'claims_y', orgId: fx.branchY, roles: ['claimsHandler'] });
  ids.product = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
  ids.customer = fx.customers.a.id as number;
  ids.salesperson = fx.salespeople.a;
  ids.draft = (await createSigning(fx.users.a, { customerId: ids.customer, productId: ids.product })).id as number;
  ids.issued = (await createSigning(fx.users.a, { customerId: ids.customer, productId: ids.product })).id as number;
  ids.policy = (await issueSigning(fx.users.a, fx.users.managerX, ids.issued)).policyId as number;
  ids.claim = (await createClaim(fx.admin, { policyId: ids.policy, insuredId: ids.customer, salespersonId: fx.salespeople.a, orgId: fx.teamX1 })).id as number;
});
afterAll(() => app.close());

type Who = 'b' | 'c' | 'managerY' | 'claimsY';
const client = (who: Who) => (who === 'claimsY' ? claimsY : fx.users[who]);
const withoutRequestId = (response: ApiResponse) => response.text.replace(/"requestId":"[^"]*"/, '');

/** Rows any of these calls could write. */
const footprint = async () =>
  Promise.all(['policies', 'contracts', 'record_events', 'outbox', 'audit_logs'].map((table) => countRows(app, table))).then((counts) => counts.join(','));

const routes: [string, Method, (id: number) => string, keyof typeof ids, Who[], unknown?][] = [
  ['renew a policy', 'POST', (id) => `/api/policies/${id}/renew`, 'policy', ['managerY']],
  ['read a policy’s claim summary', 'GET', (id) => `/api/policies/${id}/claim-summary`, 'policy', ['b', 'c', 'managerY', 'claimsY']],
  ['read a customer summary', 'GET', (id) => `/api/customers/${id}/summary`, 'customer', ['b', 'c', 'managerY', 'claimsY']],
  ['read a salesperson’s performance', 'GET', (id) => `/api/salespeople/${id}/performance`, 'salesperson', ['b', 'c', 'managerY']],
  ['read a signing timeline', 'GET', (id) => `/api/signings/${id}/timeline`, 'draft', ['b', 'c', 'managerY']],
  ['read a policy timeline', 'GET', (id) => `/api/policies/${id}/timeline`, 'policy', ['b', 'c', 'managerY', 'claimsY']],
  ['read a claim timeline', 'GET', (id) => `/api/claims/${id}/timeline`, 'claim', ['b', 'c', 'managerY', 'claimsY']],
  ['submit a signing', 'POST', (id) => `/api/signings/${id}/actions/submit`, 'draft', ['b', 'c', 'managerY']],
  ['cancel a policy', 'POST', (id) => `/api/policies/${id}/actions/cancel`, 'policy', ['managerY'], { note: '越权注销' }],
  ['surrender a policy', 'POST', (id) => `/api/policies/${id}/actions/surrender`, 'policy', ['managerY'], { note: '越权退保' }],
  ['accept a claim', 'POST', (id) => `/api/claims/${id}/actions/accept`, 'claim', ['managerY', 'claimsY']],
  ['reject a claim', 'POST', (id) => `/api/claims/${id}/actions/reject`, 'claim', ['managerY', 'claimsY'], { note: '越权拒赔' }],
];

describe('insurance routes out of the caller’s data scope', () => {
  it.each(routes)('answer 404 to anyone who may %s but not see the record, the same 404 as a missing id, and change nothing', async (_label, method, url, key, callers, body) => {
    for (const who of callers) {
      const before = await footprint();
      const hidden = await client(who).request(method, url(ids[key]), body);
      const missing = await client(who).request(method, url(missingId), body);
      expect(hidden.status, `${who} ${method} ${url(ids[key])}`).toBe(404);
      expect(hidden.body.code).toBe('NOT_FOUND');
      expect(withoutRequestId(hidden)).toBe(withoutRequestId(missing));
      expect(await footprint(), who).toBe(before);
    }
  });

  // Moves in scope are exercised by the workflow suites; the reads are checked here.
  it.each(routes.filter(([, method]) => method === 'GET'))('still let salesperson A %s of their own record', async (_label, method, url, key) => {
    const response = await fx.users.a.request(method, url(ids[key]));
    expect(response.status).toBe(200);
  });

  it('keeps the signing, policy and claim where they were', async () => {
    expect((await fx.admin.request('GET', `/api/signings/${ids.draft}`)).body.status).toBe('draft');
    expect((await fx.admin.request('GET', `/api/policies/${ids.policy}`)).body.status).toBe('inForce');
    expect((await fx.admin.request('GET', `/api/claims/${ids.claim}`)).body.status).toBe('reported');
    expect(await countRows(app, 'policies', `renewed_from_id = ${ids.policy}`)).toBe(0);
  });

  it('answers a missing product’s rating with 404 (products are shared by every branch)', async () => {
    expect((await fx.users.c.request('GET', `/api/products/${ids.product}/rating`)).status).toBe(200);
    expect((await fx.users.c.request('GET', `/api/products/${missingId}/rating`)).status).toBe(404);
  });

  it('lists renewals only from the caller’s scope', async () => {
    for (const who of ['b', 'c', 'managerY', 'claimsY'] as const) {
      const response = await client(who).request('GET', '/api/policies/renewals?days=90');
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { id: number }) => item.id)).not.toContain(ids.policy);
    }
  });
});

describe('insurance routes without a session or permission', () => {
  const urls: [Method, string][] = [
    ['GET', '/api/policies/renewals'],
    ['POST', '/api/policies/1/renew'],
    ['GET', '/api/policies/1/claim-summary'],
    ['GET', '/api/customers/1/summary'],
    ['GET', '/api/salespeople/1/performance'],
    ['GET', '/api/products/1/rating'],
    ['GET', '/api/claims/1/timeline'],
    ['POST', '/api/claims/1/actions/accept'],
  ];

  it.each(urls)('answer %s %s with 401 without a session', async (method, url) => {
    const response = await call(app, method, url, method === 'POST' ? {} : undefined);
    expect(response.status).toBe(401);
  });

  it('answer 403 when the role lacks the module permission, before looking the record up', async () => {
    const claimsX = await accountClient(app, fx.admin, { loginName: 'claims_x', orgId: fx.branchX, roles: ['claimsHandler'] });
    for (const [method, url] of [
      ['GET', `/api/salespeople/${ids.salesperson}/performance`],
      ['GET', `/api/signings/${ids.draft}/timeline`],
      ['POST', `/api/policies/${ids.policy}/renew`],
      ['POST', `/api/policies/${ids.policy}/actions/cancel`],
    ] as const) {
      const response = await claimsX.request(method, url, method === 'POST' ? { note: '无权' } : undefined);
      expect(response.status, `${method} ${url}`).toBe(403);
      const missing = await claimsX.request(method, url.replace(/\/\d+\//, `/${missingId}/`), method === 'POST' ? { note: '无权' } : undefined);
      expect(missing.status).toBe(403);
    }
  });
});

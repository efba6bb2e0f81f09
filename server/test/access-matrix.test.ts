import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRoles } from '@insure/model/permissions';
import { accessMatrixPath } from '../src/platform/access/access-matrix-doc.ts';
import { cellFor, matrixRoles, renderAccessMatrix, routesOf, type Cell, type RouteRow } from '../src/platform/access/route-access.ts';
import { headOfficeId } from './factories.ts';
import { createClaim, createProduct, createSigning, issueSigning } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type ApiResponse, type Client, type Method, type TestApp, accountClient, buildTestApp, call, countRows } from './test-app.ts';

/**
 * Issue 11 item 2: the route × built-in role matrix, generated from the declarations (route-access.ts, the
 * entity declarations, builtinRoles) and asserted cell by cell through HTTP; then data scope (salesperson A
 * vs B and C, branch X vs Y) on every route that takes the id of a scoped record.
 */
let app: TestApp;
let fx: ScopeFixture;
let routes: RouteRow[];
const roleClients = new Map<string, Client>();
const missingId = 987654;

/** Records of salesperson B (team X1, branch X): probed by A (same team), C (branch Y) and manager Y. */
const ofB = { customer: 0, signing: 0, policy: 0, claim: 0, attachment: 0 };

beforeAll(async () => {
  app = await buildTestApp();
  fx = await buildScopeFixture(app);
  const head = await headOfficeId(fx.admin);
  for (const role of builtinRoles) {
    roleClients.set(role.key, await accountClient(app, fx.admin, { loginName: `matrix_${role.key.toLowerCase()}`, orgId: head, roles: [role.key] }));
  }
  const document = (await call(app, 'GET', '/docs/json')).body;
  routes = routesOf(document).filter((route): route is RouteRow => !!route.access);

  const product = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
  ofB.customer = fx.customers.b.id as number;
  ofB.signing = (await createSigning(fx.users.b, { customerId: ofB.customer, productId: product })).id as number;
  const issued = (await createSigning(fx.users.b, { customerId: ofB.customer, productId: product })).id as number;
  ofB.policy = (await issueSigning(fx.users.b, fx.users.managerX, issued)).policyId as number;
  ofB.claim = (await createClaim(fx.admin, { policyId: ofB.policy, insuredId: ofB.customer, salespersonId: fx.salespeople.b, orgId: fx.teamX1 })).id as number;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 0x41), Buffer.from('\n%%EOF\n')]);
  const uploaded = await app.app.inject({
    method: 'POST',
    url: `/api/customers/${ofB.customer}/attachments?fileName=b.pdf`,
    payload: pdf,
    headers: { 'content-type': 'application/octet-stream', cookie: `sid=${fx.users.b.cookie}`, 'x-csrf-token': fx.users.b.csrf },
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  ofB.attachment = JSON.parse(uploaded.body).id as number;
}, 120_000);
afterAll(() => app?.close());

const withoutRequestId = (response: ApiResponse) => response.text.replace(/"requestId":"[^"]*"/, '');

/** Path parameters: a nonexistent id where an id goes, a well-formed value elsewhere. */
function fill(template: string, id: number): string {
  return template
    .replace('{module}', 'customer')
    .replace('{period}', '2026-01')
    .replace('{kind}', 'birthday')
    .replace('{provider}', 'aliyun')
    .replace('{token}', 'A'.repeat(43))
    .replace(/\{[A-Za-z]+\}/g, String(id));
}

function send(client: Client | null, method: string, url: string): Promise<ApiResponse> {
  const body = ['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined;
  return client ? client.request(method as Method, url, body) : call(app, method as Method, url, body);
}

describe('the generated access matrix', () => {
  it('declares every route of the OpenAPI document, and docs/access-matrix.md is up to date', async () => {
    const document = (await call(app, 'GET', '/docs/json')).body;
    const all = routesOf(document);
    expect(all.length).toBeGreaterThan(600);
    expect(all.filter((route) => !route.access).map((route) => `${route.method} ${route.path}`)).toEqual([]);
    const onDisk = fs.readFileSync(path.resolve(import.meta.dirname, '../..', accessMatrixPath), 'utf8');
    // A failure here: run `npm run -s cli -- docs access-matrix` and commit the file.
    expect(onDisk).toBe(renderAccessMatrix(routes));
  });

  it('gives every built-in role and anonymous exactly the declared answer on every route', async () => {
    const roles = matrixRoles();
    const wrong: string[] = [];
    let cells = 0;
    // The caller's own sign-out ends its session: done last.
    const ordered = [...routes].sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));
    for (const route of ordered) {
      const url = fill(route.path, missingId);
      for (const role of roles) {
        const expected: Cell = cellFor(route.access, role);
        const response = await send(role.key === 'anonymous' ? null : roleClients.get(role.key)!, route.method, url);
        cells++;
        const ok =
          expected === 'allowed' ? response.status !== 401 && response.status !== 403 : expected === 'denied' ? response.status === 403 : response.status === 401;
        if (!ok) wrong.push(`${route.method} ${route.path} as ${role.key}: expected ${expected}, got ${response.status} ${response.text.slice(0, 120)}`);
        if (response.status >= 500) wrong.push(`${route.method} ${route.path} as ${role.key}: ${response.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBe(routes.length * roles.length);
    console.info(`access matrix: ${cells} cells asserted (${routes.length} routes × ${roles.length} columns)`);
  }, 600_000);
});

describe('data scope on every route that takes the id of a scoped record', () => {
  const scoped: [keyof typeof ofB, RegExp][] = [
    ['customer', /^\/api\/customers\/\{id\}/],
    ['signing', /^\/api\/signings\/\{id\}/],
    ['policy', /^\/api\/policies\/\{id\}/],
    ['claim', /^\/api\/claims\/\{id\}/],
    ['attachment', /^\/api\/attachments\/\{attachmentId\}/],
    ['customer', /^\/api\/sms\/opt-outs\/\{customerId\}/],
  ];
  const probers = () => ({ a: fx.users.a, c: fx.users.c, managerY: fx.users.managerY });

  /** Rows any probe could write. */
  const footprint = async () =>
    (await Promise.all(['customers', 'signings', 'policies', 'claims', 'attachments', 'record_events', 'outbox', 'audit_logs'].map((table) => countRows(app, table)))).join(',');

  it('answers another salesperson’s or branch’s record exactly like a missing one, and changes nothing', async () => {
    const before = await footprint();
    const leaks: string[] = [];
    let probes = 0;
    let notFound = 0;
    for (const route of routes) {
      const match = scoped.find(([, pattern]) => pattern.test(route.path));
      if (!match) continue;
      for (const [who, client] of Object.entries(probers())) {
        const hidden = await send(client, route.method, fill(route.path, ofB[match[0]]));
        const missing = await send(client, route.method, fill(route.path, missingId));
        probes++;
        if (hidden.status === 404) notFound++;
        if (hidden.status !== missing.status || withoutRequestId(hidden) !== withoutRequestId(missing)) {
          leaks.push(`${route.method} ${route.path} as ${who}: ${hidden.status} ${hidden.text.slice(0, 100)} vs missing ${missing.status} ${missing.text.slice(0, 100)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(await footprint()).toBe(before);
    // Most probes reach the scope check (the rest are refused by permission or input the same way for both).
    expect(notFound).toBeGreaterThan(probes / 3);
    console.info(`data scope: ${probes} id probes, ${notFound} answered 404`);
  }, 300_000);

  const surfaces: [string, string][] = [
    ['customers', 'customer'],
    ['signings', 'signing'],
    ['policies', 'policy'],
    ['claims', 'claim'],
  ];
  it.each(surfaces)('keeps B’s %s out of lists, totals, keyword search, pickers and exports for A, C and manager Y', async (plural, key) => {
    const id = ofB[key as keyof typeof ofB];
    const control = await fx.admin.request('GET', `/api/${plural}/${id}`);
    expect(control.status).toBe(200);
    for (const [who, client] of Object.entries(probers())) {
      const list = await client.request('GET', `/api/${plural}?pageSize=200`);
      if (list.status === 403) continue;
      expect(list.status, `${who} list`).toBe(200);
      expect(list.body.items.map((item: { id: number }) => item.id), `${who} list`).not.toContain(id);
      expect(list.body.total, `${who} total`).toBe(list.body.items.length);
      const query = await client.request('POST', `/api/${plural}/query`, { filters: { ids: [id] } });
      expect(query.status, `${who} query ${query.text}`).toBe(200);
      expect(query.body.total, `${who} query by id`).toBe(0);
      const options = await client.request('GET', `/api/${plural}/options?ids=${id}`);
      expect(options.status).toBe(200);
      expect(options.body.items, `${who} picker`).toEqual([]);
      const exported = await client.request('POST', `/api/${plural}/export`, { format: 'csv', filters: { ids: [id] } });
      if (exported.status === 403) continue;
      expect(exported.status, `${who} export ${exported.text.slice(0, 200)}`).toBe(200);
      expect(exported.text.trim().split('\n').length, `${who} export rows`).toBe(1);
    }
  });

  it('never names B’s records in a report, board, tree or aggregate seen by A, C or manager Y', async () => {
    const policyNo = (await fx.admin.request('GET', `/api/policies/${ofB.policy}`)).body.policyNo as string;
    const claimNo = (await fx.admin.request('GET', `/api/claims/${ofB.claim}`)).body.claimNo as string;
    const reports = [
      '/api/sales-performance/ranking?from=2020-01-01&to=2030-12-31',
      '/api/sales-performance/ranking?groupBy=org&from=2020-01-01&to=2030-12-31',
      '/api/sales-performance/trend?from=2026-01-01&to=2026-12-31',
      '/api/opportunities/board',
      '/api/opportunities/statistics',
      '/api/sms/stats',
      '/api/surveys/satisfaction?groupBy=salesperson',
      '/api/competitors/report',
      '/api/policies/renewals',
      '/api/customers/pool',
      '/api/interactions/follow-ups',
      '/api/organisations/tree',
      '/api/sales-plans/tree',
      `/api/incentives/statements?period=${new Date().toISOString().slice(0, 7)}`,
      '/api/training/mine',
      '/api/export-requests',
      '/api/salespeople?pageSize=200',
      '/api/accounts?pageSize=200',
    ];
    // Control: the admin's answers do name them (so the canaries are real).
    const adminText = (await Promise.all(['/api/salespeople?pageSize=200', '/api/policies?pageSize=200', '/api/claims?pageSize=200'].map((url) => fx.admin.request('GET', url)))).map((response) => response.text).join('');
    for (const canary of ['业务员乙', policyNo, claimNo]) expect(adminText).toContain(canary);
    const rankingX = await fx.users.managerX.request('GET', reports[0]!);
    expect(rankingX.text, 'manager X’s ranking names B').toContain('业务员乙');
    expect((await fx.users.managerX.request('GET', '/api/policies/renewals')).status).toBe(200);
    const canaries: Record<string, string[]> = {
      a: ['业务员乙', '乙客户', policyNo, claimNo],
      c: ['业务员乙', '业务员甲', '乙客户', '甲客户', policyNo, claimNo, 'X 营业一部'],
      managerY: ['业务员乙', '业务员甲', '乙客户', '甲客户', policyNo, claimNo, 'X 营业一部', 'X 分公司'],
    };
    const leaks: string[] = [];
    let answered = 0;
    for (const [who, client] of Object.entries(probers())) {
      for (const url of reports) {
        const response = await client.request('GET', url);
        if (response.status === 200) answered++;
        else if (response.status !== 403) leaks.push(`${who} ${url}: unexpected ${response.status} ${response.text.slice(0, 120)}`);
        for (const canary of canaries[who]!) if (response.text.includes(canary)) leaks.push(`${who} ${url}: names ${canary}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(answered).toBeGreaterThan(20);
  });

  it('keeps B’s customer out of keyword search and the relation picker by name', async () => {
    for (const [who, client] of Object.entries(probers())) {
      const search = await client.request('POST', '/api/customers/query', { q: fx.plainB.name });
      expect(search.body.total, who).toBe(0);
      const picker = await client.request('GET', `/api/customers/options?q=${encodeURIComponent(fx.plainB.name)}`);
      expect(picker.body.items, who).toEqual([]);
      const attachments = await client.request('GET', `/api/customers/${ofB.customer}/attachments`);
      expect(attachments.status, who).toBe(404);
    }
    // Control: B and manager X do see it.
    expect((await fx.users.b.request('POST', '/api/customers/query', { q: fx.plainB.name })).body.total).toBe(1);
    expect((await fx.users.managerX.request('POST', '/api/customers/query', { q: fx.plainB.name })).body.total).toBe(1);
  });
});

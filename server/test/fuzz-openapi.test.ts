import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, headOfficeId } from './factories.ts';
import { type ApiResponse, type Client, type TestApp, buildTestApp, call, expectCleanError, loginAdmin, rawRows } from './test-app.ts';

/**
 * Walks the OpenAPI document and sends every route bad input: wrong types, missing and unknown fields,
 * huge and odd values, injection strings, malformed JSON, wrong content types, invalid ids and paging.
 * Pass: no 5xx, every 4xx is a clean `{code, message}` without internals, and a route whose bad requests
 * were all refused changed no data.
 * Wrong values per body field are refused by the same validation before any query whatever the database: SQLite
 * gets every one, PostgreSQL (where each request costs ~5× more, Redis sessions included) every fifth, so CI stays short.
 */
let app: TestApp;
let admin: Client;

interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: { properties?: Record<string, { type?: string | string[] }> };
}

// Routes that end the caller's own session or need a browser's multi-step flow are exercised elsewhere.
const skipped = new Set(['POST /api/auth/logout']);

const strange = [
  '',
  ' ',
  'x'.repeat(100_000),
  "' OR 1=1 --",
  '"; drop table customers; --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '\u0000',
  '\uD800',
  '\u202Eevil',
  '😀'.repeat(50),
  '../../etc/passwd',
  '%00',
  '{{7*7}}',
  '${7*7}',
  '=cmd|" /C calc"!A0',
];
const oddNumbers = [-1, 0, 1e308, -1e308, 2 ** 63, 1.5, Number.MAX_SAFE_INTEGER + 2];
const badIds = ['abc', '-1', '0', '1.5', '99999999999999999999', '%20', '1e3', '0x10', "1'--"];

/** Wrong-typed values for a property of the given JSON type. */
function wrongValues(type: string | string[] | undefined): unknown[] {
  const kinds = Array.isArray(type) ? type : [type];
  const values: unknown[] = [{}, [], [null], { $gt: '' }];
  if (!kinds.includes('string')) values.push(...strange.slice(2, 6));
  else values.push(...strange, 12345, true);
  if (!kinds.includes('number') && !kinds.includes('integer')) values.push(42, -1.5);
  else values.push(...oddNumbers, '12abc', 'NaN', 'Infinity');
  if (!kinds.includes('boolean')) values.push(true);
  return values;
}

function operations(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, spec] of Object.entries(methods)) {
      const upper = method.toUpperCase() as Operation['method'];
      if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(upper) || skipped.has(`${upper} ${path}`)) continue;
      found.push({ method: upper, path, body: spec.requestBody?.content?.['application/json']?.schema });
    }
  }
  return found;
}

const volatile = new Set(['kv', 'login_logs', 'audit_logs', 'api_tokens', 'account_credentials', 'kysely_migration', 'kysely_migration_lock', 'import_reports']);
let businessTables: string[] = [];

/** Every business row, to prove refused requests changed nothing (sessions, counters and logs may change). */
async function dataState(): Promise<string> {
  const tables = await rawRows<{ name: string }>(
    app,
    app.dialect === 'sqlite'
      ? `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : `select table_name as name from information_schema.tables where table_schema = current_schema()`,
  );
  businessTables = tables.map((table) => table.name).filter((name) => !volatile.has(name)).sort();
  const parts: string[] = [];
  for (const name of businessTables) parts.push(name, JSON.stringify(await rawRows(app, `select * from "${name}" order by 1`)));
  return parts.join('\n');
}

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  await createCustomer(admin, { orgId: await headOfficeId(admin) });
});
afterAll(() => app.close());

describe('bad input on every route of the OpenAPI document', () => {
  it('never answers 5xx, refuses cleanly, and changes nothing when it refuses', async () => {
    const document = (await call(app, 'GET', '/docs/json')).body as { paths: Record<string, Record<string, any>> };
    const routes = operations(document);
    expect(routes.length).toBeGreaterThan(200);
    const failures: string[] = [];
    let sent = 0;
    // The full state is re-read only after a route wrote something: the write-tracking generations say when.
    let state = await dataState();
    const stamp = () => app.services.database.changes.stamp(businessTables);
    for (const route of routes) {
      const stampBefore = stamp();
      let allRefused = true;
      const check = (label: string, response: ApiResponse) => {
        sent++;
        if (response.status < 400) {
          allRefused = false;
          return;
        }
        const problem = expectCleanError(response);
        if (problem) failures.push(`${route.method} ${route.path} ${label}: ${problem}`);
      };
      const paths = route.path.includes('{') || route.path.includes(':') ? badIds.map((id) => route.path.replace(/\{[^}]+\}|:[A-Za-z]+/g, encodeURIComponent(id))) : [route.path];
      for (const path of paths) {
        if (route.method === 'GET' || route.method === 'DELETE') {
          check(`path ${path}`, await admin.request(route.method, path));
          continue;
        }
        check(`path ${path} {}`, await admin.request(route.method, path, {}));
      }
      const target = paths[0]!;
      const hasId = paths.length > 1;
      if (route.method === 'GET') {
        for (const query of ['page=-1', 'page=abc', 'pageSize=100000', 'pageSize=0', 'sort=__proto__', 'order=sideways', 'q=' + encodeURIComponent(strange[2]!), 'status=%00', 'filters=%7B', 'id.gte=abc']) {
          check(`?${query}`, await admin.request('GET', `${target}${target.includes('?') ? '&' : '?'}${query}`));
        }
      } else if (route.method !== 'DELETE') {
        const bodies: unknown[] = [[], 'text', 42, null, { unknownField: 1 }, { __proto__: { admin: true }, constructor: { prototype: {} } }];
        // Routes on one record answer a bad id before reading the body: their fields are fuzzed through the create routes.
        for (const [name, schema] of hasId ? [] : Object.entries(route.body?.properties ?? {})) {
          const values = wrongValues(schema.type);
          for (const value of app.dialect === 'sqlite' ? values : values.filter((_, index) => index % 5 === 0)) bodies.push({ [name]: value });
        }
        for (const body of bodies) check(`body ${JSON.stringify(body)?.slice(0, 60)}`, await admin.request(route.method, target, body));
        const malformed = await call(app, route.method, target, undefined, { cookie: `sid=${admin.cookie}`, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' }, { payload: '{"a":' });
        check('malformed JSON', malformed);
        const wrongType = await call(app, route.method, target, undefined, { cookie: `sid=${admin.cookie}`, 'x-csrf-token': admin.csrf, 'content-type': 'text/plain' }, { payload: 'hello' });
        check('text/plain body', wrongType);
      }
      if (stamp() !== stampBefore) {
        const after = await dataState();
        if (allRefused && after !== state) failures.push(`${route.method} ${route.path}: data changed although every request was refused`);
        state = after;
      }
      // A request may have ended the session (e.g. a password change): sign in again and carry on.
      if ((await admin.request('GET', '/api/me')).status === 401) admin = await loginAdmin(app);
    }
    console.info(`bad input: ${sent} requests to ${routes.length} routes (${app.dialect})`);
    expect(sent).toBeGreaterThan(2500);
    expect(failures).toEqual([]);
  }, 600_000);
});

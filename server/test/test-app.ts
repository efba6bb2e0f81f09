import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type App } from '../src/app.ts';
import { bootstrap } from '../src/bootstrap.ts';
import { configFrom } from '../src/config.ts';
import type { Clock } from '../src/platform/clock.ts';
import { loadDemoData } from '../src/seed/demo.ts';

export const adminPassword = 'Test-Admin-Pass-2026';
/** Password given to every account the helpers create (passes the policy, contains no login name). */
export const userPassword = 'Quiet-Harbour-Lamp-77';

export interface TestApp extends App {
  dialect: 'sqlite' | 'postgres';
  dataDir: string;
}

export interface BuildTestAppOptions {
  clock?: Clock;
  /** Extra environment for configFrom (e.g. LOGIN_IP_PER_MINUTE). */
  env?: Record<string, string>;
  /** Load the demo set (branches, salespeople, accounts) with this many customers. */
  demoCustomers?: number;
  /** SQLite even when DATABASE_URL is set (the SQLite → PostgreSQL migration test needs a source). */
  sqlite?: boolean;
  /** A second node of this app: same database, data directory and Redis key space (closing it leaves them). */
  nodeOf?: TestApp;
  /** Capture the app's log lines (at LOG_LEVEL, default info here) instead of discarding them. */
  logStream?: { write(line: string): void };
}

async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh application: temp DATA_DIR with its own SQLite file, or, when DATABASE_URL is set, a fresh
 * PostgreSQL schema (dropped on close) selected through the connection's search_path option.
 */
export async function buildTestApp(options: BuildTestAppOptions = {}): Promise<TestApp> {
  if (options.nodeOf) {
    const first = options.nodeOf;
    const node = await buildApp({ config: first.services.config, clock: options.clock, logger: false, testHooks: { exposeCaptchaAnswer: true } });
    return { ...node, dialect: first.dialect, dataDir: first.dataDir };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-test-'));
  const baseUrl = options.sqlite ? undefined : process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let schema: string | null = null;
  if (baseUrl) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    await withPgClient(baseUrl, (client) => client.query(`create schema ${schema}`));
    databaseUrl = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const config = configFrom({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ADMIN_PASSWORD: adminPassword,
    DEMO_DATA: 'false',
    LOG_LEVEL: options.logStream ? 'info' : 'silent',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    // The admin role requires a second factor in production; suites about other things sign in with passwords only.
    MFA_REQUIRED_ROLES: 'none',
    // Shared state goes to Redis when REDIS_URL is set (CI), in a key space of its own. Redis expires keys by
    // wall time, so apps driven by a ManualClock keep the database store, whose expiry follows the clock.
    REDIS_URL: options.clock ? undefined : process.env.REDIS_URL,
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    // A ManualClock never lets the per-minute window pass; tests that check the limit set it themselves.
    LOGIN_IP_PER_MINUTE: '10000',
    ...options.env,
  });
  const dropSchema = async () => {
    if (schema && baseUrl) await withPgClient(baseUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let built: App;
  try {
    built = await buildApp({ config, clock: options.clock, logger: false, logStream: options.logStream, testHooks: { exposeCaptchaAnswer: true } });
  } catch (error) {
    await dropSchema();
    throw error;
  }
  try {
    await bootstrap(built.services);
    if (options.demoCustomers !== undefined) await loadDemoData(built.services, options.demoCustomers);
  } catch (error) {
    await built.close();
    await dropSchema();
    throw error;
  }
  return {
    ...built,
    dialect: schema ? 'postgres' : 'sqlite',
    dataDir,
    close: async () => {
      await built.close();
      await dropSchema();
    },
  };
}

export interface ApiResponse {
  status: number;
  // Tests read many JSON shapes; narrowing each one would only add noise.
  body: any;
  headers: LightMyRequestResponse['headers'];
  text: string;
}

export function toApiResponse(response: LightMyRequestResponse): ApiResponse {
  let body: unknown = null;
  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('json') && response.body) body = JSON.parse(response.body);
  return { status: response.statusCode, body, headers: response.headers, text: response.body };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One inject call with an optional JSON body. */
export async function call(app: TestApp, method: Method, url: string, body?: unknown, headers: Record<string, string> = {}, extra: Partial<InjectOptions> = {}) {
  const response = await app.app.inject({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body),
    ...extra,
  });
  return toApiResponse(response);
}

export interface Client {
  loginName: string;
  cookie: string;
  csrf: string;
  /** The last login response (me, csrfToken) and its raw Set-Cookie header. */
  login: ApiResponse;
  request(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

export async function getCaptcha(app: TestApp, remoteAddress?: string): Promise<{ captchaId: string; answer: string }> {
  const response = await app.app.inject({ method: 'GET', url: '/api/auth/captcha', remoteAddress });
  const answer = response.headers['x-test-captcha-answer'];
  if (typeof answer !== 'string') throw new Error(response.statusCode === 200 ? 'captcha test hook is not enabled' : `captcha: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return { captchaId: (response.json() as { captchaId: string }).captchaId, answer };
}

/** Attempts a login with a fresh, correctly answered captcha. */
export async function attemptLogin(app: TestApp, loginName: string, password: string, remoteAddress?: string): Promise<ApiResponse> {
  const { captchaId, answer } = await getCaptcha(app, remoteAddress);
  return call(app, 'POST', '/api/auth/login', { loginName, password, captchaId, captchaAnswer: answer }, {}, { remoteAddress });
}

export function sessionCookie(response: ApiResponse): string | null {
  const raw = response.headers['set-cookie'];
  const cookies = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const sid = cookies.map((cookie) => /^sid=([^;]*)/.exec(cookie)).find((match) => match && match[1]);
  return sid ? sid[1]! : null;
}

/** A cookie session as a browser would hold it: every request sends the cookie and the CSRF token. */
export function clientFor(app: TestApp, loginName: string, cookie: string, csrf: string, login: ApiResponse): Client {
  const client: Client = {
    loginName,
    cookie,
    csrf,
    login,
    request: (method, url, body, headers = {}) => call(app, method, url, body, { cookie: `sid=${client.cookie}`, 'x-csrf-token': client.csrf, ...headers }),
  };
  return client;
}

export async function login(app: TestApp, loginName: string, password: string): Promise<Client> {
  const response = await attemptLogin(app, loginName, password);
  if (response.status !== 200) throw new Error(`login ${loginName} failed: ${response.status} ${response.text}`);
  const cookie = sessionCookie(response);
  if (!cookie) throw new Error('login set no session cookie');
  return clientFor(app, loginName, cookie, response.body.csrfToken as string, response);
}

export const loginAdmin = (app: TestApp) => login(app, 'admin', adminPassword);

/** Built-in role key → role id. */
export async function roleIds(admin: Client): Promise<Record<string, number>> {
  const response = await admin.request('GET', '/api/roles?pageSize=200');
  if (response.status !== 200) throw new Error(`list roles as ${admin.loginName}: ${response.status} ${response.text}`);
  return Object.fromEntries((response.body.items as { id: number; builtinKey: string | null }[]).filter((role) => role.builtinKey).map((role) => [role.builtinKey, role.id]));
}

export interface AccountSpec {
  loginName: string;
  orgId: number;
  /** Built-in role keys (looked up) or role ids. */
  roles: (string | number)[];
  salespersonId?: number;
  displayName?: string;
}

/** Creates an account through the API as admin and sets its password (mustChangePassword is then set: fine for API use). */
export async function createAccount(admin: Client, spec: AccountSpec, password = userPassword): Promise<number> {
  const known = await roleIds(admin);
  const ids = spec.roles.map((role) => (typeof role === 'number' ? role : known[role]));
  if (ids.some((id) => id === undefined)) throw new Error(`unknown role in ${spec.roles.join(',')}`);
  const created = await admin.request('POST', '/api/accounts', {
    loginName: spec.loginName,
    displayName: spec.displayName ?? `User ${spec.loginName}`,
    orgId: spec.orgId,
    roleIds: ids,
    salespersonId: spec.salespersonId ?? null,
  });
  if (created.status !== 201) throw new Error(`create account ${spec.loginName}: ${created.status} ${created.text}`);
  const reset = await admin.request('POST', `/api/accounts/${created.body.id}/reset-password`, { password });
  if (reset.status !== 200) throw new Error(`reset password ${spec.loginName}: ${reset.status} ${reset.text}`);
  return created.body.id as number;
}

/** Creates the account and signs it in. */
export async function accountClient(app: TestApp, admin: Client, spec: AccountSpec): Promise<Client> {
  await createAccount(admin, spec);
  return login(app, spec.loginName, userPassword);
}

/** Raw SQL through the app's own connection (the test schema on PostgreSQL). */
export async function rawRows<T = Record<string, unknown>>(app: TestApp, query: string): Promise<T[]> {
  const result = await sql.raw<T>(query).execute(app.services.database.db);
  return result.rows;
}

export async function countRows(app: TestApp, table: string, where = '1 = 1'): Promise<number> {
  const [row] = await rawRows<{ n: number | string }>(app, `select count(*) as n from ${table} where ${where}`);
  return Number(row!.n);
}

/** Every error body: JSON {code, message}, never a stack trace, a path or SQL. */
export function expectCleanError(response: ApiResponse): string | null {
  const problems: string[] = [];
  if (!String(response.headers['content-type'] ?? '').includes('application/json')) problems.push('not JSON');
  if (typeof response.body?.code !== 'string' || typeof response.body?.message !== 'string') problems.push('no code/message');
  if (/at .*:\d+:\d+|node_modules|SQLITE_|\/home\/|\/work\/|stack/i.test(response.text)) problems.push('leaks internals');
  if (response.status >= 500) problems.push(`status ${response.status}`);
  return problems.length ? `${response.status} ${problems.join(', ')}: ${response.text.slice(0, 200)}` : null;
}

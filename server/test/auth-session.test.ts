import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, adminPassword, attemptLogin, buildTestApp, call, countRows, login, loginAdmin, sessionCookie, userPassword } from './test-app.ts';

const minute = 60_000;

describe('sessions', () => {
  let app: TestApp;
  let clock: ManualClock;
  let admin: Client;
  let orgId: number;
  let counter = 0;
  /** A fresh signed-in account per test, so one test's session rules never touch another's. */
  const freshUser = () => accountClient(app, admin, { loginName: `session_user_${++counter}`, orgId, roles: ['salesperson'] });

  beforeAll(async () => {
    clock = new ManualClock();
    app = await buildTestApp({ clock });
    admin = await loginAdmin(app);
    orgId = await headOfficeId(admin);
  });
  afterAll(() => app.close());

  it('sets the session cookie HttpOnly, SameSite=Lax, on path / (not Secure over plain http)', async () => {
    const user = await freshUser();
    const raw = user.login.headers['set-cookie'];
    const cookie = String(Array.isArray(raw) ? raw[0] : raw);
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
  });

  it('issues a new session id and CSRF token on every login', async () => {
    const user = await freshUser();
    const again = await login(app, user.loginName, userPassword);
    expect(again.cookie).not.toBe(user.cookie);
    expect(again.csrf).not.toBe(user.csrf);
  });

  it('keeps one session per account: a second login ends the first with 401 SESSION_REPLACED', async () => {
    const first = await freshUser();
    expect((await first.request('GET', '/api/me')).status).toBe(200);
    const second = await login(app, first.loginName, userPassword);
    const replaced = await first.request('GET', '/api/me');
    expect(replaced.status).toBe(401);
    expect(replaced.body.code).toBe('SESSION_REPLACED');
    expect((await first.request('POST', '/api/organisations/query', {})).body.code).toBe('SESSION_REPLACED');
    expect((await second.request('GET', '/api/me')).status).toBe(200);
  });

  it('leaves exactly one valid session after parallel logins of one account', async () => {
    const user = await freshUser();
    const attempts = await Promise.all(Array.from({ length: 6 }, () => attemptLogin(app, user.loginName, userPassword)));
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(6).fill(200));
    const cookies = attempts.map((attempt) => sessionCookie(attempt)!);
    const statuses = await Promise.all(cookies.map(async (cookie) => (await call(app, 'GET', '/api/me', undefined, { cookie: `sid=${cookie}` })).status));
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect((await user.request('GET', '/api/me')).status).toBe(401);
  });

  it('answers requests without a session with 401 UNAUTHENTICATED', async () => {
    const response = await call(app, 'GET', '/api/customers');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
    expect((await call(app, 'GET', '/api/me', undefined, { cookie: 'sid=forged-session-token' })).status).toBe(401);
  });

  describe('CSRF', () => {
    const newOrg = () => ({ name: 'CSRF 测试', orgCode: `CSRF${++counter}`, type: 'branch', parentId: orgId });

    it('refuses a cookie-authenticated change without x-csrf-token with 403 CSRF, and changes nothing', async () => {
      const before = await countRows(app, 'organisations');
      const response = await call(app, 'POST', '/api/organisations', newOrg(), { cookie: `sid=${admin.cookie}` });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('CSRF');
      expect(await countRows(app, 'organisations')).toBe(before);
    });

    it('refuses a wrong x-csrf-token with 403 CSRF', async () => {
      const response = await admin.request('POST', '/api/organisations', newOrg(), { 'x-csrf-token': `${admin.csrf.slice(0, -1)}x` });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('CSRF');
      const other = await freshUser();
      expect((await admin.request('POST', '/api/organisations', newOrg(), { 'x-csrf-token': other.csrf })).body.code).toBe('CSRF');
    });

    it('refuses a foreign Origin even with the right token', async () => {
      const response = await admin.request('POST', '/api/organisations', newOrg(), { origin: 'https://evil.example', host: 'crm.example' });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('CSRF');
      expect((await admin.request('PATCH', '/api/me/settings', { theme: 'dark' }, { origin: 'null' })).status).toBe(403);
    });

    it('accepts the right token from the same origin', async () => {
      const response = await admin.request('POST', '/api/organisations', newOrg(), { origin: 'https://crm.example', host: 'crm.example' });
      expect(response.status).toBe(201);
    });

    it('does not ask for the token on reads', async () => {
      const response = await call(app, 'GET', '/api/me', undefined, { cookie: `sid=${admin.cookie}` });
      expect(response.status).toBe(200);
      expect(response.body.csrfToken).toBe(admin.csrf);
    });
  });

  it('ends the session on logout: the cookie is cleared and the old one gives 401', async () => {
    const user = await freshUser();
    const response = await user.request('POST', '/api/auth/logout');
    expect(response.status).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/^sid=;/);
    const after = await user.request('GET', '/api/me');
    expect(after.status).toBe(401);
    expect(['SESSION_EXPIRED', 'UNAUTHENTICATED']).toContain(after.body.code);
  });

  it('ends the session of an account an admin disables, and refuses its logins', async () => {
    const user = await freshUser();
    const me = (await user.request('GET', '/api/me')).body;
    const account = (await admin.request('GET', `/api/accounts/${me.id}`)).body;
    const disabled = await admin.request('PATCH', `/api/accounts/${me.id}`, { status: 'disabled', version: account.version });
    expect(disabled.status).toBe(200);
    const next = await user.request('GET', '/api/me');
    expect(next.status).toBe(401);
    const again = await attemptLogin(app, user.loginName, userPassword);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('ACCOUNT_DISABLED');
    // The session itself was ended, not merely refused while disabled: re-enabling does not revive it.
    await admin.request('PATCH', `/api/accounts/${me.id}`, { status: 'enabled', version: disabled.body.version });
    const revived = await user.request('GET', '/api/me');
    expect(revived.status).toBe(401);
    expect(revived.body.code).toBe('SESSION_EXPIRED');
  });

  it('ends the session of a deleted account', async () => {
    const user = await freshUser();
    const me = (await user.request('GET', '/api/me')).body;
    expect((await admin.request('DELETE', `/api/accounts/${me.id}`)).status).toBe(204);
    expect((await user.request('GET', '/api/me')).status).toBe(401);
  });

  it('applies a role change on the next request', async () => {
    const user = await freshUser();
    expect((await user.request('GET', '/api/customers')).status).toBe(200);
    const me = (await user.request('GET', '/api/me')).body;
    const account = (await admin.request('GET', `/api/accounts/${me.id}`)).body;
    const trainer = (await admin.request('POST', '/api/roles/query', { filters: { name: '培训专员' } })).body.items[0].id;
    expect((await admin.request('PATCH', `/api/accounts/${me.id}`, { roleIds: [trainer], version: account.version })).status).toBe(200);
    const response = await user.request('GET', '/api/customers');
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
  });
});

describe('session timeouts', () => {
  let app: TestApp;
  let clock: ManualClock;
  let idleUser: Client;
  let busyUser: Client;
  let signedInAt: Date;

  beforeAll(async () => {
    clock = new ManualClock();
    signedInAt = clock.now();
    app = await buildTestApp({ clock });
    const admin = await loginAdmin(app);
    const orgId = await headOfficeId(admin);
    idleUser = await accountClient(app, admin, { loginName: 'idle_user', orgId, roles: ['salesperson'] });
    busyUser = await accountClient(app, admin, { loginName: 'busy_user', orgId, roles: ['salesperson'] });
  });
  afterAll(() => app.close());

  it('expires a session idle for longer than SESSION_IDLE_MINUTES with 401 SESSION_EXPIRED', async () => {
    clock.advance(29 * minute);
    expect((await idleUser.request('GET', '/api/me')).status).toBe(200);
    expect((await busyUser.request('GET', '/api/me')).status).toBe(200);
    clock.advance(31 * minute);
    const response = await idleUser.request('GET', '/api/me');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SESSION_EXPIRED');
    expect((await idleUser.request('GET', '/api/me')).body.code).toBe('SESSION_EXPIRED');
  });

  it('expires an active session after SESSION_ABSOLUTE_HOURS with 401 SESSION_EXPIRED', async () => {
    const at = (minutes: number) => clock.set(new Date(signedInAt.getTime() + minutes * minute));
    for (let minutes = 40; minutes <= 700; minutes += 20) {
      at(minutes);
      expect((await busyUser.request('GET', '/api/me')).status).toBe(200);
    }
    at(12 * 60 - 1);
    expect((await busyUser.request('GET', '/api/me')).status).toBe(200);
    at(12 * 60 + 1);
    const response = await busyUser.request('GET', '/api/me');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SESSION_EXPIRED');
  });
});

describe('secure cookies', () => {
  it('names the cookie __Host-sid and marks it Secure when COOKIE_SECURE is on', async () => {
    const app = await buildTestApp({ env: { COOKIE_SECURE: 'true' } });
    try {
      const response = await attemptLogin(app, 'admin', adminPassword);
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-sid=/);
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('HttpOnly');
      expect(response.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, adminPassword, attemptLogin, buildTestApp, clientFor, login, loginAdmin, rawRows, userPassword } from './test-app.ts';

let app: TestApp;
let admin: Client;
let orgId: number;
let counter = 0;
const freshUser = () => accountClient(app, admin, { loginName: `pw_user_${++counter}`, orgId, roles: ['salesperson'], displayName: `Zhang Wei ${counter}` });

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  orgId = await headOfficeId(admin);
});
afterAll(() => app.close());

describe('changing one’s own password', () => {
  let user: Client;
  beforeAll(async () => {
    user = await freshUser();
  });

  it.each([
    ['too short', 'Short-1', 'password_too_short'],
    ['on the common-password list', 'password123', 'password_too_common'],
    ['a common password with capitals and symbols', 'P@ssw0rd!!', 'password_too_common'],
    ['one repeated character', 'aaaaaaaaaaaa', 'password_too_common'],
    ['containing the login name', 'my-{login}-secret', 'password_contains_context'],
    ['containing the display name', 'xx-{display}-yy', 'password_contains_context'],
    ['longer than 128 characters', 'k'.repeat(60) + 'Q'.repeat(69), 'password_too_long'],
  ])('refuses a new password %s with 400 and fields.newPassword', async (_label, template, reason) => {
    const newPassword = template.replace('{login}', user.loginName).replace('{display}', user.login.body.me.displayName.toLowerCase());
    const response = await user.request('POST', '/api/me/password', { currentPassword: userPassword, newPassword });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION');
    expect(response.body.reasons).toEqual({ newPassword: reason });
    expect(typeof response.body.fields.newPassword).toBe('string');
    expect((await user.request('GET', '/api/me')).status).toBe(200);
  });

  it('refuses a wrong current password with fields.currentPassword', async () => {
    const response = await user.request('POST', '/api/me/password', { currentPassword: 'not-my-password-1', newPassword: 'Another-Strong-Phrase-9' });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ currentPassword: 'wrong_password' });
    expect((await attemptLogin(app, user.loginName, 'Another-Strong-Phrase-9')).status).toBe(401);
  });

  it('changes the password on a fresh session: new cookie and CSRF token, the old session and old password stop working', async () => {
    const changer = await freshUser();
    const newPassword = 'Violet-Kettle-Orbit-42';
    const response = await changer.request('POST', '/api/me/password', { currentPassword: userPassword, newPassword });
    expect(response.status).toBe(200);
    expect(typeof response.body.csrfToken).toBe('string');
    expect(response.body.csrfToken).not.toBe(changer.csrf);
    const raw = response.headers['set-cookie'];
    const fresh = /^sid=([^;]+)/.exec(String(Array.isArray(raw) ? raw[0] : raw))?.[1];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(changer.cookie);

    expect((await changer.request('GET', '/api/me')).status).toBe(401);
    const continued = clientFor(app, changer.loginName, fresh!, response.body.csrfToken as string, response);
    const me = await continued.request('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.mustChangePassword).toBe(false);
    expect((await continued.request('PATCH', '/api/me/settings', { theme: 'dark' })).status).toBe(200);

    const old = await attemptLogin(app, changer.loginName, userPassword);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');
    expect((await attemptLogin(app, changer.loginName, newPassword)).status).toBe(200);
  });

  it('accepts a 64-character passphrase', async () => {
    const changer = await freshUser();
    const newPassword = 'correct horse battery staple and a long sentence of sixty-four!!';
    expect(newPassword.length).toBeGreaterThanOrEqual(64);
    expect((await changer.request('POST', '/api/me/password', { currentPassword: userPassword, newPassword })).status).toBe(200);
    expect((await attemptLogin(app, changer.loginName, newPassword)).status).toBe(200);
  });
});

describe('admin password reset', () => {
  it('returns a generated password once, sets mustChangePassword and ends the account’s session', async () => {
    const user = await freshUser();
    const me = (await user.request('GET', '/api/me')).body;
    const resetRows = `select changes from audit_logs where module = 'account' and record_id = ${me.id} and action = 'password_reset'`;
    const resetsBefore = (await rawRows(app, resetRows)).length;
    const reset = await admin.request('POST', `/api/accounts/${me.id}/reset-password`, {});
    expect(reset.status).toBe(200);
    const generated = reset.body.password as string;
    expect(generated.length).toBeGreaterThanOrEqual(16);
    expect((await user.request('GET', '/api/me')).status).toBe(401);

    const signedIn = await login(app, user.loginName, generated);
    expect(signedIn.login.body.me.mustChangePassword).toBe(true);
    expect((await signedIn.request('GET', '/api/me')).body.mustChangePassword).toBe(true);

    const account = await admin.request('GET', `/api/accounts/${me.id}`);
    expect(JSON.stringify(account.body)).not.toContain(generated);
    const audit = await rawRows<{ changes: string | null }>(app, resetRows);
    expect(audit).toHaveLength(resetsBefore + 1);
    expect(JSON.stringify(audit)).not.toContain(generated);
  });

  it('returns no password when the admin chose it', async () => {
    const user = await freshUser();
    const me = (await user.request('GET', '/api/me')).body;
    const reset = await admin.request('POST', `/api/accounts/${me.id}/reset-password`, { password: 'Chosen-By-Admin-2026' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({});
  });

  it('applies the password policy to a chosen password', async () => {
    const user = await freshUser();
    const me = (await user.request('GET', '/api/me')).body;
    const reset = await admin.request('POST', `/api/accounts/${me.id}/reset-password`, { password: '12345678' });
    expect(reset.status).toBe(400);
    expect(reset.body.reasons).toEqual({ password: 'password_too_short' });
  });

  it('is refused to an account without account:edit', async () => {
    const user = await freshUser();
    const response = await user.request('POST', `/api/accounts/1/reset-password`, {});
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
  });
});

describe('password storage', () => {
  it('stores scrypt hashes with a per-password salt, never the password', async () => {
    const rows = await rawRows<{ account_id: number; password_hash: string }>(app, 'select account_id, password_hash from account_credentials');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      expect(row.password_hash).not.toContain(userPassword);
      expect(row.password_hash).not.toContain(adminPassword);
    }
    const salts = rows.map((row) => row.password_hash.split('$')[4]);
    expect(new Set(salts).size).toBe(salts.length);
  });
});

describe('the 等保 composition switch (PASSWORD_REQUIRE_CLASSES, PASSWORD_MIN_LENGTH)', () => {
  let strict: TestApp;
  let strictAdmin: Client;
  let strictOrg: number;
  beforeAll(async () => {
    strict = await buildTestApp({ env: { PASSWORD_REQUIRE_CLASSES: 'true', PASSWORD_MIN_LENGTH: '12' } });
    strictAdmin = await loginAdmin(strict);
    strictOrg = await headOfficeId(strictAdmin);
  });
  afterAll(() => strict.close());

  it('asks for three character classes and the configured length, in self-service and admin resets', async () => {
    const user = await accountClient(strict, strictAdmin, { loginName: 'classes_user', orgId: strictOrg, roles: ['salesperson'] });
    const change = (newPassword: string) => user.request('POST', '/api/me/password', { currentPassword: userPassword, newPassword });
    const lowerOnly = await change('quietharbourlampshade');
    expect(lowerOnly.status).toBe(400);
    expect(lowerOnly.body.reasons).toEqual({ newPassword: 'password_needs_classes' });
    const short = await change('Quiet-Lamp7');
    expect(short.body.reasons).toEqual({ newPassword: 'password_too_short' });
    expect(short.body.fields.newPassword).toContain('12');
    const accounts = await strictAdmin.request('GET', '/api/accounts?pageSize=50');
    const id = (accounts.body.items as { id: number; loginName: string }[]).find((item) => item.loginName === 'classes_user')!.id;
    const reset = await strictAdmin.request('POST', `/api/accounts/${id}/reset-password`, { password: 'onlylowercaseletters' });
    expect(reset.body.reasons).toEqual({ password: 'password_needs_classes' });
    // A generated password always satisfies the policy.
    expect((await strictAdmin.request('POST', `/api/accounts/${id}/reset-password`, {})).status).toBe(200);
    expect((await change('Quiet-Harbour-Lamp-88')).status).toBe(401);
  });

  it('leaves classes off by default (ASVS): a long lower-case passphrase is fine', async () => {
    const user = await freshUser();
    const response = await user.request('POST', '/api/me/password', { currentPassword: userPassword, newPassword: 'quietharbourlampshade' });
    expect(response.status).toBe(200);
  });
});

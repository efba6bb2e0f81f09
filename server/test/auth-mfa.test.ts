import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { adminPassword, attemptLogin, buildTestApp, call, type Client, clientFor, countRows, createAccount, loginAdmin, sessionCookie, type TestApp, userPassword } from './test-app.ts';

let app: TestApp;
const clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
const codeAt = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

beforeAll(async () => {
  app = await buildTestApp({ clock, env: { MFA_REQUIRED_ROLES: 'admin' } });
});
afterAll(async () => {
  await app?.close();
});

/** Password step, then the TOTP step; returns a client holding the final session. */
async function loginWithCode(loginName: string, password: string, code: string): Promise<{ status: number; client: Client | null; body: unknown }> {
  const first = await attemptLogin(app, loginName, password);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ mfaRequired: true });
  expect(sessionCookie(first)).toBeNull();
  const second = await call(app, 'POST', '/api/auth/mfa', { mfaToken: first.body.mfaToken, code });
  const cookie = sessionCookie(second);
  return { status: second.status, body: second.body, client: cookie ? clientFor(app, loginName, cookie, second.body.csrfToken, second) : null };
}

describe('two-factor authentication (TOTP)', () => {
  let secret: string;
  let recoveryCodes: string[];

  it('keeps an admin without a second factor at the enrolment step', async () => {
    const admin = await loginAdmin(app);
    const me = await admin.request('GET', '/api/me');
    expect(me.body).toMatchObject({ mfaEnabled: false, mfaEnrollmentRequired: true });
    const blocked = await admin.request('GET', '/api/customers');
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('MFA_ENROLLMENT_REQUIRED');

    const setup = await admin.request('POST', '/api/me/mfa/setup');
    expect(setup.status).toBe(200);
    secret = setup.body.secret;
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.qrSvg).toContain('<svg');
    const wrong = await admin.request('POST', '/api/me/mfa/enable', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.reasons).toEqual({ code: 'wrong_mfa_code' });
    const enabled = await admin.request('POST', '/api/me/mfa/enable', { code: await codeAt(secret) });
    expect(enabled.status).toBe(200);
    recoveryCodes = enabled.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect((await admin.request('GET', '/api/customers')).status).toBe(200);
    const stored = await app.services.database.db.selectFrom('account_credentials').select(['mfa_secret_enc', 'mfa_recovery_codes']).executeTakeFirstOrThrow();
    expect(String(stored.mfa_secret_enc)).not.toContain(secret);
    expect(String(stored.mfa_recovery_codes)).not.toContain(recoveryCodes[0]);
  });

  it('asks for the code after the password and accepts each code once', async () => {
    clock.advance(60_000);
    const code = await codeAt(secret);
    const wrong = await loginWithCode('admin', adminPassword, code === '123456' ? '654321' : '123456');
    expect(wrong.status).toBe(401);
    expect(wrong.client).toBeNull();
    const ok = await loginWithCode('admin', adminPassword, code);
    expect(ok.status).toBe(200);
    expect((await ok.client!.request('GET', '/api/customers')).status).toBe(200);
    const replay = await loginWithCode('admin', adminPassword, code);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'MFA_INVALID' });
    clock.advance(30_000);
    expect((await loginWithCode('admin', adminPassword, await codeAt(secret))).status).toBe(200);
  });

  it('accepts a recovery code once, and the second step expires', async () => {
    const first = await attemptLogin(app, 'admin', adminPassword);
    const used = await call(app, 'POST', '/api/auth/mfa', { mfaToken: first.body.mfaToken, recoveryCode: recoveryCodes[0] });
    expect(used.status).toBe(200);
    const again = await attemptLogin(app, 'admin', adminPassword);
    expect((await call(app, 'POST', '/api/auth/mfa', { mfaToken: again.body.mfaToken, recoveryCode: recoveryCodes[0] })).status).toBe(401);
    const late = await attemptLogin(app, 'admin', adminPassword);
    clock.advance(6 * 60_000);
    expect((await call(app, 'POST', '/api/auth/mfa', { mfaToken: late.body.mfaToken, code: await codeAt(secret) })).status).toBe(401);
  });

  it('lets other users turn it off with their password, never an admin; admins reset it for others, logged', async () => {
    clock.advance(60_000);
    const admin = (await loginWithCode('admin', adminPassword, await codeAt(secret))).client!;
    expect((await admin.request('POST', '/api/me/mfa/disable', { password: adminPassword })).status).toBe(403);
    const head = (await admin.request('GET', '/api/organisations/tree')).body.items[0].id as number;
    const userId = await createAccount(admin, { loginName: 'analyst_mfa', orgId: head, roles: ['analyst'] });
    const userLogin = await attemptLogin(app, 'analyst_mfa', userPassword);
    const user = clientFor(app, 'analyst_mfa', sessionCookie(userLogin)!, userLogin.body.csrfToken, userLogin);
    const setup = await user.request('POST', '/api/me/mfa/setup');
    expect((await user.request('POST', '/api/me/mfa/enable', { code: await codeAt(setup.body.secret) })).status).toBe(200);
    expect((await attemptLogin(app, 'analyst_mfa', userPassword)).body.mfaRequired).toBe(true);
    expect((await admin.request('POST', `/api/accounts/${userId}/mfa/reset`)).status).toBe(204);
    expect(await countRows(app, 'audit_logs', `action = 'mfa_reset' and record_id = ${userId}`)).toBe(1);
    const plain = await attemptLogin(app, 'analyst_mfa', userPassword);
    expect(plain.body.mfaRequired).toBeUndefined();
    expect(sessionCookie(plain)).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { headOfficeId } from './factories.ts';
import { type Client, type TestApp, adminPassword, attemptLogin, buildTestApp, call, createAccount, getCaptcha, loginAdmin, rawRows, userPassword } from './test-app.ts';

const minute = 60_000;

async function outcomes(app: TestApp, loginName: string): Promise<string[]> {
  const rows = await rawRows<{ outcome: string }>(app, `select outcome from login_logs where login_name = '${loginName}' order by id`);
  return rows.map((row) => row.outcome);
}

const loginWith = (app: TestApp, body: Record<string, unknown>, remoteAddress?: string) => call(app, 'POST', '/api/auth/login', body, {}, { remoteAddress });

describe('login captcha', () => {
  let app: TestApp;
  let clock: ManualClock;
  let admin: Client;
  let orgId: number;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await buildTestApp({ clock });
    admin = await loginAdmin(app);
    orgId = await headOfficeId(admin);
    // Signing in as admin here would end the admin session (one session per account): use other accounts.
    await createAccount(admin, { loginName: 'captcha_user', orgId, roles: ['salesperson'] });
    await createAccount(admin, { loginName: 'captcha_count', orgId, roles: ['salesperson'] });
  });
  afterAll(() => app.close());

  it('accepts a solved captcha once and refuses its replay', async () => {
    const { captchaId, answer } = await getCaptcha(app);
    const body = { loginName: 'captcha_user', password: userPassword, captchaId, captchaAnswer: answer };
    expect((await loginWith(app, body)).status).toBe(200);
    const replay = await loginWith(app, body);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('CAPTCHA_INVALID');
  });

  it('refuses a captcha answered more than two minutes after it was issued', async () => {
    const { captchaId, answer } = await getCaptcha(app);
    clock.advance(2 * minute + 1000);
    const response = await loginWith(app, { loginName: 'captcha_user', password: userPassword, captchaId, captchaAnswer: answer });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('CAPTCHA_INVALID');
  });

  it('accepts a captcha answered just inside two minutes', async () => {
    const { captchaId, answer } = await getCaptcha(app);
    clock.advance(2 * minute - 5000);
    const response = await loginWith(app, { loginName: 'captcha_user', password: userPassword, captchaId, captchaAnswer: answer });
    expect(response.status).toBe(200);
  });

  it('refuses a wrong answer with 400 CAPTCHA_INVALID even when the password is right, and burns the captcha', async () => {
    const { captchaId, answer } = await getCaptcha(app);
    const wrong = await loginWith(app, { loginName: 'captcha_user', password: userPassword, captchaId, captchaAnswer: '#####' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('CAPTCHA_INVALID');
    const retry = await loginWith(app, { loginName: 'captcha_user', password: userPassword, captchaId, captchaAnswer: answer });
    expect(retry.body.code).toBe('CAPTCHA_INVALID');
  });

  it('does not count wrong captchas as password failures', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const { captchaId } = await getCaptcha(app);
      const response = await loginWith(app, { loginName: 'captcha_count', password: 'wrong-password-123', captchaId, captchaAnswer: '#####' });
      expect(response.body.code).toBe('CAPTCHA_INVALID');
    }
    expect((await attemptLogin(app, 'captcha_count', userPassword)).status).toBe(200);
    expect(await outcomes(app, 'captcha_count')).toEqual([...Array(6).fill('captcha_failed'), 'success']);
  });

  it('returns the captcha as an SVG image without storing its answer in plain text', async () => {
    const response = await app.app.inject({ method: 'GET', url: '/api/auth/captcha' });
    const answer = String(response.headers['x-test-captcha-answer']);
    expect(response.json().svg).toMatch(/^<svg/);
    expect(response.headers['cache-control']).toBe('no-store');
    const stored = await rawRows<{ value: string }>(app, `select value from kv where key = 'captcha:${response.json().captchaId}'`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).not.toContain(answer);
  });
});

describe('wrong credentials and lockout', () => {
  let app: TestApp;
  let clock: ManualClock;
  let admin: Client;
  let orgId: number;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await buildTestApp({ clock });
    admin = await loginAdmin(app);
    orgId = await headOfficeId(admin);
  });
  afterAll(() => app.close());

  it('answers a wrong password and an unknown login name with the same 401 INVALID_CREDENTIALS', async () => {
    await createAccount(admin, { loginName: 'known_user', orgId, roles: ['salesperson'] });
    const wrongPassword = await attemptLogin(app, 'known_user', 'not-the-password-1');
    const unknownUser = await attemptLogin(app, 'nobody_here', 'not-the-password-1');
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body.code).toBe('INVALID_CREDENTIALS');
    const { requestId: _a, ...first } = wrongPassword.body;
    const { requestId: _b, ...second } = unknownUser.body;
    expect(first).toEqual(second);
  });

  it('locks the account at the fifth consecutive failure, refuses the right password while locked and accepts it after the lock', async () => {
    await createAccount(admin, { loginName: 'lock_user', orgId, roles: ['salesperson'] });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await attemptLogin(app, 'lock_user', `wrong-password-${attempt}`);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await attemptLogin(app, 'lock_user', 'wrong-password-5');
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(fifth.headers['retry-after'])).toBe(15 * 60);

    const whileLocked = await attemptLogin(app, 'lock_user', userPassword);
    expect(whileLocked.status).toBe(423);
    expect(whileLocked.body.code).toBe('ACCOUNT_LOCKED');

    clock.advance(14 * minute);
    expect((await attemptLogin(app, 'lock_user', userPassword)).status).toBe(423);
    clock.advance(minute + 1000);
    const afterLock = await attemptLogin(app, 'lock_user', userPassword);
    expect(afterLock.status).toBe(200);

    expect(await outcomes(app, 'lock_user')).toEqual(['failed', 'failed', 'failed', 'failed', 'locked', 'locked_attempt', 'locked_attempt', 'success']);
  });

  it('counts consecutive failures only: a successful login starts the count again', async () => {
    await createAccount(admin, { loginName: 'reset_count', orgId, roles: ['salesperson'] });
    for (let attempt = 0; attempt < 4; attempt++) expect((await attemptLogin(app, 'reset_count', 'wrong-password-x')).status).toBe(401);
    expect((await attemptLogin(app, 'reset_count', userPassword)).status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt++) expect((await attemptLogin(app, 'reset_count', 'wrong-password-x')).status).toBe(401);
  });

  it('records every outcome with the login name, account, ip and user agent', async () => {
    await attemptLogin(app, 'nobody_logged', 'whatever-123');
    const [row] = await rawRows<Record<string, unknown>>(app, `select * from login_logs where login_name = 'nobody_logged'`);
    expect(row).toMatchObject({ outcome: 'failed', ip: '127.0.0.1', user_agent: 'lightMyRequest', detail: 'unknown login' });
    expect(row!.account_id).toBeNull();
    const success = await rawRows<Record<string, unknown>>(app, `select * from login_logs where login_name = 'lock_user' and outcome = 'success'`);
    expect(Number(success[0]!.account_id)).toBeGreaterThan(0);
  });

  it('never logs the submitted password', async () => {
    await attemptLogin(app, 'known_user', 'Canary-Password-9931');
    const rows = await rawRows(app, 'select * from login_logs');
    expect(JSON.stringify(rows)).not.toContain('Canary-Password-9931');
  });
});

describe('per-IP login rate limit', () => {
  let app: TestApp;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await buildTestApp({ clock, env: { LOGIN_IP_PER_MINUTE: '3' } });
  });
  afterAll(() => app.close());

  it('answers 429 RATE_LIMITED once an address exceeds its attempts per minute, whatever X-Forwarded-For says', async () => {
    const ip = '198.51.100.7';
    for (let attempt = 0; attempt < 3; attempt++) expect((await attemptLogin(app, 'admin', 'wrong-password-1', ip)).status).toBe(401);
    const limited = await attemptLogin(app, 'admin', adminPassword, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    const { captchaId, answer } = await getCaptcha(app, ip);
    const spoofed = await call(app, 'POST', '/api/auth/login', { loginName: 'admin', password: adminPassword, captchaId, captchaAnswer: answer }, { 'x-forwarded-for': '203.0.113.50' }, { remoteAddress: ip });
    expect(spoofed.status).toBe(429);

    expect((await attemptLogin(app, 'admin', adminPassword, '198.51.100.8')).status).toBe(200);
    const rows = await rawRows<{ outcome: string }>(app, `select outcome from login_logs where ip = '${ip}' order by id`);
    expect(rows.map((row) => row.outcome)).toEqual(['failed', 'failed', 'failed', 'rate_limited', 'rate_limited']);
  });

  it('lets the address try again after the minute has passed', async () => {
    clock.advance(minute + 1000);
    expect((await attemptLogin(app, 'admin', adminPassword, '198.51.100.7')).status).toBe(200);
  });
});

import type { FastifyRequest } from 'fastify';
import type { Services } from '../../entities/context.ts';
import { AppError } from '../errors.ts';
import { verifyCaptcha } from './captcha.ts';
import { dummyHashPromise, verifyPassword } from './password.ts';

export interface LoginInput {
  loginName: string;
  password: string;
  captchaId: string;
  captchaAnswer: string;
}

type Outcome = 'success' | 'failed' | 'captcha_failed' | 'locked' | 'locked_attempt' | 'rate_limited' | 'disabled';

export async function logLogin(services: Services, request: FastifyRequest, loginName: string, accountId: number | null, outcome: Outcome, detail?: string) {
  await services.database.db
    .insertInto('login_logs')
    .values({
      at: services.clock.now().toISOString(),
      login_name: loginName.slice(0, 40),
      account_id: accountId,
      ip: request.ip,
      user_agent: String(request.headers['user-agent'] ?? '').slice(0, 200),
      outcome,
      detail: detail ?? null,
    })
    .execute();
}

/**
 * Checks a sign-in attempt in the order SECURITY-TESTS §3 #7/#8 asks: per-IP rate, captcha (the password is
 * never checked when it fails), lock, password; the fifth consecutive failure locks the account.
 */
export async function authenticateLogin(services: Services, request: FastifyRequest, input: LoginInput): Promise<number> {
  const { config, kv, database } = services;
  const attempts = await kv.increment(`login-ip:${request.ip}`, 60_000);
  if (attempts > config.LOGIN_IP_PER_MINUTE) {
    await logLogin(services, request, input.loginName, null, 'rate_limited');
    throw new AppError('RATE_LIMITED', { retryAfterSeconds: 60 });
  }
  if (!(await verifyCaptcha(kv, input.captchaId, input.captchaAnswer))) {
    await logLogin(services, request, input.loginName, null, 'captcha_failed');
    throw new AppError('CAPTCHA_INVALID');
  }
  const account = await database.db
    .selectFrom('accounts')
    .leftJoin('account_credentials', 'account_credentials.account_id', 'accounts.id')
    .select(['accounts.id', 'accounts.status', 'account_credentials.password_hash'])
    .where('accounts.login_name', '=', input.loginName)
    .where('accounts.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!account?.password_hash) {
    await verifyPassword(input.password, await dummyHashPromise);
    await logLogin(services, request, input.loginName, account ? Number(account.id) : null, 'failed', account ? 'no password set' : 'unknown login');
    throw new AppError('INVALID_CREDENTIALS');
  }
  const accountId = Number(account.id);
  const lockedUntil = await kv.get(`login-lock:${accountId}`);
  if (lockedUntil) {
    await logLogin(services, request, input.loginName, accountId, 'locked_attempt');
    throw new AppError('ACCOUNT_LOCKED', { until: lockedUntil, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(lockedUntil) - services.clock.now().getTime()) / 1000)) });
  }
  if (!(await verifyPassword(input.password, String(account.password_hash)))) {
    const lockMs = config.LOGIN_LOCK_MINUTES * 60_000;
    const failures = await kv.increment(`login-failures:${accountId}`, lockMs);
    if (failures >= config.LOGIN_MAX_FAILURES) {
      const until = new Date(services.clock.now().getTime() + lockMs).toISOString();
      await kv.set(`login-lock:${accountId}`, until, lockMs);
      await kv.delete(`login-failures:${accountId}`);
      await logLogin(services, request, input.loginName, accountId, 'locked', `after ${failures} failures`);
      throw new AppError('ACCOUNT_LOCKED', { until, retryAfterSeconds: config.LOGIN_LOCK_MINUTES * 60 });
    }
    await logLogin(services, request, input.loginName, accountId, 'failed', 'wrong password');
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (account.status !== 'enabled') {
    await logLogin(services, request, input.loginName, accountId, 'disabled');
    throw new AppError('ACCOUNT_DISABLED');
  }
  await kv.delete(`login-failures:${accountId}`);
  return accountId;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { audit } from '../../entities/write.ts';
import { loadActor, type Actor } from '../access/actor.ts';
import { AppError, fieldError } from '../errors.ts';
import { inTransaction, noContent, parseInput, requireActor } from '../http.ts';
import { randomBytes } from 'node:crypto';
import { issueCaptcha } from './captcha.ts';
import { consumeRecoveryCode, consumeTotp, mfaRequiredFor, mfaState } from './mfa.ts';
import { sessionCookieName, isSecureRequest } from './authenticate.ts';
import { authenticateLogin, logLogin } from './login.ts';
import { checkPasswordPolicy, hashPassword, passwordPolicyFrom, verifyPassword } from './password.ts';

export interface AuthOptions {
  /** Test harness only: the captcha answer is sent back in a header. buildApp never sets it from configuration. */
  exposeCaptchaAnswer?: boolean;
}

const loginBody = z.strictObject({
  loginName: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(128),
  captchaId: z.string().min(1).max(64),
  captchaAnswer: z.string().trim().min(1).max(10),
});
const mfaChallengeTtlMs = 5 * 60 * 1000;
const mfaBody = z
  .strictObject({ mfaToken: z.string().min(10).max(64), code: z.string().regex(/^\d{6}$/).optional(), recoveryCode: z.string().trim().min(6).max(20).optional() })
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), { error: 'required', path: ['code'] });
const settingsBody = z.strictObject({ locale: z.enum(['zh-CN', 'en-US']).optional(), theme: z.enum(['light', 'dark']).optional() });
const passwordBody = z.strictObject({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(256) });

export async function describeMe(services: Services, actor: Actor, csrfToken: string | null) {
  const credentials = await services.database.db
    .selectFrom('account_credentials')
    .select('must_change')
    .where('account_id', '=', actor.accountId)
    .executeTakeFirst();
  return {
    id: actor.accountId,
    loginName: actor.loginName,
    displayName: actor.displayName,
    orgId: actor.orgId,
    salespersonId: actor.salespersonId,
    roles: actor.roles,
    permissions: [...actor.permissions].sort(),
    dataScope: actor.dataScope,
    locale: actor.locale,
    theme: actor.theme,
    mustChangePassword: credentials?.must_change === true || credentials?.must_change === 1,
    mfaEnabled: actor.mfaEnabled,
    mfaEnrollmentRequired: !actor.mfaEnabled && mfaRequiredFor(actor.roles.map((role) => role.builtinKey), services.config.MFA_REQUIRED_ROLES),
    csrfToken,
  };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, services: Services, token: string) {
  const secure = isSecureRequest(request, services.config.COOKIE_SECURE);
  reply.setCookie(sessionCookieName(secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: services.config.SESSION_ABSOLUTE_HOURS * 3600,
  });
}

export function registerAuthRoutes(app: FastifyInstance, services: Services, options: AuthOptions): void {
  app.get('/api/auth/captcha', { schema: { tags: ['auth'], summary: 'A new one-time image captcha' } }, async (_request, reply) => {
    const captcha = await issueCaptcha(services.kv);
    reply.header('cache-control', 'no-store');
    if (options.exposeCaptchaAnswer) reply.header('x-test-captcha-answer', captcha.answer);
    return { captchaId: captcha.captchaId, svg: captcha.svg };
  });

  /** Second step of a sign-in: the session is created only here, after the factors all passed. */
  async function startSession(request: FastifyRequest, reply: FastifyReply, accountId: number, loginName: string) {
    const { token, session } = await services.sessions.create(accountId, request.ip);
    await services.database.db.updateTable('accounts').set({ last_login_at: services.clock.now().toISOString() }).where('id', '=', accountId).execute();
    await logLogin(services, request, loginName, accountId, 'success');
    const actor = await loadActor(services.database.db, accountId, 'session');
    if (!actor) throw new AppError('ACCOUNT_DISABLED');
    setSessionCookie(request, reply, services, token);
    return { me: await describeMe(services, actor, session.csrfToken), csrfToken: session.csrfToken };
  }

  app.post('/api/auth/login', { schema: { tags: ['auth'], summary: 'Sign in with login name, password and captcha' } }, async (request, reply) => {
    const input = parseInput(loginBody, request.body);
    const accountId = await authenticateLogin(services, request, input);
    if ((await mfaState(services, accountId)).enabled) {
      // Password and captcha passed; no session until the second factor does (captcha is not a factor).
      const mfaToken = randomBytes(24).toString('base64url');
      await services.kv.set(`mfa-challenge:${mfaToken}`, JSON.stringify({ accountId, loginName: input.loginName, attempts: 0 }), mfaChallengeTtlMs);
      return { mfaRequired: true, mfaToken };
    }
    return startSession(request, reply, accountId, input.loginName);
  });

  app.post('/api/auth/mfa', { schema: { tags: ['auth'], summary: 'Second sign-in step: a TOTP code or a recovery code' } }, async (request, reply) => {
    const input = parseInput(mfaBody, request.body);
    const raw = await services.kv.get(`mfa-challenge:${input.mfaToken}`);
    if (!raw) throw new AppError('MFA_INVALID');
    const challenge = JSON.parse(raw) as { accountId: number; loginName: string; attempts: number };
    const passed = input.code ? await consumeTotp(services, challenge.accountId, input.code) : await consumeRecoveryCode(services, challenge.accountId, input.recoveryCode ?? '');
    if (!passed) {
      await logLogin(services, request, challenge.loginName, challenge.accountId, 'failed', 'wrong second factor');
      // A few tries per password step; then the whole sign-in starts again (and failures count toward the lock).
      await services.kv.increment(`login-failures:${challenge.accountId}`, services.config.LOGIN_LOCK_MINUTES * 60_000);
      if (challenge.attempts + 1 >= 5) await services.kv.delete(`mfa-challenge:${input.mfaToken}`);
      else await services.kv.set(`mfa-challenge:${input.mfaToken}`, JSON.stringify({ ...challenge, attempts: challenge.attempts + 1 }), mfaChallengeTtlMs);
      throw new AppError('MFA_INVALID');
    }
    await services.kv.delete(`mfa-challenge:${input.mfaToken}`);
    return startSession(request, reply, challenge.accountId, challenge.loginName);
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this session' } }, async (request, reply) => {
    requireActor(request);
    if (request.sessionToken) await services.sessions.logout(request.sessionToken);
    reply.clearCookie(sessionCookieName(isSecureRequest(request, services.config.COOKIE_SECURE)), { path: '/' });
    return noContent(reply);
  });

  app.get('/api/me', { schema: { tags: ['auth'], summary: 'The signed-in account, its permissions and settings' } }, async (request) =>
    describeMe(services, requireActor(request), request.csrfToken),
  );

  app.patch('/api/me/settings', { schema: { tags: ['auth'], summary: 'Language and theme of the signed-in account' } }, async (request) => {
    const actor = requireActor(request);
    const input = parseInput(settingsBody, request.body);
    const values = { locale: input.locale ?? actor.locale, theme: input.theme ?? actor.theme };
    await services.database.db
      .insertInto('account_settings')
      .values({ account_id: actor.accountId, ...values })
      .onConflict((conflict) => conflict.column('account_id').doUpdateSet(values))
      .execute();
    return describeMe(services, { ...actor, ...values }, request.csrfToken);
  });

  app.post('/api/me/password', { schema: { tags: ['auth'], summary: 'Change the signed-in account password' } }, async (request, reply) => {
    const actor = requireActor(request);
    const input = parseInput(passwordBody, request.body);
    const row = await services.database.db.selectFrom('account_credentials').select('password_hash').where('account_id', '=', actor.accountId).executeTakeFirst();
    if (!row || !(await verifyPassword(input.currentPassword, String(row.password_hash)))) throw fieldError('currentPassword', 'wrong_password');
    const policy = passwordPolicyFrom(services.config);
    const problem = checkPasswordPolicy(input.newPassword, [actor.loginName, actor.displayName], policy);
    if (problem) throw fieldError('newPassword', problem, { min: policy.minLength });
    const hash = await hashPassword(input.newPassword);
    await inTransaction(request, services, async (ctx) => {
      await ctx.trx
        .updateTable('account_credentials')
        .set({ password_hash: hash, must_change: ctx.services.database.dialect === 'postgres' ? false : 0, changed_at: ctx.now.toISOString() })
        .where('account_id', '=', actor.accountId)
        .execute();
      await audit(ctx, 'account', actor.accountId, 'password_change', null);
    });
    // A password change ends every session of the account; the caller continues on a fresh one.
    await services.sessions.endAllFor(actor.accountId);
    if (actor.via === 'session') {
      const { token, session } = await services.sessions.create(actor.accountId, request.ip);
      setSessionCookie(request, reply, services, token);
      reply.header('x-csrf-token', session.csrfToken);
      return { csrfToken: session.csrfToken };
    }
    return { csrfToken: null };
  });
}

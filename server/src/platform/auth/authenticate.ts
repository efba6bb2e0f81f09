import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DB } from '../../db/database.ts';
import { reusableQuery } from '../../db/reusable-query.ts';
import type { Services } from '../../entities/context.ts';
import { loadActor } from '../access/actor.ts';
import { AppError } from '../errors.ts';
import { localeFrom } from '../i18n.ts';
import { csrfMatches, hashApiToken } from './session.ts';
import { mfaRequiredFor } from './mfa.ts';

export const sessionCookieName = (secure: boolean) => (secure ? '__Host-sid' : 'sid');
const publicPaths = new Set(['/api/auth/captcha', '/api/auth/login', '/api/auth/mfa']);
/** What a session may reach before its required second factor is set up. */
const mfaEnrollmentPaths = new Set(['/api/me', '/api/me/mfa/setup', '/api/me/mfa/enable', '/api/me/password', '/api/me/settings', '/api/auth/logout']);
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const tokenTouchIntervalMs = 60_000;

export const isSecureRequest = (request: FastifyRequest, forced: boolean | undefined) => forced ?? request.protocol === 'https';

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** Shared-state failures (Redis away) must never let a request through unauthenticated. */
async function failClosed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('UNAVAILABLE');
  }
}

const tokenQuery = reusableQuery((db: DB, tokenHash: string) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash));

async function fromBearer(request: FastifyRequest, services: Services, token: string) {
  const { db } = services.database;
  const [row] = await tokenQuery(db, hashApiToken(token));
  const now = services.clock.now();
  if (!row || row.revoked_at || new Date(String(row.expires_at)) <= now) throw new AppError('UNAUTHENTICATED');
  const actor = await loadActor(db, Number(row.account_id), 'token');
  if (!actor) throw new AppError('UNAUTHENTICATED');
  if (!row.last_used_at || now.getTime() - new Date(String(row.last_used_at)).getTime() > tokenTouchIntervalMs) {
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id as number).execute();
  }
  return actor;
}

/**
 * Resolves the caller of every /api request: a session cookie (with CSRF check on state changes) or an API
 * token (`Authorization: Bearer`, no captcha and no CSRF, same permissions and scope as its account).
 */
export function registerAuthentication(app: FastifyInstance, services: Services): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('actorLocale', null);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    // /api/public/: the one-time survey answer pages, reached by customers without an account; gateway receipts
    // carry their own shared token (checked by the route), never a session.
    if (!path.startsWith('/api/') || publicPaths.has(path) || path.startsWith('/api/public/') || path.startsWith('/api/sms/receipts/')) return;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const actor = await failClosed(() => fromBearer(request, services, authorization.slice(7).trim()));
      // An integration states its language per request; the account's saved language is a person's screen choice.
      const asked = request.headers['accept-language'];
      request.actor = asked ? { ...actor, locale: localeFrom(asked) } : actor;
      request.actorLocale = request.actor.locale;
      return;
    }
    const secure = isSecureRequest(request, services.config.COOKIE_SECURE);
    const token = request.cookies[sessionCookieName(secure)];
    if (!token) return;
    const session = await failClosed(() => services.sessions.resolve(token));
    const actor = await failClosed(() => loadActor(services.database.db, session.accountId, 'session'));
    if (!actor) {
      await failClosed(() => services.sessions.logout(token));
      throw new AppError('ACCOUNT_DISABLED');
    }
    if (!safeMethods.has(request.method)) {
      const origin = request.headers.origin;
      const host = request.headers.host;
      const sameOrigin = !origin || (host !== undefined && originHost(origin) === host);
      if (!sameOrigin || !csrfMatches(session.csrfToken, request.headers['x-csrf-token'] as string | undefined)) throw new AppError('CSRF');
    }
    if (!actor.mfaEnabled && !mfaEnrollmentPaths.has(path) && mfaRequiredFor(actor.roles.map((role) => role.builtinKey), services.config.MFA_REQUIRED_ROLES)) {
      throw new AppError('MFA_ENROLLMENT_REQUIRED');
    }
    request.actor = actor;
    request.sessionToken = token;
    request.csrfToken = session.csrfToken;
    request.actorLocale = actor.locale;
  });
}

import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { loadRow } from '../../entities/read.ts';
import { audit } from '../../entities/write.ts';
import { AppError, fieldError } from '../errors.ts';
import { inTransaction, noContent, parseInput, requireActor, requirePermission } from '../http.ts';
import { consumeTotp, mfaRequiredFor, mfaState, newEnrolment, newRecoveryCodes } from './mfa.ts';
import { verifyPassword } from './password.ts';

const enableBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, { error: 'invalid_format' }) });
const disableBody = z.strictObject({ password: z.string().min(1).max(128) });
const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** TOTP enrolment for the signed-in user, and an admin's reset of someone else's second factor. */
export function registerMfaRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/me/mfa/setup', { schema: { tags: ['auth'], summary: 'Start authenticator enrolment: secret, otpauth URI and QR code' } }, async (request) => {
    const actor = requireActor(request);
    if (actor.mfaEnabled) throw new AppError('DUPLICATE', { reason: 'mfa_already_enabled' });
    return newEnrolment(services, actor.accountId, actor.loginName);
  });

  app.post('/api/me/mfa/enable', { schema: { tags: ['auth'], summary: 'Confirm enrolment with a first code; returns recovery codes once' } }, async (request) => {
    const actor = requireActor(request);
    const { code } = parseInput(enableBody, request.body);
    const state = await mfaState(services, actor.accountId);
    if (state.enabled || !state.secret) throw new AppError('INVALID_TRANSITION', { status: state.enabled ? 'enabled' : 'not_started', action: 'enable', allowed: [] });
    if (!(await consumeTotp(services, actor.accountId, code))) throw fieldError('code', 'wrong_mfa_code');
    const { codes, hashes } = newRecoveryCodes();
    await inTransaction(request, services, async (ctx) => {
      await ctx.trx
        .updateTable('account_credentials')
        .set({ mfa_enabled: services.database.dialect === 'postgres' ? true : 1, mfa_recovery_codes: JSON.stringify(hashes) })
        .where('account_id', '=', actor.accountId)
        .execute();
      await audit(ctx, 'account', actor.accountId, 'mfa_enable', null);
    });
    return { recoveryCodes: codes };
  });

  app.post('/api/me/mfa/disable', { schema: { tags: ['auth'], summary: 'Turn the second factor off (not allowed for roles that require it)' } }, async (request, reply) => {
    const actor = requireActor(request);
    const { password } = parseInput(disableBody, request.body);
    if (mfaRequiredFor(actor.roles.map((role) => role.builtinKey), services.config.MFA_REQUIRED_ROLES)) throw new AppError('FORBIDDEN', { reason: 'mfa_required_for_role' });
    const row = await services.database.db.selectFrom('account_credentials').select('password_hash').where('account_id', '=', actor.accountId).executeTakeFirst();
    if (!row || !(await verifyPassword(password, String(row.password_hash)))) throw fieldError('password', 'wrong_password');
    await resetMfa(request, services, actor.accountId, 'mfa_disable');
    return noContent(reply);
  });

  app.post('/api/accounts/:id/mfa/reset', { schema: { tags: ['account'], summary: "Reset a user's second factor (they enrol again at next sign-in)" } }, async (request, reply) => {
    requirePermission(request, 'account:edit');
    const { id } = parseInput(idParams, request.params);
    await loadRow(services.database.db, getEntity('account'), request.actor!, id);
    await resetMfa(request, services, id, 'mfa_reset');
    await services.sessions.endAllFor(id);
    return noContent(reply);
  });
}

async function resetMfa(request: Parameters<typeof inTransaction>[0], services: Services, accountId: number, action: string) {
  await inTransaction(request, services, async (ctx) => {
    await ctx.trx
      .updateTable('account_credentials')
      .set({ mfa_enabled: services.database.dialect === 'postgres' ? false : 0, mfa_secret_enc: null, mfa_last_step: null, mfa_recovery_codes: null })
      .where('account_id', '=', accountId)
      .execute();
    await audit(ctx, 'account', accountId, action, null);
  });
}

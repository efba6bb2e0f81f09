import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { loadRow } from '../../entities/read.ts';
import { audit } from '../../entities/write.ts';
import { fieldError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { checkPasswordPolicy, generatePassword, hashPassword, passwordPolicyFrom } from '../../platform/auth/password.ts';
import { setPassword } from './credentials.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const resetBody = z.strictObject({ password: z.string().min(1).max(256).optional() });

export function registerAccountRoutes(app: FastifyInstance, services: Services): void {
  const account = getEntity('account');
  app.post('/api/accounts/:id/reset-password', { schema: { tags: ['account'], summary: "Set a user's password (they must change it at next sign-in)" } }, async (request) => {
    requirePermission(request, 'account:edit');
    const { id } = parseInput(idParams, request.params);
    const { password } = parseInput(resetBody, request.body);
    const result = await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, account, ctx.actor, id);
      const chosen = password ?? generatePassword();
      const policy = passwordPolicyFrom(ctx.services.config);
      const problem = checkPasswordPolicy(chosen, [String(row.login_name), String(row.display_name)], policy);
      if (problem) throw fieldError('password', problem, { min: policy.minLength });
      await setPassword(ctx.trx, ctx.services.database.dialect, id, await hashPassword(chosen), true, ctx.now);
      await audit(ctx, 'account', id, 'password_reset', null);
      return password ? {} : { password: chosen };
    });
    await services.sessions.endAllFor(id);
    return result;
  });
}

import { randomBytes } from 'node:crypto';
import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { loadRow } from '../../entities/read.ts';
import { audit } from '../../entities/write.ts';
import { hashApiToken } from '../../platform/auth/session.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import { inTransaction, noContent, parseInput, requirePermission } from '../../platform/http.ts';
import { isValidIsoDate } from '@insure/model/validators';

const createBody = z.strictObject({
  accountId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  name: z.string().trim().min(1).max(60),
  expiresAt: z.string().refine(isValidIsoDate, { error: 'invalid_date' }),
});
const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Creates a token for an account; only its SHA-256 is stored, the token itself is returned once. */
export async function createApiToken(ctx: Parameters<Parameters<typeof inTransaction>[2]>[0], accountId: number, name: string, expiresAt: Date) {
  const token = `ipt_${randomBytes(32).toString('base64url')}`;
  const row = await ctx.trx
    .insertInto('api_tokens')
    .values({
      account_id: accountId,
      name,
      token_hash: hashApiToken(token),
      prefix: token.slice(0, 8),
      expires_at: expiresAt.toISOString(),
      created_by: ctx.actor.accountId,
      created_at: ctx.now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(ctx, 'apiToken', Number(row.id), 'create', { name: { after: name }, accountId: { after: accountId } });
  return { id: Number(row.id), token };
}

export function registerApiTokenRoutes(app: FastifyInstance, services: Services): void {
  const account = getEntity('account');
  app.get('/api/api-tokens', { schema: { tags: ['apiToken'], summary: 'API tokens (never the tokens themselves)' } }, async (request) => {
    requirePermission(request, 'apiToken:view');
    const rows = await services.database.db
      .selectFrom('api_tokens')
      .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
      .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.prefix', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'api_tokens.created_at', 'accounts.login_name', 'accounts.id as account_id'])
      .orderBy('api_tokens.id', 'desc')
      .limit(500)
      .execute();
    return {
      items: rows.map((row) => ({
        id: Number(row.id),
        name: row.name,
        prefix: row.prefix,
        accountId: Number(row.account_id),
        loginName: row.login_name,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        lastUsedAt: row.last_used_at,
        createdAt: row.created_at,
      })),
    };
  });

  app.post('/api/api-tokens', { schema: { tags: ['apiToken'], summary: 'Create a token for an account (shown once)' } }, async (request, reply) => {
    requirePermission(request, 'apiToken:create');
    const input = parseInput(createBody, request.body);
    const expiresAt = new Date(`${input.expiresAt}T23:59:59.999Z`);
    if (expiresAt <= services.clock.now()) throw fieldError('expiresAt', 'too_small', { min: services.clock.now().toISOString().slice(0, 10) });
    const created = await inTransaction(request, services, async (ctx) => {
      await loadRow(ctx.trx, account, ctx.actor, input.accountId).catch(() => {
        throw new AppError('INVALID_REFERENCE', {}, { accountId: { reason: 'reference_unavailable' } });
      });
      return createApiToken(ctx, input.accountId, input.name, expiresAt);
    });
    reply.code(201);
    return created;
  });

  app.delete('/api/api-tokens/:id', { schema: { tags: ['apiToken'], summary: 'Revoke a token' } }, async (request, reply) => {
    requirePermission(request, 'apiToken:delete');
    const { id } = parseInput(idParams, request.params);
    await inTransaction(request, services, async (ctx) => {
      const result = await ctx.trx.updateTable('api_tokens').set({ revoked_at: ctx.now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('NOT_FOUND');
      await audit(ctx, 'apiToken', id, 'revoke', null);
    });
    return noContent(reply);
  });
}

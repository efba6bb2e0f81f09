import { entities, findEntityByPlural } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { scopePredicate } from '../platform/access/data-scope.ts';
import { AppError } from '../platform/errors.ts';
import { inTransaction, noContent, parseInput, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import type { Services } from './context.ts';
import { dependents } from './read.ts';
import { rowToRecord } from './row-mapper.ts';
import { audit } from './write.ts';

const plurals = entities.map((entity) => entity.plural) as [string, ...string[]];
const listBody = z.strictObject({
  module: z.enum(plurals),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
});
const purgeParams = z.strictObject({ module: z.enum(plurals), id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/**
 * The recycle bin: soft-deleted rows per module (restore goes through POST /api/<plural>/:id/restore),
 * and purge, which refuses while other records still point at the row and says which.
 */
export function registerRecycleBinRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/recycle-bin/query', { schema: { tags: ['recycleBin'], summary: 'Deleted records of one module', body: docSchema(listBody) } }, async (request) => {
    const actor = requirePermission(request, 'recycleBin:view');
    const input = parseInput(listBody, request.body);
    const entity = findEntityByPlural(input.module)!;
    const base = services.database.db.selectFrom(entity.table).where('deleted_at', 'is not', null).where(scopePredicate(entity, actor));
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('deleted_at', 'desc').orderBy('id', 'desc').limit(input.pageSize).offset((input.page - 1) * input.pageSize).execute(),
      base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((row) => rowToRecord(entity, row)), total: Number(count.total), page: input.page, pageSize: input.pageSize };
  });

  app.delete('/api/recycle-bin/:module/:id', { schema: { tags: ['recycleBin'], summary: 'Remove a deleted record for good' } }, async (request, reply) => {
    const actor = requirePermission(request, 'recycleBin:delete');
    const { module, id } = parseInput(purgeParams, request.params);
    const entity = findEntityByPlural(module)!;
    await inTransaction(request, services, async (ctx) => {
      const row = await ctx.trx
        .selectFrom(entity.table)
        .select(['id', 'code'])
        .where('id', '=', id)
        .where('deleted_at', 'is not', null)
        .where(scopePredicate(entity, actor))
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND');
      const users = await dependents(ctx.trx, entities, entity, id, { includeDeleted: true });
      if (users.length) throw new AppError('IN_USE', { dependents: users });
      await ctx.trx.deleteFrom(entity.table).where('id', '=', id).execute();
      await audit(ctx, entity.name, id, 'purge', { code: { before: row.code } });
    });
    return noContent(reply);
  });
}

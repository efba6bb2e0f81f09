import { flatToListQuery, listQuerySchema, type ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../platform/access/actor.ts';
import { AppError } from '../platform/errors.ts';
import { localeFrom } from '../platform/i18n.ts';
import { inTransaction, parseInput, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import type { Services, WriteContext } from './context.ts';
import { csvStream, exportColumns, exportableColumnNames, exportRecords, xlsxStream } from './export.ts';
import { customDefinitionsForQuery, scopedRows } from './read.ts';
import { listPredicate } from './filters.ts';
import { customFieldsFor } from './custom-fields.ts';
import { audit } from './write.ts';

type QuerySchema = z.ZodType<ListQuery>;
export type ExportFormat = 'csv' | 'xlsx';

/** What an export asks for, shared by the export routes and export requests (validated per entity). */
export function exportInputSchema(entity: Entity) {
  const columnNames = exportableColumnNames(entity) as [string, ...string[]];
  const column = entity.customFields ? z.union([z.enum(columnNames), z.string().regex(/^custom\.[a-z][a-zA-Z0-9]{0,29}$/)]) : z.enum(columnNames);
  return z.strictObject({
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
    columns: z.array(column).max(200).optional(),
    q: z.string().trim().max(100).optional(),
    filters: z.record(z.string(), z.unknown()).default({}),
  });
}

/** Rows the export of this filter would hold for the actor (data scope applied). */
export async function countExportRows(services: Services, entity: Entity, actor: Actor, query: ListQuery): Promise<number> {
  const { db, dialect } = services.database;
  const where = listPredicate(entity, query, services.cipher, dialect, await customDefinitionsForQuery(services, entity, query), services.database.keywordMode);
  const row = await scopedRows(db, entity, actor).where(where).select(sql<number>`count(*)`.as('rows')).executeTakeFirstOrThrow();
  return Number(row.rows);
}

/** Streams the export and writes it to the operation log (with the approval that allowed it, if any). */
export async function streamExport(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  entity: Entity,
  actor: Actor,
  choice: { format: ExportFormat; columns?: string[]; query: ListQuery; approvalId?: number; claim?: (ctx: WriteContext) => Promise<void> },
) {
  const { format, columns, query } = choice;
  await inTransaction(request, services, async (ctx) => {
    await choice.claim?.(ctx);
    await audit(ctx, entity.name, null, 'export', { format, q: query.q ?? null, filters: query.filters, ...(choice.approvalId ? { approvalId: choice.approvalId } : {}) });
  });
  const locale = localeFrom(request.headers['accept-language'], actor.locale);
  const selected = exportColumns(entity, columns, locale, await customFieldsFor(services.database.db, entity));
  const batches = exportRecords(services, entity, actor, query);
  const stamp = services.clock.now().toISOString().slice(0, 10);
  const fileName = `${entity.plural}-${stamp}.${format}`;
  reply.header('content-disposition', `attachment; filename="${fileName}"`);
  if (format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    return reply.send(csvStream(selected, batches));
  }
  reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  return reply.send(xlsxStream(entity.label[locale === 'en-US' ? 'en' : 'zh'], selected, batches, (error) => request.log.error({ err: error }, 'export failed')));
}

/** GET (flat filters, for download links) and POST (filters in the body) exports of the current filter, all pages. */
export function registerExportRoutes(app: FastifyInstance, services: Services, entity: Entity, querySchema: z.ZodType) {
  const base = `/api/${entity.plural}`;
  const body = exportInputSchema(entity);
  const options = body.pick({ format: true, columns: true });
  const limit = services.config.EXPORT_APPROVAL_ROWS;

  const send = async (request: FastifyRequest, reply: FastifyReply, format: ExportFormat, columns: string[] | undefined, query: ListQuery) => {
    const actor = requirePermission(request, `${entity.name}:export`);
    if (limit > 0) {
      const rows = await countExportRows(services, entity, actor, query);
      if (rows > limit) throw new AppError('EXPORT_APPROVAL_REQUIRED', { rows, limit });
    }
    return streamExport(request, reply, services, entity, actor, { format, columns, query });
  };

  app.get(`${base}/export`, { schema: { tags: [entity.name], summary: `Export ${entity.label.en} (xlsx or csv, all pages of the filter)` } }, async (request, reply) => {
    requirePermission(request, `${entity.name}:export`);
    const { format, columns, ...flat } = request.query as Record<string, unknown>;
    const chosen = parseInput(options, { format, columns: typeof columns === 'string' ? columns.split(',') : columns });
    const query = parseInput(querySchema as QuerySchema, flatToListQuery(entity, flat));
    return send(request, reply, chosen.format, chosen.columns, query);
  });

  app.post(`${base}/export`, { schema: { tags: [entity.name], summary: `Export ${entity.label.en} with filters in the body`, body: docSchema(body) } }, async (request, reply) => {
    requirePermission(request, `${entity.name}:export`);
    const input = parseInput(body, request.body);
    const query = parseInput(querySchema as QuerySchema, { q: input.q, filters: input.filters });
    return send(request, reply, input.format, input.columns, query);
  });

  app.post(
    `${base}/export/preflight`,
    { schema: { tags: [entity.name], summary: `Rows an export of ${entity.label.en} would hold, and whether it needs approval`, body: docSchema(body) } },
    async (request) => {
      const actor = requirePermission(request, `${entity.name}:export`);
      const input = parseInput(body, request.body);
      const query = parseInput(querySchema as QuerySchema, { q: input.q, filters: input.filters });
      const rows = await countExportRows(services, entity, actor, query);
      return { rows, limit, approvalRequired: limit > 0 && rows > limit };
    },
  );
}

export const exportQuerySchema = (entity: Entity) => listQuerySchema(entity) as unknown as QuerySchema;

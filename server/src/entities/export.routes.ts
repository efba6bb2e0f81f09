import { flatToListQuery, type ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { localeFrom } from '../platform/i18n.ts';
import { inTransaction, parseInput, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import type { Services } from './context.ts';
import { csvStream, exportColumns, exportableColumnNames, exportRecords, xlsxStream } from './export.ts';
import { customFieldsFor } from './custom-fields.ts';
import { audit } from './write.ts';

type QuerySchema = z.ZodType<ListQuery>;

/** GET (flat filters, for download links) and POST (filters in the body) exports of the current filter, all pages. */
export function registerExportRoutes(app: FastifyInstance, services: Services, entity: Entity, querySchema: z.ZodType) {
  const base = `/api/${entity.plural}`;
  const columnNames = exportableColumnNames(entity) as [string, ...string[]];
  const column = entity.customFields ? z.union([z.enum(columnNames), z.string().regex(/^custom\.[a-z][a-zA-Z0-9]{0,29}$/)]) : z.enum(columnNames);
  const options = z.strictObject({
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
    columns: z.array(column).max(200).optional(),
  });
  const body = z.strictObject({
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
    columns: z.array(column).max(200).optional(),
    q: z.string().trim().max(100).optional(),
    filters: z.record(z.string(), z.unknown()).default({}),
  });

  const send = async (request: FastifyRequest, reply: FastifyReply, format: 'csv' | 'xlsx', columns: string[] | undefined, query: ListQuery) => {
    const actor = requirePermission(request, `${entity.name}:export`);
    await inTransaction(request, services, (ctx) => audit(ctx, entity.name, null, 'export', { format, q: query.q ?? null, filters: query.filters }));
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
}

import { randomBytes } from 'node:crypto';
import type { Entity } from '@insure/model/entity';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { csvBom, csvLine } from '../platform/csv.ts';
import { AppError, type FieldReasons } from '../platform/errors.ts';
import { inTransaction, parseInput, requireActor, requirePermission } from '../platform/http.ts';
import { reasonMessage } from '../platform/i18n.ts';
import { withBulkWriteCache } from '../db/database.ts';
import type { Services } from './context.ts';
import { importTemplate, type ImportProblem, parseImport, UnreadableImportFile } from './import.ts';
import { customFieldsFor } from './custom-fields.ts';
import { audit, createRecord } from './write.ts';
import { canCreateInBatch, createRecords } from './write-batch.ts';

export const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const reportTtlMs = 60 * 60 * 1000;
const templateQuery = z.strictObject({ lang: z.enum(['zh', 'en']).default('zh') });
const importQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') });
const reportParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{16,40}$/) });

/** Accepts binary uploads (xlsx imports, attachments) as raw request bodies; routes enforce their own limits. */
export function registerXlsxBodies(app: FastifyInstance, bodyLimit: number) {
  app.addContentTypeParser([xlsxMime, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

async function failWithReport(services: Services, problems: ImportProblem[], locale: 'zh-CN' | 'en-US'): Promise<never> {
  const reportId = randomBytes(18).toString('base64url');
  const lines = csvBom + csvLine(['row', 'column', 'reason']) + problems.map((problem) => csvLine([problem.row, problem.column, reasonMessage(problem.reason, {}, locale)])).join('');
  await services.kv.set(`import-report:${reportId}`, lines, reportTtlMs);
  throw new AppError('IMPORT_INVALID', { total: problems.length, problems: problems.slice(0, 200), reportId });
}

/** Template download and all-or-nothing xlsx import for an importable entity. */
export function registerImportRoutes(app: FastifyInstance, services: Services, entity: Entity) {
  const base = `/api/${entity.plural}`;
  app.get(`${base}/import-template`, { schema: { tags: [entity.name], summary: `Import template for ${entity.label.en}` } }, async (request, reply) => {
    requirePermission(request, `${entity.name}:import`);
    const { lang } = parseInput(templateQuery, request.query);
    reply.header('content-type', xlsxMime);
    reply.header('content-disposition', `attachment; filename="${entity.plural}-template.xlsx"`);
    return importTemplate(entity, lang, await customFieldsFor(services.database.db, entity));
  });

  app.post(`${base}/import`, { schema: { tags: [entity.name], summary: `Import ${entity.label.en} from xlsx (raw body); nothing is written unless every row is valid` } }, async (request) => {
    const actor = requirePermission(request, `${entity.name}:import`);
    const { dryRun } = parseInput(importQuery, request.query);
    if (!Buffer.isBuffer(request.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    const { inputs, problems } = await parseImport(services, entity, actor, request.body).catch((error: unknown) => {
      if (!(error instanceof UnreadableImportFile)) throw error;
      request.log.info({ reason: String((error.cause as Error | undefined)?.message ?? error.cause).slice(0, 200) }, 'import file unreadable');
      throw new AppError('IMPORT_INVALID', { total: 1, problems: [{ row: 0, column: '', reason: 'unreadable_file' }] });
    });
    if (problems.length) await failWithReport(services, problems, actor.locale);
    if (dryRun === 'true') return { valid: inputs.length, imported: 0 };
    const rowProblems: ImportProblem[] = [];
    try {
      await withBulkWriteCache(services.database, () => inTransaction(request, services, async (ctx) => {
        const report = (row: number, fields: FieldReasons) => {
          for (const [name, { reason }] of Object.entries(fields)) rowProblems.push({ row, column: entity.fields[name]?.label.zh ?? name.replace(/^custom\./, ''), reason });
        };
        if (canCreateInBatch(entity)) {
          // Set-wise creates, a few thousand rows at a time (bounded memory; later batches see earlier ones).
          for (let start = 0; start < inputs.length; start += 5000) {
            const batch = inputs.slice(start, start + 5000);
            const { problems } = await createRecords(ctx, entity, batch.map(({ input }) => input));
            for (const [index, fields] of [...problems].sort(([a], [b]) => a - b)) report(batch[index]!.row, fields);
          }
        } else {
          for (const { row, input } of inputs) {
            try {
              await createRecord(ctx, entity, input);
            } catch (error) {
              if (!(error instanceof AppError) || !error.fields) throw error;
              report(row, error.fields);
            }
          }
        }
        if (rowProblems.length) throw new AppError('IMPORT_INVALID');
        await audit(ctx, entity.name, null, 'import', { rows: inputs.length });
      }));
    } catch (error) {
      if (rowProblems.length) await failWithReport(services, rowProblems, actor.locale);
      throw error;
    }
    return { valid: inputs.length, imported: inputs.length };
  });
}

export function registerImportReportRoute(app: FastifyInstance, services: Services) {
  app.get('/api/import-reports/:id', { schema: { tags: ['import'], summary: 'Error report of a refused import (csv)' } }, async (request, reply) => {
    requireActor(request);
    const { id } = parseInput(reportParams, request.params);
    const report = await services.kv.get(`import-report:${id}`);
    if (!report) throw new AppError('NOT_FOUND');
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', 'attachment; filename="import-errors.csv"');
    return report;
  });
}

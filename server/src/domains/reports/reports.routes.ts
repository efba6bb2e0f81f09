import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { insuranceTypes } from '@insure/model/enums/insurance';
import { isValidIsoDate } from '@insure/model/validators';
import type { Services } from '../../entities/context.ts';
import { type ExportColumn, xlsxStream } from '../../entities/export.ts';
import type { ApiRecord } from '../../entities/row-mapper.ts';
import { audit } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { localeFrom } from '../../platform/i18n.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { type ReportParams, type ReportResult, dimensionKeys, reportTypeKeys, runReport, supportsDimension } from './report-engine.ts';
import { reportLabels } from './report-labels.ts';

const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const reportQuery = z.strictObject({
  dimension: z.enum(dimensionKeys).default('period'),
  granularity: z.enum(['month', 'quarter', 'year']).default('month'),
  from: date.optional(),
  to: date.optional(),
  orgId: id.optional(),
  salespersonId: id.optional(),
  productType: z.enum(insuranceTypes.map((option) => option.value) as [string, ...string[]]).optional(),
});
const typeParam = z.strictObject({ type: z.enum(reportTypeKeys) });

/** The organisation path of an organisation the actor may see (other scopes' organisations → 404-like validation). */
export async function orgPathInScope(db: Kysely<any>, actor: Actor, orgId: number): Promise<string> {
  const org = await db.selectFrom('organisations').select('path').where('id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!org) throw new AppError('VALIDATION', {}, { orgId: { reason: 'reference_unavailable' } });
  const path = String(org.path);
  // Outside the actor's own subtree only with the all scope (an 'own' actor may narrow to a sub-organisation of theirs).
  if (actor.dataScope !== 'all' && !path.startsWith(actor.orgPath)) throw new AppError('VALIDATION', {}, { orgId: { reason: 'reference_unavailable' } });
  return path;
}

export function defaultRange(services: Services, from?: string, to?: string) {
  const year = services.clock.now().toISOString().slice(0, 4);
  const range = { from: from ?? `${year}-01-01`, to: to ?? `${year}-12-31` };
  if (range.to < range.from) throw new AppError('VALIDATION', {}, { to: { reason: 'end_before_start' } });
  if (range.from < '1900-01-01' || Number(range.to.slice(0, 4)) - Number(range.from.slice(0, 4)) > 20) throw new AppError('VALIDATION', {}, { from: { reason: 'range_too_long' } });
  return range;
}

/** 报表统计 (SPEC §2.21): figures from live records in the caller's scope; xlsx export audited like list exports. */
export function registerReportRoutes(app: FastifyInstance, services: Services): void {
  const db = services.database.reports as unknown as Kysely<any>;
  const { dialect } = services.database;

  async function compute(actor: Actor, type: ReportParams['type'], query: unknown, language: 'zh' | 'en'): Promise<ReportResult> {
    const input = parseInput(reportQuery, query);
    if (!supportsDimension(type, input.dimension)) throw new AppError('VALIDATION', {}, { dimension: { reason: 'not_applicable' } });
    if (input.productType && !supportsDimension(type, 'productType')) throw new AppError('VALIDATION', {}, { productType: { reason: 'not_applicable' } });
    const { from, to } = defaultRange(services, input.from, input.to);
    return runReport(db, dialect, actor, {
      type,
      dimension: input.dimension,
      granularity: input.granularity,
      from,
      to,
      orgPath: input.orgId ? await orgPathInScope(db, actor, input.orgId) : null,
      salespersonId: input.salespersonId ?? null,
      productType: input.productType ?? null,
    }, language, reportLabels[language].unknown);
  }

  app.get('/api/reports/:type', { schema: { tags: ['reports'], summary: 'One report by dimension with its trend and totals (dimension, granularity, from, to, orgId, salespersonId, productType)' } }, async (request) => {
    const actor = requirePermission(request, 'reportDefinition:view');
    const { type } = parseInput(typeParam, request.params);
    const language = localeFrom(request.headers['accept-language'], actor.locale) === 'en-US' ? 'en' : 'zh';
    return compute(actor, type, request.query, language);
  });

  app.get('/api/reports/:type/export', { schema: { tags: ['reports'], summary: 'The report as an xlsx workbook (table and totals)' } }, async (request, reply) => {
    const actor = requirePermission(request, 'reportDefinition:export');
    const { type } = parseInput(typeParam, request.params);
    const locale = localeFrom(request.headers['accept-language'], actor.locale);
    const language = locale === 'en-US' ? 'en' : 'zh';
    const result = await compute(actor, type, request.query, language);
    await inTransaction(request, services, async (ctx) => {
      await audit(ctx, 'reportDefinition', null, 'export', { format: 'xlsx', report: type, dimension: result.dimension, granularity: result.granularity, from: result.from, to: result.to, filters: request.query });
    });
    const labels = reportLabels[language];
    const columns: ExportColumn[] = [
      { name: 'label', header: labels.dimensions[result.dimension] ?? result.dimension, value: (record) => record.label as string },
      ...result.measures.map((measure) => ({ name: measure.key, header: labels.measures[measure.key] ?? measure.key, value: (record: ApiRecord) => (record.values as Record<string, number | null>)[measure.key] ?? null })),
    ];
    const rows = [...result.rows, { key: '__total', label: labels.total, values: result.totals }];
    async function* batches() {
      yield rows.map((row, index) => ({ id: index + 1, version: 1, ...row }) as ApiRecord);
    }
    const fileName = `report-${type}-${result.dimension}-${result.from}-${result.to}.xlsx`;
    reply.header('content-disposition', `attachment; filename="${fileName}"`);
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return reply.send(xlsxStream(labels.types[type] ?? type, columns, batches(), (error) => request.log.error({ err: error }, 'report export failed')));
  });
}

import type { ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import { entities } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Row } from '../db/database.ts';
import type { Actor } from '../platform/access/actor.ts';
import { AppError, fieldError, notFound } from '../platform/errors.ts';
import { inTransaction, parseInput, requireActor, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import type { Services, WriteContext } from './context.ts';
import { countExportRows, type ExportFormat, exportInputSchema, exportQuerySchema, streamExport } from './export.routes.ts';
import { audit } from './write.ts';

/** How long an approved export stays downloadable. */
const approvalValidMs = 24 * 3_600_000;
const exportable = new Map(entities.map((entity) => [entity.plural, entity]));

const createBody = z.looseObject({ module: z.string().max(60), reason: z.string().trim().min(5).max(500) });
const decisionBody = z.strictObject({ note: z.string().trim().max(500).optional() });
const rejectionBody = z.strictObject({ note: z.string().trim().min(2).max(500) });
const listQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'downloaded', 'expired']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/** Approved requests past their time read as expired; nothing needs to rewrite them. */
function effectiveStatus(row: Row, now: Date): string {
  if (row.status === 'approved' && row.expires_at && new Date(String(row.expires_at)) <= now) return 'expired';
  return String(row.status);
}

/** May this actor decide requests of that organisation? Approvers decide within their data scope, never their own. */
async function inApproverScope(services: Services, actor: Actor, orgId: number): Promise<boolean> {
  if (actor.dataScope === 'all') return true;
  if (actor.dataScope === 'own') return false;
  const org = await services.database.db.selectFrom('organisations').select('path').where('id', '=', orgId).executeTakeFirst();
  return !!org && String(org.path).startsWith(actor.orgPath);
}

function present(row: Row, actor: Actor, now: Date, decidable: boolean) {
  const status = effectiveStatus(row, now);
  const own = Number(row.requested_by) === actor.accountId;
  return {
    id: Number(row.id),
    module: String(row.module),
    format: String(row.format),
    rowCount: Number(row.row_count),
    reason: String(row.reason),
    query: json<Record<string, unknown>>(row.query),
    status,
    requestedBy: Number(row.requested_by),
    requesterName: String(row.requester_name),
    createdAt: String(row.created_at),
    deciderName: (row.decider_name as string | null) ?? null,
    decidedAt: (row.decided_at as string | null) ?? null,
    decisionNote: (row.decision_note as string | null) ?? null,
    expiresAt: (row.expires_at as string | null) ?? null,
    downloadedAt: (row.downloaded_at as string | null) ?? null,
    canDecide: decidable && !own && status === 'pending',
    canDownload: own && status === 'approved',
  };
}

/**
 * Exports above EXPORT_APPROVAL_ROWS (PIPL: bulk personal data leaves only with a second person's consent):
 * the requester asks with a reason, a manager with `exportRequest:approve` in whose scope the requester works
 * approves or rejects, and the requester downloads once within a day, under their own scope at that time.
 */
export function registerExportRequestRoutes(app: FastifyInstance, services: Services) {
  const { db } = services.database;

  const load = async (id: number) => {
    const row = await db.selectFrom('export_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    return row;
  };
  /** The request as its requester or an approver in scope sees it; anyone else gets the 404 of a missing one. */
  const visible = async (actor: Actor, row: Row) => {
    if (Number(row.requested_by) === actor.accountId) return { decidable: actor.permissions.has('exportRequest:approve') && (await inApproverScope(services, actor, Number(row.org_id))) };
    if (!actor.permissions.has('exportRequest:view') || !(await inApproverScope(services, actor, Number(row.org_id)))) throw notFound();
    return { decidable: actor.permissions.has('exportRequest:approve') };
  };

  app.post('/api/export-requests', { schema: { tags: ['exportRequest'], summary: 'Ask for approval of an export above the row limit' } }, async (request, reply) => {
    const actor = requireActor(request);
    const head = parseInput(createBody, request.body);
    const entity = exportable.get(head.module);
    if (!entity) throw fieldError('module', 'invalid_value');
    requirePermission(request, `${entity.name}:export`);
    const { module: _module, reason, ...rest } = request.body as Record<string, unknown>;
    const input = parseInput(exportInputSchema(entity), rest);
    const query = parseInput(exportQuerySchema(entity), { q: input.q, filters: input.filters });
    const limit = services.config.EXPORT_APPROVAL_ROWS;
    const rows = await countExportRows(services, entity, actor, query);
    if (limit === 0 || rows <= limit) throw fieldError('module', 'export_within_limit', { limit });
    const created = await inTransaction(request, services, async (ctx) => {
      const inserted = await ctx.trx
        .insertInto('export_requests')
        .values({
          module: entity.plural,
          format: input.format,
          columns: input.columns ? JSON.stringify(input.columns) : null,
          query: JSON.stringify({ q: query.q ?? null, filters: query.filters }),
          reason,
          row_count: rows,
          status: 'pending',
          requested_by: actor.accountId,
          requester_name: actor.displayName,
          org_id: actor.orgId,
          created_at: ctx.now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(inserted.id);
      await audit(ctx, 'exportRequest', id, 'create', { module: entity.plural, rows, reason, filters: query.filters, q: query.q ?? null });
      return id;
    });
    reply.code(201);
    return present(await load(created), actor, services.clock.now(), false);
  });

  app.get('/api/export-requests', { schema: { tags: ['exportRequest'], summary: 'Own export requests, and those an approver may see' } }, async (request) => {
    const actor = requireActor(request);
    const input = parseInput(listQuery, request.query);
    const now = services.clock.now().toISOString();
    const approver = actor.permissions.has('exportRequest:view') && actor.dataScope !== 'own';
    let query = db.selectFrom('export_requests').where((eb) => {
      const own = eb('export_requests.requested_by', '=', actor.accountId);
      if (!approver) return own;
      if (actor.dataScope === 'all') return eb.lit(true);
      return eb.or([own, eb('export_requests.org_id', 'in', eb.selectFrom('organisations').select('id').where('path', 'like', `${actor.orgPath}%`))]);
    });
    if (input.status === 'expired') query = query.where('status', '=', 'approved').where('expires_at', '<=', now);
    else if (input.status === 'approved') query = query.where('status', '=', 'approved').where('expires_at', '>', now);
    else if (input.status) query = query.where('status', '=', input.status);
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('id', 'desc')
        .limit(input.pageSize)
        .offset((input.page - 1) * input.pageSize)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const clock = services.clock.now();
    return { items: rows.map((row) => present(row, actor, clock, actor.permissions.has('exportRequest:approve'))), total: Number(count.total), page: input.page, pageSize: input.pageSize };
  });

  const decide = (decision: 'approved' | 'rejected') => async (request: import('fastify').FastifyRequest) => {
    const actor = requirePermission(request, 'exportRequest:approve');
    const { id } = parseInput(idParams, request.params);
    const { note } = parseInput(decision === 'approved' ? decisionBody : rejectionBody, request.body);
    const row = await load(id);
    await visible(actor, row);
    if (Number(row.requested_by) === actor.accountId) throw new AppError('FORBIDDEN', { reason: 'own_request' });
    const entity = exportable.get(String(row.module))!;
    // The approver vouches for the data leaving: they must be allowed to export it themselves.
    requirePermission(request, `${entity.name}:export`);
    await inTransaction(request, services, async (ctx) => {
      const updated = await ctx.trx
        .updateTable('export_requests')
        .set({
          status: decision,
          decided_by: actor.accountId,
          decider_name: actor.displayName,
          decided_at: ctx.now.toISOString(),
          decision_note: note ?? null,
          expires_at: decision === 'approved' ? new Date(ctx.now.getTime() + approvalValidMs).toISOString() : null,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', { status: effectiveStatus(row, ctx.now) });
      await audit(ctx, 'exportRequest', id, decision === 'approved' ? 'approve' : 'reject', { note: note ?? null, module: row.module, rows: Number(row.row_count) });
    });
    return present(await load(id), actor, services.clock.now(), true);
  };
  app.post('/api/export-requests/:id/approve', { schema: { tags: ['exportRequest'], summary: 'Approve an export request', body: docSchema(decisionBody) } }, decide('approved'));
  app.post('/api/export-requests/:id/reject', { schema: { tags: ['exportRequest'], summary: 'Reject an export request (note required)', body: docSchema(rejectionBody) } }, decide('rejected'));

  app.get('/api/export-requests/:id/download', { schema: { tags: ['exportRequest'], summary: 'Download an approved export once, within a day of approval' } }, async (request, reply) => {
    const actor = requireActor(request);
    const { id } = parseInput(idParams, request.params);
    const row = await load(id);
    if (Number(row.requested_by) !== actor.accountId) throw notFound();
    const entity = exportable.get(String(row.module)) as Entity;
    requirePermission(request, `${entity.name}:export`);
    const saved = json<{ q: string | null; filters: Record<string, unknown> }>(row.query);
    const query = parseInput(exportQuerySchema(entity), { q: saved.q ?? undefined, filters: saved.filters }) as ListQuery;
    // Single use: the first download claims it (with its audit row); a second or concurrent one finds it no longer approved.
    const claim = async (ctx: WriteContext) => {
      const claimed = await ctx.trx
        .updateTable('export_requests')
        .set({ status: 'downloaded', downloaded_at: ctx.now.toISOString() })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .where('expires_at', '>', ctx.now.toISOString())
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', { status: effectiveStatus(row, ctx.now) });
    };
    const columns = row.columns ? json<string[]>(row.columns) : undefined;
    return streamExport(request, reply, services, entity, actor, { format: String(row.format) as ExportFormat, columns, query, approvalId: id, claim });
  });
}

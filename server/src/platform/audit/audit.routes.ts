import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { csvBom, csvLine } from '../csv.ts';
import { inTransaction, parseInput, requirePermission } from '../http.ts';
import { audit } from '../../entities/write.ts';

const datetime = z.iso.datetime({ offset: true });
const auditFilters = z.strictObject({
  actorName: z.string().trim().min(1).max(50).optional(),
  actorId: z.number().int().positive().optional(),
  module: z.string().trim().min(1).max(40).optional(),
  action: z.string().trim().min(1).max(40).optional(),
  recordId: z.number().int().positive().optional(),
  from: datetime.optional(),
  to: datetime.optional(),
});
const loginFilters = z.strictObject({
  loginName: z.string().trim().min(1).max(40).optional(),
  outcome: z.string().trim().min(1).max(20).optional(),
  ip: z.string().trim().min(1).max(60).optional(),
  from: datetime.optional(),
  to: datetime.optional(),
});
const page = { page: z.number().int().min(1).max(1_000_000).default(1), pageSize: z.number().int().min(1).max(200).default(20) };
const auditQuery = z.strictObject({ ...page, filters: auditFilters.default({}) });
const loginQuery = z.strictObject({ ...page, filters: loginFilters.default({}) });
const exportQuery = z.strictObject({
  format: z.enum(['csv']).default('csv'),
  actorName: z.string().max(50).optional(),
  module: z.string().max(40).optional(),
  action: z.string().max(40).optional(),
  from: datetime.optional(),
  to: datetime.optional(),
});

type AuditFilters = z.infer<typeof auditFilters>;

function auditRows(services: Services, filters: AuditFilters) {
  let query = services.database.db.selectFrom('audit_logs');
  if (filters.actorName) query = query.where('actor_name', '=', filters.actorName);
  if (filters.actorId) query = query.where('actor_id', '=', filters.actorId);
  if (filters.module) query = query.where('module', '=', filters.module);
  if (filters.action) query = query.where('action', '=', filters.action);
  if (filters.recordId) query = query.where('record_id', '=', filters.recordId);
  if (filters.from) query = query.where('at', '>=', new Date(filters.from).toISOString());
  if (filters.to) query = query.where('at', '<=', new Date(filters.to).toISOString());
  return query;
}

const presentAudit = (row: Record<string, unknown>) => ({
  id: Number(row.id),
  at: row.at,
  actorId: row.actor_id == null ? null : Number(row.actor_id),
  actorName: row.actor_name,
  ip: row.ip,
  module: row.module,
  recordId: row.record_id == null ? null : Number(row.record_id),
  action: row.action,
  changes: row.changes ? JSON.parse(String(row.changes)) : null,
  hash: row.hash,
});

/** Operation and login logs: read-only views (the tables are append-only); the export is itself audited. */
export function registerAuditRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/audit-logs/query', { schema: { tags: ['auditLog'], summary: 'Search the operation log' } }, async (request) => {
    requirePermission(request, 'auditLog:view');
    const input = parseInput(auditQuery, request.body);
    const base = auditRows(services, input.filters);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('id', 'desc').limit(input.pageSize).offset((input.page - 1) * input.pageSize).execute(),
      base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(presentAudit), total: Number(count.total), page: input.page, pageSize: input.pageSize };
  });

  app.get('/api/audit-logs/export', { schema: { tags: ['auditLog'], summary: 'Export the operation log as CSV' } }, async (request, reply) => {
    requirePermission(request, 'auditLog:export');
    const { format: _format, ...filters } = parseInput(exportQuery, request.query);
    await inTransaction(request, services, (ctx) => audit(ctx, 'auditLog', null, 'export', { filters }));
    const base = auditRows(services, filters);
    async function* lines() {
      yield csvBom + csvLine(['id', 'at', 'actor', 'ip', 'module', 'record', 'action', 'changes', 'hash']);
      let afterId = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const rows = await base.selectAll().where('id', '<', afterId).orderBy('id', 'desc').limit(1000).execute();
        if (!rows.length) return;
        for (const row of rows) yield csvLine([row.id, row.at, row.actor_name, row.ip, row.module, row.record_id, row.action, row.changes, row.hash]);
        afterId = Number(rows[rows.length - 1]!.id);
      }
    }
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', 'attachment; filename="audit-log.csv"');
    return reply.send(Readable.from(lines()));
  });

  app.post('/api/login-logs/query', { schema: { tags: ['loginLog'], summary: 'Search the login log' } }, async (request) => {
    requirePermission(request, 'loginLog:view');
    const { page: pageNumber, pageSize, filters } = parseInput(loginQuery, request.body);
    let base = services.database.db.selectFrom('login_logs');
    if (filters.loginName) base = base.where('login_name', '=', filters.loginName);
    if (filters.outcome) base = base.where('outcome', '=', filters.outcome);
    if (filters.ip) base = base.where('ip', '=', filters.ip);
    if (filters.from) base = base.where('at', '>=', new Date(filters.from).toISOString());
    if (filters.to) base = base.where('at', '<=', new Date(filters.to).toISOString());
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('id', 'desc').limit(pageSize).offset((pageNumber - 1) * pageSize).execute(),
      base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((row) => ({ id: Number(row.id), at: row.at, loginName: row.login_name, accountId: row.account_id, ip: row.ip, userAgent: row.user_agent, outcome: row.outcome, detail: row.detail })),
      total: Number(count.total),
      page: pageNumber,
      pageSize,
    };
  });
}

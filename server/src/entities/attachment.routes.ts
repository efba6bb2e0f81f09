import type { Entity } from '@insure/model/entity';
import { entities } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { inTransaction, noContent, parseInput, requireActor, requirePermission } from '../platform/http.ts';
import { allowedExtensions, detectFileType, type FileStorage } from '../platform/storage.ts';
import type { Services } from './context.ts';
import { loadRow } from './read.ts';
import { audit } from './write.ts';

const recordParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const attachmentParams = z.strictObject({ attachmentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const uploadQuery = z.strictObject({ fileName: z.string().trim().min(1).max(200).regex(/^[^/\\\0]+$/, { error: 'invalid_format' }) });

const present = (row: Record<string, unknown>) => ({
  id: Number(row.id),
  fileName: row.file_name,
  contentType: row.content_type,
  sizeBytes: Number(row.size_bytes),
  sha256: row.sha256,
  createdAt: row.created_at,
});

/**
 * Files attached to records of entities that allow them. Every route checks the record's module permission
 * and data scope first (an attachment of a record you cannot see is a 404, like the record).
 */
export function registerAttachmentRoutes(app: FastifyInstance, services: Services, storage: FileStorage): void {
  const maxBytes = services.config.ATTACHMENT_MAX_MB * 1024 * 1024;
  for (const entity of entities.filter((candidate) => candidate.attachments)) registerRecordRoutes(entity);

  function registerRecordRoutes(entity: Entity) {
    app.get(`/api/${entity.plural}/:id/attachments`, { schema: { tags: [entity.name], summary: 'Files attached to a record' } }, async (request) => {
      const { id } = parseInput(recordParams, request.params);
      const actor = requirePermission(request, `${entity.name}:view`);
      await loadRow(services.database.db, entity, actor, id);
      const rows = await services.database.db.selectFrom('attachments').selectAll().where('module', '=', entity.name).where('record_id', '=', id).where('deleted_at', 'is', null).orderBy('id', 'desc').execute();
      return { items: rows.map(present), allowedExtensions, maxBytes };
    });

    app.post(`/api/${entity.plural}/:id/attachments`, { schema: { tags: [entity.name], summary: 'Attach a file (raw body, ?fileName=…)' } }, async (request, reply) => {
      const { id } = parseInput(recordParams, request.params);
      requirePermission(request, `${entity.name}:edit`);
      const { fileName } = parseInput(uploadQuery, request.query);
      const content = request.body;
      if (!Buffer.isBuffer(content) || content.length === 0) throw new AppError('VALIDATION', {}, { file: { reason: 'required' } });
      if (content.length > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', { maxBytes });
      const contentType = detectFileType(fileName, content);
      if (!contentType) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { allowedExtensions });
      const created = await inTransaction(request, services, async (ctx) => {
        await loadRow(ctx.trx, entity, ctx.actor, id);
        const { key, sha256 } = await storage.save(content, ctx.now);
        const row = await ctx.trx
          .insertInto('attachments')
          .values({ module: entity.name, record_id: id, file_name: fileName, content_type: contentType, size_bytes: content.length, sha256, storage_key: key, created_by: ctx.actor.accountId, created_at: ctx.now.toISOString() })
          .returning(['id', 'file_name', 'content_type', 'size_bytes', 'sha256', 'created_at'])
          .executeTakeFirstOrThrow();
        await audit(ctx, entity.name, id, 'attach', { fileName, sizeBytes: content.length, sha256 });
        return present(row);
      });
      reply.code(201);
      return created;
    });
  }

  async function loadAttachment(attachmentId: number, action: 'view' | 'edit', request: Parameters<typeof requirePermission>[0]) {
    // Who is asking comes first: an anonymous caller must not learn which attachment ids exist.
    requireActor(request);
    const row = await services.database.db.selectFrom('attachments').selectAll().where('id', '=', attachmentId).where('deleted_at', 'is', null).executeTakeFirst();
    const entity = row ? entities.find((candidate) => candidate.name === row.module && candidate.attachments) : undefined;
    if (!row || !entity) throw new AppError('NOT_FOUND');
    const actor = requirePermission(request, `${entity.name}:${action}`);
    await loadRow(services.database.db, entity, actor, Number(row.record_id));
    return { row, entity };
  }

  app.get('/api/attachments/:attachmentId/download', { schema: { tags: ['attachment'], summary: 'Download an attached file' } }, async (request, reply) => {
    const { attachmentId } = parseInput(attachmentParams, request.params);
    const { row } = await loadAttachment(attachmentId, 'view', request);
    reply.header('content-type', String(row.content_type));
    reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(String(row.file_name))}`);
    reply.header('content-length', String(row.size_bytes));
    return reply.send(storage.open(String(row.storage_key)));
  });

  app.delete('/api/attachments/:attachmentId', { schema: { tags: ['attachment'], summary: 'Remove an attached file' } }, async (request, reply) => {
    const { attachmentId } = parseInput(attachmentParams, request.params);
    const { row, entity } = await loadAttachment(attachmentId, 'edit', request);
    await inTransaction(request, services, async (ctx) => {
      await ctx.trx.updateTable('attachments').set({ deleted_at: ctx.now.toISOString() }).where('id', '=', attachmentId).execute();
      await audit(ctx, entity.name, Number(row.record_id), 'detach', { fileName: row.file_name });
    });
    return noContent(reply);
  });
}

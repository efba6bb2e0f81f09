import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getEntity } from '@insure/model/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { audit } from '../../entities/write.ts';
import { verifyPassword } from '../../platform/auth/password.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { inTransaction, noContent, parseInput, requirePermission } from '../../platform/http.ts';
import { docSchema } from '../../platform/openapi.ts';
import { acceptUpload, createImportantDataExport, createSystemBackup, pruneBackups, restoreBackup } from './backup.service.ts';
import type { BackupCatalogue, BackupRecord } from './catalogue.ts';

/** Modules offered for the important-data export: the business records whose loss would hurt most. */
export const importantModules = ['customer', 'policy', 'claim', 'contract', 'salesperson', 'product', 'signing', 'interaction', 'feedback', 'opportunity', 'incentivePayout', 'organisation'];

const idParams = z.strictObject({ id: z.string().regex(/^(BAK|IMP)-\d{8}-\d{6}-[a-z0-9]{6}$/, { error: 'invalid_format' }) });
const createBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('system') }),
  z.strictObject({
    kind: z.literal('importantData'),
    modules: z.array(z.enum(importantModules as [string, ...string[]])).min(1).max(importantModules.length),
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
  }),
]);
const restoreBody = z.strictObject({ password: z.string().min(1).max(128) });
const uploadQuery = z.strictObject({ fileName: z.string().max(200).optional() });
const backupMime = 'application/vnd.insure-backup';

const present = (record: BackupRecord) => ({ ...record });

async function load(catalogue: BackupCatalogue, id: string): Promise<BackupRecord> {
  const record = await catalogue.get(id);
  if (!record) throw notFound();
  return record;
}

const initiator = (request: FastifyRequest) => ({ accountId: request.actor!.accountId, name: request.actor!.displayName });

/** 数据备份: list, take (system / important data), download, upload, restore, delete, prune. */
export function registerBackupRoutes(app: FastifyInstance, services: Services, catalogue: BackupCatalogue): void {
  app.get('/api/backups', { schema: { tags: ['backup'], summary: 'Backups, newest first, with the schedule and retention policy' } }, async (request) => {
    requirePermission(request, 'backup:view');
    const { config } = services;
    return {
      items: (await catalogue.list()).map(present),
      policy: {
        cron: config.BACKUP_CRON,
        importantCron: config.BACKUP_IMPORTANT_CRON,
        keepDaily: config.BACKUP_KEEP_DAILY,
        keepWeekly: config.BACKUP_KEEP_WEEKLY,
        encrypted: Boolean(config.BACKUP_ENCRYPTION_KEY),
      },
      importantModules: importantModules.map((name) => ({ name, label: getEntity(name).label })),
    };
  });

  app.post('/api/backups', { schema: { tags: ['backup'], summary: 'Take a backup now (waits until it is written)', body: docSchema(createBody) } }, async (request, reply) => {
    const actor = requirePermission(request, 'backup:create');
    const input = parseInput(createBody, request.body);
    if (input.kind === 'importantData') for (const module of input.modules) if (!actor.permissions.has(`${module}:export`)) throw new AppError('FORBIDDEN', { permission: `${module}:export` });
    const record =
      input.kind === 'system'
        ? await createSystemBackup(services, catalogue, initiator(request), 'manual')
        : await createImportantDataExport(services, catalogue, actor, initiator(request), 'manual', input.modules, input.format);
    await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'create', { backup: record.id, kind: record.kind, status: record.status, modules: record.modules ?? null }));
    if (record.status === 'failed') request.log.error({ backup: record.id, error: record.error }, 'backup failed');
    return reply.code(record.status === 'succeeded' ? 201 : 500).send(record.status === 'succeeded' ? present(record) : { code: 'INTERNAL', message: 'Backup failed', backup: present(record) });
  });

  app.get('/api/backups/:id/download', { schema: { tags: ['backup'], summary: 'Download a backup file (for an off-site copy)' } }, async (request, reply) => {
    requirePermission(request, 'backup:export');
    const { id } = parseInput(idParams, request.params);
    const record = await load(catalogue, id);
    if (record.status !== 'succeeded') throw notFound();
    const file = catalogue.archivePath(record);
    if (!fs.existsSync(file)) throw notFound();
    await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'download', { backup: record.id, sha256: record.sha256 }));
    reply.header('content-type', 'application/octet-stream');
    reply.header('content-disposition', `attachment; filename="${record.fileName}"`);
    reply.header('x-checksum-sha256', record.sha256 ?? '');
    return reply.send(fs.createReadStream(file));
  });

  // Backup files are large: this route reads its body as a stream into the backup directory (size-capped), not into memory.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/octet-stream');
    scope.addContentTypeParser([backupMime, 'application/octet-stream', 'application/gzip'], (_request, payload, done) => done(null, payload));
    scope.post('/api/backups/upload', { schema: { tags: ['backup'], summary: 'Upload a backup file (verified before it is listed)' } }, async (request, reply) => {
      requirePermission(request, 'backup:import');
      const { fileName } = parseInput(uploadQuery, request.query);
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const limit = services.config.BACKUP_UPLOAD_MAX_MB * 1024 * 1024;
      const scratch = await catalogue.scratch('upload');
      const temporary = path.join(scratch, 'upload.bin');
      let received = 0;
      try {
        await pipeline(
          body,
          new Transform({
            transform(chunk, _encoding, done) {
              received += (chunk as Buffer).length;
              done(received > limit ? new AppError('PAYLOAD_TOO_LARGE') : null, chunk);
            },
          }),
          fs.createWriteStream(temporary, { mode: 0o600 }),
        );
        if (received === 0) throw fieldError('backup', 'backup_truncated');
        const record = await acceptUpload(services, catalogue, temporary, initiator(request));
        await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'upload', { backup: record.id, fileName: fileName ?? null, sha256: record.sha256, sizeBytes: record.sizeBytes }));
        return reply.code(201).send(present(record));
      } finally {
        await fs.promises.rm(scratch, { recursive: true, force: true });
      }
    });
  });

  app.post('/api/backups/:id/restore', { schema: { tags: ['backup'], summary: 'Restore a system backup (password required; verified, safety backup first, everyone signed out after)', body: docSchema(restoreBody) } }, async (request) => {
    const actor = requirePermission(request, 'backup:import');
    const { id } = parseInput(idParams, request.params);
    const { password } = parseInput(restoreBody, request.body);
    const row = await services.database.db.selectFrom('account_credentials').select('password_hash').where('account_id', '=', actor.accountId).executeTakeFirst();
    if (!row || !(await verifyPassword(password, String(row.password_hash)))) {
      await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'restore_refused', { backup: id, reason: 'wrong_password' }));
      throw fieldError('password', 'wrong_password');
    }
    const record = await load(catalogue, id);
    let result;
    try {
      result = await restoreBackup(services, catalogue, record, initiator(request), 1);
    } catch (error) {
      const reason = error instanceof AppError ? (Object.values(error.fields ?? {})[0]?.reason ?? error.code) : 'failed';
      await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'restore_refused', { backup: id, reason }));
      throw error;
    }
    // Written into the restored operation log (and the restore log beside the backups).
    await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'restore', { ...result }));
    return result;
  });

  app.delete('/api/backups/:id', { schema: { tags: ['backup'], summary: 'Delete a backup file' } }, async (request, reply) => {
    requirePermission(request, 'backup:delete');
    const { id } = parseInput(idParams, request.params);
    const record = await load(catalogue, id);
    if (record.status === 'running') throw new AppError('INVALID_TRANSITION', { status: record.status });
    await catalogue.remove(record);
    await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'delete', { backup: record.id, sha256: record.sha256 }));
    return noContent(reply);
  });

  app.post('/api/backups/prune', { schema: { tags: ['backup'], summary: 'Apply the retention policy now' } }, async (request) => {
    requirePermission(request, 'backup:delete');
    const result = await pruneBackups(services, catalogue);
    await inTransaction(request, services, (ctx) => audit(ctx, 'backup', null, 'prune', { removed: result.removed }));
    return result;
  });
}

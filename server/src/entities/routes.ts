import { createSchema, updateSchema } from '@insure/model/derive/zod';
import { flatToListQuery, listQuerySchema, type ListQuery } from '@insure/model/derive/query';
import type { Entity } from '@insure/model/entity';
import { entities } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTransaction, noContent, parseInput, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import { columnName } from '@insure/model/field';
import { sql } from 'kysely';
import type { Actor } from '../platform/access/actor.ts';
import type { Services } from './context.ts';
import { dependents, getRecord, listRecords, loadRow, pickerOptions, scopedRows } from './read.ts';
import { revealField } from './row-mapper.ts';
import { audit, createRecord, removeRecord, restoreRecord, updateRecord } from './write.ts';
import { recordHistory } from './history.ts';
import { hooksFor } from './hooks.ts';
import { customFieldsFor } from './custom-fields.ts';
import { registerWorkflowRoutes } from './workflow.routes.ts';
import { registerExportRoutes } from './export.routes.ts';
import { registerImportRoutes } from './import.routes.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const batchBody = z.strictObject({ ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(500) });
const optionsQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  /** The asking field, `entity.field`, when it accepts other statuses than the target's pickable ones. */
  for: z.string().regex(/^[a-zA-Z]+\.[a-zA-Z]+$/).optional(),
  ids: z
    .string()
    .regex(/^\d+(,\d+){0,99}$/)
    .transform((value) => value.split(',').map(Number))
    .optional(),
});

/** Explicit REST routes for every declared entity (greppable: /api/<plural>), all permission-checked and scoped. */
export function registerEntityRoutes(app: FastifyInstance, services: Services): void {
  for (const entity of entities) registerOne(app, services, entity);
}

function registerOne(app: FastifyInstance, services: Services, entity: Entity) {
  const base = `/api/${entity.plural}`;
  const tags = [entity.name];
  const querySchema = listQuerySchema(entity);
  const create = createSchema(entity);
  const update = updateSchema(entity);
  const perm = (action: string) => `${entity.name}:${action}`;
  const piiFields = Object.entries(entity.fields).filter(([, field]) => field.pii).map(([name]) => name);
  const params = docSchema(idParams);

  app.get(base, { schema: { tags, summary: `List ${entity.label.en}` } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    const query = parseInput(querySchema, flatToListQuery(entity, request.query as Record<string, unknown>)) as ListQuery;
    return listRecords(services, entity, actor, query);
  });

  app.post(`${base}/query`, { schema: { tags, summary: `Search ${entity.label.en} (filters in the body)`, body: docSchema(querySchema) } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    return listRecords(services, entity, actor, parseInput(querySchema, request.body) as ListQuery);
  });

  app.get(`${base}/options`, { schema: { tags, summary: `Picker options for ${entity.label.en}` } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    const { q, ids, for: asker } = parseInput(optionsQuery, request.query);
    const [askingEntity, askingField] = asker?.split('.') ?? [];
    const field = askingEntity ? entities.find((candidate) => candidate.name === askingEntity)?.fields[askingField!] : undefined;
    const statuses = field && 'entity' in field && field.entity === entity.name && field.refStatuses ? field.refStatuses : entity.pickableStatus;
    return { items: await pickerOptions(services, entity, actor, q, ids ?? [], statuses) };
  });

  if (entity.customFields) {
    app.get(`${base}/custom-fields`, { schema: { tags, summary: `Admin-defined fields of ${entity.label.en}` } }, async (request) => {
      requirePermission(request, perm('view'));
      return { items: await customFieldsFor(services.database.db, entity) };
    });
  }

  app.get(`${base}/:id`, { schema: { tags, summary: `Get one ${entity.name}`, params } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    return getRecord(services, entity, actor, parseInput(idParams, request.params).id);
  });

  app.get(`${base}/:id/history`, { schema: { tags, summary: `Change history of one ${entity.name}`, params } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    const { id } = parseInput(idParams, request.params);
    await loadRow(services.database.db, entity, actor, id);
    return { items: await recordHistory(services, entity.name, id) };
  });

  app.get(`${base}/:id/dependents`, { schema: { tags, summary: `Live records that refer to one ${entity.name}`, params } }, async (request) => {
    const actor = requirePermission(request, perm('view'));
    const { id } = parseInput(idParams, request.params);
    await loadRow(services.database.db, entity, actor, id);
    return { items: await dependents(services.database.db, entities, entity, id) };
  });

  app.post(base, { schema: { tags, summary: `Create a ${entity.name}`, body: docSchema(create) } }, async (request, reply) => {
    requirePermission(request, perm('create'));
    const input = parseInput(create, request.body);
    const id = await inTransaction(request, services, (ctx) => createRecord(ctx, entity, input));
    reply.code(201);
    return getRecord(services, entity, request.actor!, id);
  });

  app.patch(`${base}/:id`, { schema: { tags, summary: `Update a ${entity.name} (optimistic version check)`, params, body: docSchema(update) } }, async (request) => {
    requirePermission(request, perm('edit'));
    const { id } = parseInput(idParams, request.params);
    const input = parseInput(update, request.body);
    await inTransaction(request, services, (ctx) => updateRecord(ctx, entity, id, input));
    return getRecord(services, entity, request.actor!, id);
  });

  app.delete(`${base}/:id`, { schema: { tags, summary: `Delete a ${entity.name} (soft)`, params } }, async (request, reply) => {
    requirePermission(request, perm('delete'));
    const { id } = parseInput(idParams, request.params);
    await inTransaction(request, services, (ctx) => removeRecord(ctx, entity, id));
    return noContent(reply);
  });

  app.post(`${base}/batch-delete`, { schema: { tags, summary: `Delete several ${entity.label.en}`, body: docSchema(batchBody) } }, async (request) => {
    requirePermission(request, perm('delete'));
    const { ids } = parseInput(batchBody, request.body);
    const unique = [...new Set(ids)];
    await inTransaction(request, services, async (ctx) => {
      for (const id of unique) await removeRecord(ctx, entity, id);
    });
    return { deleted: unique.length };
  });

  app.post(`${base}/:id/restore`, { schema: { tags, summary: `Restore a deleted ${entity.name}`, params } }, async (request) => {
    requirePermission(request, perm('delete'));
    const { id } = parseInput(idParams, request.params);
    await inTransaction(request, services, (ctx) => restoreRecord(ctx, entity, id));
    return getRecord(services, entity, request.actor!, id);
  });

  registerExportRoutes(app, services, entity, querySchema);
  if (entity.workflow) registerWorkflowRoutes(app, services, entity);
  if (entity.importable) registerImportRoutes(app, services, entity);
  if (!piiFields.length) return;
  const revealBody = z.strictObject({
    fields: z.array(z.enum(piiFields as [string, ...string[]])).min(1),
    reason: z.string().trim().min(2).max(200),
  });
  app.post(`${base}/:id/reveal`, { schema: { tags, summary: `Show personal data of one ${entity.name} (audited)`, params, body: docSchema(revealBody) } }, async (request) => {
    requirePermission(request, perm('reveal'));
    const { id } = parseInput(idParams, request.params);
    const { fields, reason } = parseInput(revealBody, request.body);
    return inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, entity, ctx.actor, id);
      await hooksFor(entity.name).beforeReveal?.(ctx, entity, row, fields);
      const values: Record<string, string | null> = {};
      for (const name of fields) values[name] = revealField(entity.fields[name]!, name, row, services.cipher);
      await audit(ctx, entity.name, id, 'reveal', { fields, reason });
      return { values };
    });
  });
  if (entity.duplicateCheck?.length) registerDuplicateCheck(app, services, entity);
}

function registerDuplicateCheck(app: FastifyInstance, services: Services, entity: Entity) {
  const shape = Object.fromEntries(entity.duplicateCheck!.map((name) => [name, z.string().trim().min(1).max(30).optional()]));
  const body = z.strictObject({ ...shape, excludeId: z.number().int().positive().optional() });
  app.post(`/api/${entity.plural}/check-duplicates`, { schema: { tags: [entity.name], summary: `Find ${entity.label.en} with the same ID number or phone` } }, async (request) => {
    const actor = requirePermission(request, `${entity.name}:view`);
    const input = parseInput(body, request.body) as Record<string, string | number | undefined>;
    const matches: { field: string; id: number; code: string; label: string }[] = [];
    let outOfScope = 0;
    for (const name of entity.duplicateCheck!) {
      const value = input[name];
      if (typeof value !== 'string') continue;
      const column = `${columnName(name)}_bidx`;
      const hits = await services.database.db
        .selectFrom(entity.table)
        .select(['id'])
        .where(column, '=', services.cipher.blindIndex(value))
        .where('deleted_at', 'is', null)
        .where('id', '!=', Number(input.excludeId ?? -1))
        .limit(20)
        .execute();
      const ids = hits.map((hit) => Number(hit.id));
      const visible = ids.length ? await visibleSummaries(services, entity, actor, ids) : [];
      outOfScope += ids.length - visible.length;
      matches.push(...visible.map((item) => ({ field: name, ...item })));
    }
    return { matches, outOfScope };
  });
}

async function visibleSummaries(services: Services, entity: Entity, actor: Actor, ids: number[]) {
  const title = sql.ref(`${entity.table}.${columnName(entity.titleField)}`).as('title');
  const rows = await scopedRows(services.database.db, entity, actor)
    .select([`${entity.table}.id`, `${entity.table}.code`, title])
    .where(`${entity.table}.id`, 'in', ids)
    .execute();
  return rows.map((row) => ({ id: Number(row.id), code: String(row.code), label: String(row.title ?? '') }));
}

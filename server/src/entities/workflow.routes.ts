import type { Entity } from '@insure/model/entity';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTransaction, parseInput, requirePermission } from '../platform/http.ts';
import { docSchema } from '../platform/openapi.ts';
import type { Services } from './context.ts';
import { getRecord, loadRow } from './read.ts';
import { applyTransition, transitionInputSchema } from './workflow.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Explicit workflow routes: one per declared move (POST /api/claims/:id/actions/approve) and the timeline. */
export function registerWorkflowRoutes(app: FastifyInstance, services: Services, entity: Entity): void {
  const base = `/api/${entity.plural}`;
  for (const transition of entity.workflow!.transitions) {
    app.post(
      `${base}/:id/actions/${transition.action}`,
      { schema: { tags: [entity.name], summary: `${transition.label.en}: ${transition.from.join('/')} → ${transition.to}`, body: docSchema(transitionInputSchema) } },
      async (request) => {
        const { id } = parseInput(idParams, request.params);
        const input = parseInput(transitionInputSchema, request.body ?? {});
        await inTransaction(request, services, (ctx) => applyTransition(ctx, entity, id, transition.action, input));
        return getRecord(services, entity, request.actor!, id);
      },
    );
  }

  app.get(`${base}/:id/timeline`, { schema: { tags: [entity.name], summary: `Status timeline of one ${entity.name}` } }, async (request) => {
    const actor = requirePermission(request, `${entity.name}:view`);
    const { id } = parseInput(idParams, request.params);
    await loadRow(services.database.db, entity, actor, id);
    const rows = await services.database.db.selectFrom('record_events').selectAll().where('module', '=', entity.name).where('record_id', '=', id).orderBy('id').execute();
    return {
      items: rows.map((row) => ({
        id: Number(row.id),
        action: row.action,
        from: row.from_status,
        to: row.to_status,
        note: row.note,
        data: row.data ? JSON.parse(String(row.data)) : null,
        actorName: row.actor_name,
        at: row.at,
      })),
    };
  });
}

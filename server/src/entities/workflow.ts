import { fieldInputSchema } from '@insure/model/derive/zod';
import type { Entity, Transition } from '@insure/model/entity';
import { columnName } from '@insure/model/field';
import { z } from 'zod';
import type { Row } from '../db/database.ts';
import { AppError } from '../platform/errors.ts';
import { parseInput } from '../platform/http.ts';
import type { WriteContext } from './context.ts';
import { loadRow } from './read.ts';
import { fieldToColumns } from './row-mapper.ts';
import { audit } from './write.ts';
import { allowedActions } from './workflow-actions.ts';

export interface TransitionInput {
  version?: number;
  note?: string;
  values?: Record<string, unknown>;
}

/** Domain rules around a move (claim amounts, issuing a policy on approval), keyed by entity name. */
export interface WorkflowHooks {
  before?(ctx: WriteContext, entity: Entity, row: Row, transition: Transition, values: Record<string, unknown>): Promise<void>;
  after?(ctx: WriteContext, entity: Entity, id: number, transition: Transition, before: Row): Promise<void>;
}

const workflowHooks = new Map<string, WorkflowHooks[]>();
/** Several domains may react to one entity's moves (the policy's contract follows it, for instance): all run, in order. */
export const registerWorkflowHooks = (entityName: string, hooks: WorkflowHooks) => workflowHooks.set(entityName, [...(workflowHooks.get(entityName) ?? []), hooks]);


export const transitionInputSchema = z.strictObject({
  version: z.number().int().positive().optional(),
  note: z.string().trim().max(2000).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});

export async function recordEvent(ctx: WriteContext, entity: Entity, id: number, action: string, from: string | null, to: string, note: string | null, data: Record<string, unknown> | null) {
  await ctx.trx
    .insertInto('record_events')
    .values({
      module: entity.name,
      record_id: id,
      action,
      from_status: from,
      to_status: to,
      note,
      data: data ? JSON.stringify(data) : null,
      actor_id: ctx.actor.accountId,
      actor_name: ctx.actor.displayName,
      at: ctx.now.toISOString(),
    })
    .execute();
}

/**
 * One workflow move, all in the caller's transaction: permission, scope, current status (a conditional
 * update, so two racing moves cannot both happen), the move's own fields, domain rules, timeline and audit.
 */
export async function applyTransition(ctx: WriteContext, entity: Entity, id: number, action: string, input: TransitionInput, options: { system?: boolean } = {}): Promise<void> {
  const transition = entity.workflow?.transitions.find((candidate) => candidate.action === action);
  if (!transition) throw new AppError('NOT_FOUND');
  if (!options.system && !ctx.actor.permissions.has(`${entity.name}:${transition.permission}`)) {
    throw new AppError('FORBIDDEN', { permission: `${entity.name}:${transition.permission}` });
  }
  const row = await loadRow(ctx.trx, entity, ctx.actor, id, ctx.services.database.dialect === 'postgres');
  const status = String(row.status);
  if (input.version !== undefined && input.version !== Number(row.version)) throw new AppError('VERSION_CONFLICT', { currentVersion: Number(row.version) });
  if (!transition.from.includes(status)) {
    throw new AppError('INVALID_TRANSITION', { status, action, allowed: allowedActions(entity, ctx.actor, status) });
  }
  if (transition.requiresNote && !input.note) throw new AppError('VALIDATION', {}, { note: { reason: 'required' } });
  const shape = Object.fromEntries((transition.fields ?? []).map((name) => [name, fieldInputSchema(entity.fields[name]!).nullable().optional()]));
  const values = parseInput(z.strictObject(shape), input.values ?? {}) as Record<string, unknown>;
  for (const hooks of workflowHooks.get(entity.name) ?? []) await hooks.before?.(ctx, entity, row, transition, values);
  const columns: Row = {};
  for (const [name, value] of Object.entries(values)) {
    Object.assign(columns, fieldToColumns(name, entity.fields[name]!, value, ctx.services.cipher, ctx.services.database.dialect));
  }
  const updated = await ctx.trx
    .updateTable(entity.table)
    .set({ ...columns, status: transition.to, version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', id)
    .where('status', '=', status)
    .where('version', '=', Number(row.version))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('INVALID_TRANSITION', { status, action, allowed: [] });
  const missing = (transition.requires ?? []).filter((name) => (values[name] ?? row[columnName(name)]) == null);
  if (missing.length) throw new AppError('VALIDATION', {}, Object.fromEntries(missing.map((name) => [name, { reason: 'required' }])));
  await recordEvent(ctx, entity, id, action, status, transition.to, input.note ?? null, Object.keys(values).length ? values : null);
  await audit(ctx, entity.name, id, `transition:${action}`, { status: { before: status, after: transition.to }, ...(input.note ? { note: input.note } : {}), ...values });
  for (const hooks of workflowHooks.get(entity.name) ?? []) await hooks.after?.(ctx, entity, id, transition, row);
}

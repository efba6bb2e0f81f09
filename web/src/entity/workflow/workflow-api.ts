import type { Entity, Transition } from '@insure/model/entity';
import { z } from 'zod';
import { api } from '../../app/api-client.ts';
import { rowSchema, type EntityRow } from '../entity-api.ts';

const timelineItemSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  action: z.string(),
  from: z.string().nullable().optional(),
  to: z.string(),
  note: z.string().nullable().optional(),
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  actorName: z.string().nullable().optional(),
  at: z.string(),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;
const timelineSchema = z.looseObject({ items: z.array(timelineItemSchema) });

export interface TransitionBody {
  version: number;
  note?: string;
  values?: Record<string, unknown>;
}

export const workflowApi = {
  /** One move; answers the updated record. */
  act: (entity: Entity, id: number, action: string, body: TransitionBody): Promise<EntityRow> =>
    api.post(rowSchema, `/api/${entity.plural}/${id}/actions/${encodeURIComponent(action)}`, body),
  /** Status changes of one record, oldest first. */
  timeline: async (entity: Entity, id: number, signal?: AbortSignal): Promise<TimelineItem[]> =>
    (await api.get(timelineSchema, `/api/${entity.plural}/${id}/timeline`, signal)).items,
};

/** The declared moves the server says the caller may make on this row now, in declaration order. */
export function availableTransitions(entity: Entity, row: EntityRow): Transition[] {
  const allowed = new Set(row.can.actions);
  return (entity.workflow?.transitions ?? []).filter((transition) => allowed.has(transition.action));
}

export const transitionOf = (entity: Entity, action: string): Transition | undefined =>
  entity.workflow?.transitions.find((transition) => transition.action === action);

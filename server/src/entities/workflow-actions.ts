import { type Entity, transitionsFrom } from '@insure/model/entity';
import type { Actor } from '../platform/access/actor.ts';

/** Moves the actor may make from a status (what the UI offers as buttons). */
export const allowedActions = (entity: Entity, actor: Actor, status: string): string[] =>
  transitionsFrom(entity, status)
    .filter((transition) => actor.permissions.has(`${entity.name}:${transition.permission}`))
    .map((transition) => transition.action);

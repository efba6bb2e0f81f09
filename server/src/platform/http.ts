import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { RequestContext, Services, WriteContext } from '../entities/context.ts';
import type { Actor } from './access/actor.ts';
import { AppError } from './errors.ts';
import { zodToAppError } from './validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
    csrfToken: string | null;
    actorLocale: string | null;
  }
}

/** Path of the first string holding a NUL character (PostgreSQL text cannot store one; no field needs it). */
function pathWithNul(data: unknown): string | null {
  const pending: [unknown, string][] = [[data, '']];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string' && value.includes('\u0000')) return path || '_';
    if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      for (const [key, child] of Object.entries(value)) pending.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return null;
}

/** Validates input with a zod schema; failures become 400 VALIDATION with every field's reason. */
export function parseInput<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data ?? {});
  if (!result.success) throw zodToAppError(result.error, data);
  const withNul = pathWithNul(result.data);
  if (withNul) throw new AppError('VALIDATION', {}, { [withNul]: { reason: 'invalid_format' } });
  return result.data;
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

export function requirePermission(request: FastifyRequest, permission: string): Actor {
  const actor = requireActor(request);
  if (!actor.permissions.has(permission)) throw new AppError('FORBIDDEN', { permission });
  return actor;
}

export function requestContext(request: FastifyRequest, services: Services): RequestContext {
  return { actor: requireActor(request), ip: request.ip, requestId: String(request.id), now: services.clock.now() };
}

/** Runs a write in one transaction with its audit rows; nothing is half-written. */
export async function inTransaction<T>(request: FastifyRequest, services: Services, work: (ctx: WriteContext) => Promise<T>): Promise<T> {
  const base = requestContext(request, services);
  const committed: (() => Promise<void>)[] = [];
  const afterCommit = (job: () => Promise<void>) => void committed.push(job);
  const result = await services.database.db.transaction().execute((trx) => work({ ...base, trx, services, afterCommit }));
  for (const job of committed) await job();
  return result;
}

export const noContent = (reply: FastifyReply) => reply.code(204).send();

import type { WriteContext } from '../entities/context.ts';

/**
 * Business events leave through the outbox (ARCHITECTURE: side effects after commit): the row is written
 * in the transaction of the change itself, and the idempotency key makes a second write of the same
 * event a no-op, however many nodes or retries produce it.
 */
export async function enqueue(ctx: WriteContext, topic: string, idempotencyKey: string, payload: Record<string, unknown>): Promise<void> {
  const now = ctx.now.toISOString();
  await ctx.trx
    .insertInto('outbox')
    .values({ topic, idempotency_key: idempotencyKey, payload: JSON.stringify(payload), status: 'pending', attempts: 0, available_at: now, created_at: now })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .execute();
}

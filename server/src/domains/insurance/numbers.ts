import { sql } from 'kysely';
import type { WriteContext } from '../../entities/context.ts';

/** Business numbers such as P20261123000042: prefix, day, then a per-kind sequence. */
export async function nextBusinessNumber(ctx: WriteContext, kind: string, prefix: string): Promise<string> {
  const row = await ctx.trx
    .insertInto('sequences')
    .values({ name: kind, value: 1 })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: sql`sequences.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${prefix}${ctx.now.toISOString().slice(0, 10).replace(/-/g, '')}${String(row.value).padStart(6, '0')}`;
}

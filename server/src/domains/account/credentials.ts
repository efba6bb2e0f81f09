import type { DB, Dialect } from '../../db/database.ts';

export async function setPassword(trx: DB, dialect: Dialect, accountId: number, hash: string, mustChange: boolean, now: Date) {
  const values = { password_hash: hash, must_change: dialect === 'postgres' ? mustChange : mustChange ? 1 : 0, changed_at: now.toISOString() };
  await trx
    .insertInto('account_credentials')
    .values({ account_id: accountId, ...values })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(values))
    .execute();
}

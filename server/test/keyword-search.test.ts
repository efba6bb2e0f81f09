import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, loginAdmin, rawRows } from './test-app.ts';

// The keyword box per dialect: SQLite (and PostgreSQL without pg_trgm) matches the start of code and name
// case-insensitively; PostgreSQL with pg_trgm also matches inside them from three characters on, through
// GIN trigram indexes.
let app: TestApp;
let admin: Client;
let trigram: boolean;
const made: Record<string, { id: number; code: string }> = {};

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  trigram = app.services.database.keywordMode === 'trigram';
  const orgId = await headOfficeId(admin);
  for (const name of ['Harbour Insurance Brokers', 'harbourside trading', '上海浦东新区客户甲', '浦江客户乙', 'abc 测试']) {
    made[name] = (await createCustomer(admin, { orgId, name })) as { id: number; code: string };
  }
});
afterAll(() => app?.close());

async function search(q: string, url = '/api/customers'): Promise<number[]> {
  const response = await admin.request('GET', `${url}?q=${encodeURIComponent(q)}${url.endsWith('/options') ? '' : '&pageSize=50'}`);
  expect(response.status).toBe(200);
  if (response.body.total !== undefined) expect(response.body.total).toBe(response.body.items.length);
  return (response.body.items as { id: number }[]).map((item) => item.id).sort((a, b) => a - b);
}
const idsOf = (...names: string[]) => names.map((name) => made[name]!.id).sort((a, b) => a - b);

describe('keyword search', () => {
  it('runs with trigram substring search on PostgreSQL (pg_trgm is available there) and prefix search on SQLite', () => {
    expect(app.services.database.keywordMode).toBe(app.dialect === 'postgres' ? 'trigram' : 'prefix');
  });

  it('matches the start of a name on both dialects, whatever the letter case from three characters on', async () => {
    expect(await search('HARBOUR')).toEqual(idsOf('Harbour Insurance Brokers', 'harbourside trading'));
    // Shorter keywords stay on the prefix B-tree, whose LIKE is case-sensitive on PostgreSQL (as before pg_trgm).
    expect(await search('Ha')).toEqual(app.dialect === 'postgres' ? idsOf('Harbour Insurance Brokers') : idsOf('Harbour Insurance Brokers', 'harbourside trading'));
    expect(await search('浦')).toEqual(idsOf('浦江客户乙'));
    expect(await search('浦东')).toEqual([]);
  });

  it('matches inside a name or code from three characters on PostgreSQL only', async () => {
    expect(await search('insurance')).toEqual(trigram ? idsOf('Harbour Insurance Brokers') : []);
    expect(await search('浦东新区')).toEqual(trigram ? idsOf('上海浦东新区客户甲') : []);
    expect(await search('客户乙')).toEqual(trigram ? idsOf('浦江客户乙') : []);
    const code = made['浦江客户乙']!.code;
    const tail = code.slice(2);
    expect(await search(tail)).toEqual(trigram ? idsOf('浦江客户乙') : []);
    expect(await search(code.toLowerCase())).toEqual(idsOf('浦江客户乙'));
    // The relation picker searches the same way.
    expect(await search('浦东新区', '/api/customers/options')).toEqual(trigram ? idsOf('上海浦东新区客户甲') : []);
  });

  it('treats % and _ in the keyword as plain characters', async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('a_c')).toEqual([]);
    expect(await search('ab%')).toEqual([]);
    expect(await search('abc')).toEqual(idsOf('abc 测试'));
  });
});

describe.runIf(process.env.DATABASE_URL?.startsWith('postgres'))('trigram indexes on PostgreSQL', () => {
  it('has a GIN trigram index on every keyword column, and the planner can answer a substring search with it', async () => {
    const indexes = await rawRows<{ indexname: string; indexdef: string }>(app, `select indexname, indexdef from pg_indexes where schemaname = current_schema() and indexname like '%\\_trgm'`);
    const byName = Object.fromEntries(indexes.map((index) => [index.indexname, index.indexdef]));
    expect(byName.customers_name_trgm).toMatch(/USING gin \(name \w+\.gin_trgm_ops\)/);
    expect(byName.customers_code_trgm).toMatch(/gin_trgm_ops/);
    expect(byName.policies_code_trgm).toMatch(/gin_trgm_ops/);
    // A handful of rows reads fastest through the small B-tree; without it (dropped in a transaction that is
    // rolled back), the substring condition must become a condition of the trigram index.
    let plan = '';
    await app.services.database.db
      .transaction()
      .execute(async (trx) => {
        await sql`drop index customers_name_search`.execute(trx);
        await sql`set local enable_seqscan = off`.execute(trx);
        plan = (await sql<{ 'QUERY PLAN': string }>`explain select id from customers where name ilike ${'%浦东新区%'}`.execute(trx)).rows.map((row) => row['QUERY PLAN']).join('\n');
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    expect(plan).toMatch(/Bitmap Index Scan on customers_name_trgm[^\n]*\n\s+Index Cond: \(name ~~\* /);
    expect(plan).toContain('customers_name_trgm');
  });
});

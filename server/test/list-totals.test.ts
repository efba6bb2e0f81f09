import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writtenTables } from '../src/db/table-changes.ts';
import { createCustomer, createSalesperson, headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, createAccount, loginAdmin, login, rawRows, userPassword } from './test-app.ts';

// List totals are cached until a write touches their table: every way of writing must show at once.
let app: TestApp;
let admin: Client;
let headId: number;
let ownerA: number;
let salesA: Client;
const city = '嘉兴';
const listUrl = `/api/customers?city=${encodeURIComponent(city)}&pageSize=5`;

const total = async (client: Client, url = listUrl) => {
  const response = await client.request('GET', url);
  expect(response.status).toBe(200);
  return response.body.total as number;
};

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  ownerA = (await createSalesperson(admin, { orgId: headId })).id as number;
  salesA = await accountClient(app, admin, { loginName: 'totals-sales-a', orgId: headId, roles: ['salesperson'], salespersonId: ownerA });
  for (let n = 0; n < 3; n++) await createCustomer(admin, { orgId: headId, ownerId: n === 0 ? ownerA : null, city });
});
afterAll(() => app.close());

describe('list totals', () => {
  it('follow creates, updates, deletes, batch deletes and restores immediately', async () => {
    expect(await total(admin)).toBe(3);
    const created = await createCustomer(admin, { orgId: headId, city });
    expect(await total(admin)).toBe(4);

    const moved = await admin.request('PATCH', `/api/customers/${created.id}`, { city: '湖州', version: created.version });
    expect(moved.status).toBe(200);
    expect(await total(admin)).toBe(3);
    expect(await total(admin, `/api/customers?city=${encodeURIComponent('湖州')}`)).toBe(1);

    const removed = await admin.request('DELETE', `/api/customers/${created.id}`);
    expect(removed.status).toBe(204);
    expect(await total(admin, `/api/customers?city=${encodeURIComponent('湖州')}`)).toBe(0);
    expect((await admin.request('POST', `/api/customers/${created.id}/restore`)).status).toBe(200);
    expect(await total(admin, `/api/customers?city=${encodeURIComponent('湖州')}`)).toBe(1);

    const extra = [await createCustomer(admin, { orgId: headId, city }), await createCustomer(admin, { orgId: headId, city })];
    expect(await total(admin)).toBe(5);
    const batch = await admin.request('POST', '/api/customers/batch-delete', { ids: extra.map((record) => record.id) });
    expect(batch.status).toBe(200);
    expect(await total(admin)).toBe(3);
  });

  it('are kept per data scope: a salesperson counts only their own customers', async () => {
    expect(await total(admin)).toBe(3);
    expect(await total(salesA)).toBe(1);
    await createCustomer(salesA, { orgId: headId, ownerId: ownerA, city });
    expect(await total(salesA)).toBe(2);
    expect(await total(admin)).toBe(4);
  });

  it('follow writes that bypass the engine (raw SQL)', async () => {
    const before = await total(admin);
    await rawRows(app, `update customers set city = '绍兴' where city = '${city}' and deleted_at is null`);
    expect(await total(admin)).toBe(0);
    expect(await total(admin, `/api/customers?city=${encodeURIComponent('绍兴')}`)).toBe(before);
    await rawRows(app, `update customers set city = '${city}' where city = '绍兴'`);
    expect(await total(admin)).toBe(before);
  });

  it('follow writes made on another app node (Redis pub/sub) when the cluster shares Redis', async () => {
    if (!app.services.config.REDIS_URL) return;
    const other = await buildTestApp({ nodeOf: app });
    try {
      await createAccount(admin, { loginName: 'totals-sales-a2', orgId: headId, roles: ['salesperson'], salespersonId: ownerA });
      const otherAdmin = await login(other, 'totals-sales-a2', userPassword);
      const before = await total(otherAdmin);
      await createCustomer(salesA, { orgId: headId, ownerId: ownerA, city });
      // Pub/sub delivery is asynchronous: the other node must hear of it within moments, not after the cache's lifetime.
      let seen = before;
      for (let attempt = 0; attempt < 40 && seen === before; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen = await total(otherAdmin);
      }
      expect(seen).toBe(before + 1);
    } finally {
      await other.close();
    }
  });
});

describe('writtenTables', () => {
  const raw = (text: string) => writtenTables(CompiledQuery.raw(text));
  it('names the table of raw inserts, updates and deletes, and ignores reads', () => {
    expect(raw('insert into "customers" ("name") values (?)')).toEqual(['customers']);
    expect(raw('INSERT OR IGNORE INTO policies (code) values (1)')).toEqual(['policies']);
    expect(raw(' update claims set status = 1')).toEqual(['claims']);
    expect(raw('delete from "kv" where key = ?')).toEqual(['kv']);
    expect(raw('select count(*) from customers')).toBeNull();
    expect(raw('with x as (select 1) select * from x')).toBeNull();
  });
  it('treats statements it cannot read as writing everything', () => {
    expect(raw('with gone as (delete from customers returning id) select count(*) from gone')).toBe('all');
    expect(raw('vacuum')).toBe('all');
  });
});

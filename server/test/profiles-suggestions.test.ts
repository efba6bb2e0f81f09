import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomerBorn, createProduct, expectStatus, startOfTest } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp, rawRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let admin: Client;
let parent: number;
const products: Record<string, number> = {};

const suggestions = async (client: Client = admin) => expectStatus(await client.request('GET', `/api/customers/${parent}/suggestions`), 200, 'suggestions').body as { items: { productId: number; gapCode: string; score: number; why: { rule: string; data: Record<string, unknown> } }[]; excluded: { productId: number; reason: string }[] };

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock(startOfTest) });
  fx = await buildScopeFixture(app);
  admin = fx.admin;
  products.health = (await createProduct(admin, { name: '百万医疗', insuranceType: 'health', minAge: 18, maxAge: 60, basePremium: 600 })).id;
  products.life = (await createProduct(admin, { name: '定期寿险', insuranceType: 'life', minAge: 18, maxAge: 60, basePremium: 1_500, requiredQualification: 'agentLicence' })).id;
  products.accident = (await createProduct(admin, { name: '青年意外险', insuranceType: 'accident', minAge: 18, maxAge: 30 })).id;
  products.auto = (await createProduct(admin, { name: '车险', insuranceType: 'auto', minAge: 18, maxAge: 80 })).id;
  const base = { orgId: fx.teamX1, ownerId: fx.salespeople.a };
  parent = (await createCustomerBorn(admin, '1986-03-10', { ...base, maritalStatus: 'married', occupation: '会计' })).id;
  const child = (await createCustomerBorn(admin, '2018-07-01', base)).id;
  expectStatus(await admin.request('POST', '/api/customer-relations', { customerId: parent, relatedId: child, relation: 'child' }), 201, 'household');
});
afterAll(() => app.close());

describe('next-best-product', () => {
  it('ranks products for the gaps the customer may buy and the owner may sell, each with why', async () => {
    const result = await suggestions();
    expect(result.items.map((item) => [item.productId, item.gapCode, item.score])).toEqual([[products.health, 'no_medical', 100]]);
    expect(result.items[0]!.why).toEqual({ rule: 'suggest_gap', data: { gap: 'no_medical', lifeStage: 'parent', age: 40, minAge: 18, maxAge: 60, qualification: null } });
    expect(result.excluded.map((entry) => [entry.productId, entry.reason]).sort()).toEqual(
      [
        [products.life, 'owner_not_qualified'],
        [products.accident, 'age'],
      ].sort(),
    );
  });

  it('a qualification of the owner makes a product eligible', async () => {
    expectStatus(await admin.request('POST', '/api/qualifications', { salespersonId: fx.salespeople.a, type: 'agentLicence', certificateNo: 'A-1', issuedOn: '2024-01-01', expiresOn: '2028-12-31', orgId: fx.teamX1 }), 201, 'licence');
    expect((await suggestions()).items.map((item) => [item.productId, item.gapCode])).toEqual([
      [products.health, 'no_medical'],
      [products.life, 'parent_no_life'],
    ]);
  });

  it('accept opens an opportunity; skip needs a reason; both are kept and counted', async () => {
    const accepted = expectStatus(await fx.users.a.request('POST', `/api/customers/${parent}/suggestions/${products.health}/accept`), 201, 'accept').body;
    const opportunity = expectStatus(await admin.request('GET', `/api/opportunities/${accepted.opportunityId}`), 200, 'opportunity').body;
    expect(opportunity).toMatchObject({ customerId: parent, productId: products.health, ownerId: fx.salespeople.a, orgId: fx.teamX1, stage: 'lead' });

    const noReason = await fx.users.a.request('POST', `/api/customers/${parent}/suggestions/${products.life}/skip`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.reasons).toEqual({ reason: 'required' });
    expectStatus(await fx.users.a.request('POST', `/api/customers/${parent}/suggestions/${products.life}/skip`, { reason: '客户已有他司寿险计划' }), 204, 'skip');
    // decided products are not suggested again for a while
    expect((await suggestions()).items).toEqual([]);
    const notSuggested = await fx.users.a.request('POST', `/api/customers/${parent}/suggestions/${products.auto}/accept`);
    expect(notSuggested.status).toBe(400);
    expect(notSuggested.body.reasons).toEqual({ productId: 'invalid_option' });

    const rows = await rawRows<{ outcome: string; reason: string | null; gap_code: string }>(app, `select outcome, reason, gap_code from product_suggestion_outcomes order by id`);
    expect(rows).toEqual([
      { outcome: 'accepted', reason: null, gap_code: 'no_medical' },
      { outcome: 'skipped', reason: '客户已有他司寿险计划', gap_code: 'parent_no_life' },
    ]);
    const stats = expectStatus(await admin.request('GET', '/api/profiles/suggestion-stats'), 200, 'stats').body;
    expect(stats).toEqual({ accepted: 1, skipped: 1, acceptanceRate: 0.5, skipReasons: [{ reason: '客户已有他司寿险计划', count: 1 }] });
    // another branch sees none of it
    expect(expectStatus(await fx.users.managerY.request('GET', '/api/profiles/suggestion-stats'), 200, 'stats Y').body).toMatchObject({ accepted: 0, skipped: 0, acceptanceRate: null });
  });

  it('stays in the data scope', async () => {
    expectStatus(await fx.users.c.request('GET', `/api/customers/${parent}/suggestions`), 404, 'other branch');
    expectStatus(await fx.users.c.request('POST', `/api/customers/${parent}/suggestions/${products.health}/accept`), 404, 'other branch accept');
  });
});

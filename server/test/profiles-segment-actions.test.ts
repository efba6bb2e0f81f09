import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { auditRows, createProduct, expectStatus, startOfTest } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp, rawRows } from './test-app.ts';

/** Segments with custom-field conditions, opportunities from a segment, and the profile settings with their rebuild. */
let app: TestApp;
let fx: ScopeFixture;
let admin: Client;

type Row = Record<string, any>;
const customValues = new Map<number, Record<string, string | number>>();

async function preview(definition: unknown, client = admin) {
  return expectStatus(await client.request('POST', '/api/customer-segments/preview', { definition, limit: 100 }), 200, 'preview').body as { count: number; items: { id: number }[] };
}
const liveCustomers = async (): Promise<Row[]> => rawRows(app, 'select id, org_id, owner_id from customers where deleted_at is null order by id');

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock(startOfTest), demoCustomers: 30 });
  fx = await buildScopeFixture(app);
  admin = fx.admin;
  const field = (body: Record<string, unknown>) => admin.request('POST', '/api/custom-field-definitions', { entityName: 'customer', ...body });
  expectStatus(await field({ key: 'channel', labelZh: '偏好渠道', labelEn: 'Preferred channel', kind: 'select', options: '微信\n电话\n上门' }), 201, 'select field');
  expectStatus(await field({ key: 'visitDate', labelZh: '上次拜访', labelEn: 'Last visit', kind: 'date' }), 201, 'date field');
  expectStatus(await field({ key: 'carCount', labelZh: '车辆数', labelEn: 'Cars', kind: 'number' }), 201, 'number field');
  expectStatus(await field({ key: 'memo', labelZh: '内部备注', labelEn: 'Memo', kind: 'text', filterable: false }), 201, 'unsearchable field');
  const customers = await liveCustomers();
  for (const [index, customer] of customers.slice(0, 24).entries()) {
    const values: Record<string, string | number> = { carCount: index % 4 };
    if (index % 3) values.channel = ['微信', '电话', '上门'][index % 3]!;
    if (index % 2) values.visitDate = `2026-0${1 + (index % 5)}-15`;
    const current = await admin.request('GET', `/api/customers/${customer.id}`);
    expectStatus(await admin.request('PATCH', `/api/customers/${customer.id}`, { version: current.body.version, custom: values }), 200, 'custom values');
    customValues.set(Number(customer.id), values);
  }
});
afterAll(() => app.close());

describe('segment conditions on custom fields', () => {
  it('lists the searchable custom fields with operators and options by their type', async () => {
    const { fields } = expectStatus(await admin.request('GET', '/api/customer-segments/fields'), 200, 'fields').body as { fields: Row[] };
    const byField = Object.fromEntries(fields.map((entry) => [entry.field, entry]));
    expect(byField['custom.channel']).toEqual({ field: 'custom.channel', group: 'custom', kind: 'enum', operators: ['eq', 'ne', 'in', 'notIn', 'isEmpty', 'notEmpty'], label: { zh: '偏好渠道', en: 'Preferred channel' }, options: ['微信', '电话', '上门'] });
    expect(byField['custom.visitDate']).toMatchObject({ kind: 'date', operators: expect.arrayContaining(['before', 'after', 'withinLastDays', 'isEmpty']) });
    expect(byField['custom.carCount']).toMatchObject({ kind: 'number', operators: expect.arrayContaining(['between', 'gte', 'lte']) });
    expect(byField['custom.memo']).toBeUndefined();
    expect(byField['profile.lifeStage']).toMatchObject({ group: 'profile' });
    expect(byField['customer.gender']).toMatchObject({ group: 'customer' });
    expect(byField.tag).toMatchObject({ group: 'tag' });
  });

  it('select, date and number conditions equal a straightforward filter over the stored values', async () => {
    const definition = {
      op: 'or',
      items: [
        { op: 'and', items: [{ field: 'custom.channel', op: 'in', value: ['微信', '上门'] }, { field: 'custom.visitDate', op: 'after', value: '2026-02-20' }] },
        { field: 'custom.carCount', op: 'between', value: [3, 3] },
      ],
    };
    const expected = [...customValues].filter(([, values]) => (['微信', '上门'].includes(String(values.channel)) && String(values.visitDate ?? '') > '2026-02-20') || values.carCount === 3).map(([id]) => id);
    expect(expected.length).toBeGreaterThan(2);
    expect((await preview(definition)).items.map((item) => item.id)).toEqual(expected);
    const withoutChannel = await preview({ op: 'and', items: [{ field: 'custom.channel', op: 'isEmpty' }] });
    const all = await liveCustomers();
    expect(withoutChannel.count).toBe(all.filter((row) => customValues.get(Number(row.id))?.channel === undefined).length);
    const recent = await preview({ op: 'and', items: [{ field: 'custom.visitDate', op: 'withinLastDays', value: 90 }] });
    expect(recent.items.map((item) => item.id)).toEqual([...customValues].filter(([, values]) => String(values.visitDate ?? '') >= '2026-03-03').map(([id]) => id));
  });

  it('refuses an option a select does not have, an operator of another type and an unsearchable field', async () => {
    const bad = await admin.request('POST', '/api/customer-segments/preview', {
      definition: {
        op: 'and',
        items: [
          { field: 'custom.channel', op: 'eq', value: '传真' },
          { field: 'custom.carCount', op: 'contains', value: '1' },
          { field: 'custom.memo', op: 'eq', value: 'x' },
          { field: 'custom.visitDate', op: 'before', value: 'soon' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toEqual({ 'definition.items.0.value': 'invalid_option', 'definition.items.1.op': 'invalid_option', 'definition.items.2.field': 'unknown_field', 'definition.items.3.value': 'invalid_format' });
  });
});

describe('opportunities from a segment', () => {
  let segmentX: number;
  let product: number;
  const branchX = () => new Set([fx.branchX, fx.teamX1]);
  const openFor = async (productId: number) => rawRows<Row>(app, `select customer_id, owner_id, org_id, stage, expected_close_date from opportunities where product_id = ${productId} and deleted_at is null order by customer_id`);

  beforeAll(async () => {
    product = (await createProduct(admin, { insuranceType: 'accident', minAge: 0, maxAge: 100 })).id;
    segmentX = expectStatus(await fx.users.managerX.request('POST', '/api/customer-segments', { name: 'X 全部客户', definition: JSON.stringify({ op: 'and', items: [] }), orgId: fx.branchX }), 201, 'segment').body.id;
    // customer A already has an open opportunity for the product
    expectStatus(await admin.request('POST', '/api/opportunities', { title: '已有机会', customerId: fx.customers.a.id, productId: product, ownerId: fx.salespeople.a, orgId: fx.teamX1 }), 201, 'existing opportunity');
  });

  it('counts first (dry run): members in my scope, who would get one and who is skipped and why; nothing written', async () => {
    const members = (await liveCustomers()).filter((row) => branchX().has(Number(row.org_id)));
    const unowned = members.filter((row) => row.owner_id == null).length;
    const before = (await openFor(product)).length;
    const counted = expectStatus(await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: product, dryRun: true }), 200, 'dry run').body;
    expect(counted).toEqual({ segmentId: segmentX, productId: product, dryRun: true, members: members.length, created: members.length - unowned - 1, skipped: unowned + 1, skippedByReason: { open_opportunity: 1, no_owner: unowned }, opportunityIds: [] });
    expect(unowned).toBeGreaterThan(0);
    expect((await openFor(product)).length).toBe(before);
  });

  it("creates them for the customers' owners at the chosen stage, audited, and a second run creates none", async () => {
    const members = (await liveCustomers()).filter((row) => branchX().has(Number(row.org_id)));
    const result = expectStatus(await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: product, stage: 'contacted', expectedCloseDate: '2026-07-31' }), 201, 'create').body;
    const expected = members.filter((row) => row.owner_id != null && Number(row.id) !== Number(fx.customers.a.id));
    expect(result).toMatchObject({ dryRun: false, created: expected.length, skipped: members.length - expected.length });
    expect(result.opportunityIds).toHaveLength(expected.length);
    const rows = (await openFor(product)).filter((row) => row.stage === 'contacted');
    expect(rows.map((row) => [Number(row.customer_id), Number(row.owner_id), Number(row.org_id), row.expected_close_date])).toEqual(expected.map((row) => [Number(row.id), Number(row.owner_id), Number(row.org_id), '2026-07-31']));
    const [summary] = await auditRows(app, 'customerSegment', 'create_opportunities');
    expect(summary).toMatchObject({ recordId: segmentX, changes: { productId: product, stage: 'contacted', owner: 'customerOwner', created: expected.length, skipped: { open_opportunity: 1 } } });
    expect((await auditRows(app, 'opportunity', 'create')).length).toBeGreaterThanOrEqual(expected.length + 1);

    const again = expectStatus(await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: product }), 201, 'again').body;
    expect(again).toMatchObject({ created: 0, skippedByReason: { open_opportunity: expected.length + 1 } });
  });

  it('a fixed owner takes the ownerless customers too; an owner outside my scope or a product not on sale is refused', async () => {
    const other = (await createProduct(admin, { insuranceType: 'health', minAge: 0, maxAge: 100 })).id;
    const members = (await liveCustomers()).filter((row) => branchX().has(Number(row.org_id)));
    const refused = await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: other, owner: 'salesperson', ownerId: fx.salespeople.c });
    expect(refused.status).toBe(400);
    expect(refused.body.reasons).toEqual({ ownerId: 'reference_unavailable' });
    expect((await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: other, owner: 'salesperson' })).body.reasons).toEqual({ ownerId: 'required' });
    expect((await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: 99_999_999 })).body.reasons).toEqual({ productId: 'reference_unavailable' });
    expect((await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: other, stage: 'won' })).body.reasons).toEqual({ stage: 'invalid_value' });
    const result = expectStatus(await fx.users.managerX.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: other, owner: 'salesperson', ownerId: fx.salespeople.b }), 201, 'fixed owner').body;
    expect(result).toMatchObject({ created: members.length, skipped: 0 });
    expect(new Set((await openFor(other)).map((row) => Number(row.owner_id)))).toEqual(new Set([fx.salespeople.b]));
  });

  it("a salesperson reaches only their own customers; another branch's segment is not found", async () => {
    const third = (await createProduct(admin, { insuranceType: 'life', minAge: 0, maxAge: 100 })).id;
    const segmentTeam = expectStatus(await fx.users.managerX.request('POST', '/api/customer-segments', { name: 'X1 客户', definition: JSON.stringify({ op: 'and', items: [] }), orgId: fx.teamX1 }), 201, 'team segment').body.id;
    const own = (await liveCustomers()).filter((row) => Number(row.owner_id) === fx.salespeople.a);
    const result = expectStatus(await fx.users.a.request('POST', `/api/customer-segments/${segmentTeam}/opportunities`, { productId: third, owner: 'me' }), 201, 'salesperson').body;
    expect(result).toMatchObject({ members: own.length, created: own.length });
    expect((await openFor(third)).map((row) => [Number(row.customer_id), Number(row.owner_id)])).toEqual(own.map((row) => [Number(row.id), fx.salespeople.a]));
    expectStatus(await fx.users.managerY.request('POST', `/api/customer-segments/${segmentX}/opportunities`, { productId: third, dryRun: true }), 404, 'other branch');
  });
});

describe('profile settings', () => {
  const defaults = async () => expectStatus(await admin.request('GET', '/api/profiles/settings'), 200, 'settings').body as Row;
  const settle = async () => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const status = expectStatus(await admin.request('GET', '/api/profiles/rebuild'), 200, 'status').body;
      if (!['queued', 'running'].includes(status.state)) return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the rebuild did not finish');
  };

  it('are changed company-wide only: a branch manager with tag rights is refused', async () => {
    const response = await fx.users.managerX.request('PUT', '/api/profiles/settings', await defaults());
    expect(response.status).toBe(403);
  });

  it('name every bad field, then the rules between fields, on the field to change', async () => {
    const settings = await defaults();
    const bad = await admin.request('PUT', '/api/profiles/settings', { ...settings, adultAge: 'x', risk: { ...settings.risk, highFrom: 200 }, tiers: [{ tier: 'gold', minScore: 30 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toEqual({ adultAge: 'invalid_type', 'risk.highFrom': 'too_big', 'tiers.0.minScore': 'too_big' });
    const crossed = await admin.request('PUT', '/api/profiles/settings', {
      ...settings,
      retirementAge: 45,
      rfm: { ...settings.rfm, frequency: [2, 2, 5, 8] },
      tiers: [...settings.tiers, { tier: 'gold', minScore: 5 }],
      engagement: { activeDays: 90, dormantDays: 30 },
    });
    expect(crossed.body.reasons).toEqual({ retirementAge: 'not_ascending', 'rfm.frequency': 'not_ascending', 'tiers.4.tier': 'duplicate', 'engagement.dormantDays': 'not_ascending' });
  });

  it('are saved with an audit row and every stored profile is recomputed right after', async () => {
    const settings = await defaults();
    const gapsOfYoungSingles = async () => rawRows<Row>(app, "select gap_codes from customer_profiles where life_stage = 'youngSingle'");
    const before = await gapsOfYoungSingles();
    expect(before.length).toBeGreaterThan(0);
    expect(before.some((row) => String(row.gap_codes).includes(',missing_life,'))).toBe(false);
    const saved = expectStatus(await admin.request('PUT', '/api/profiles/settings', { ...settings, needs: { ...settings.needs, youngSingle: ['health', 'accident', 'life'] } }), 200, 'save').body;
    expect(saved.settings.needs.youngSingle).toEqual(['health', 'accident', 'life']);
    expect(['queued', 'running', 'done']).toContain(saved.rebuild.state);
    const status = await settle();
    expect(status).toMatchObject({ state: 'done', customers: (await liveCustomers()).length, settingsUpdatedBy: expect.any(String), nightlyAt: '01:45' });
    const after = await gapsOfYoungSingles();
    const lifeHolders = await rawRows<Row>(app, "select count(*) as n from customer_profiles where life_stage = 'youngSingle' and holding_types like '%,life,%'");
    expect(after.filter((row) => String(row.gap_codes).includes(',missing_life,')).length).toBe(after.length - Number(lifeHolders[0]!.n));
    const [entry] = await auditRows(app, 'profileSettings', 'update');
    expect(Object.keys(entry!.changes)).toEqual(['needs']);
    expect(entry!.changes.needs.after.youngSingle).toEqual(['health', 'accident', 'life']);
  });

  it('can leave the recompute to the nightly job', async () => {
    const settings = await defaults();
    const previous = await settle();
    const saved = expectStatus(await admin.request('PUT', '/api/profiles/settings?rebuild=nightly', { ...settings, risk: { ...settings.risk, singleProduct: 12 } }), 200, 'save').body;
    expect(saved.rebuild).toMatchObject({ state: 'done', finishedAt: previous.finishedAt });
    expect((await defaults()).risk.singleProduct).toBe(12);
  });
});

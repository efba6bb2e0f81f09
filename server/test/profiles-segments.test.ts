import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createPolicy, createProduct, expectStatus, startOfTest } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp, rawRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let admin: Client;
let vipTag: number;
let groupId: number;

type Row = Record<string, any>;
/** The oracle: every live customer with its profile, read plainly and filtered in the test. */
const everyone = async (): Promise<Row[]> =>
  rawRows(app, 'select c.id, c.gender, c.province, c.org_id, c.owner_id, p.* from customers c left join customer_profiles p on p.customer_id = c.id where c.deleted_at is null order by c.id');
const idsOf = (rows: Row[]) => rows.map((row) => Number(row.id));

async function preview(definition: unknown, client = admin) {
  return expectStatus(await client.request('POST', '/api/customer-segments/preview', { definition, limit: 100 }), 200, 'preview').body as { count: number; items: { id: number }[] };
}

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock(startOfTest), demoCustomers: 60 });
  fx = await buildScopeFixture(app);
  admin = fx.admin;
  const product = (await createProduct(admin, { insuranceType: 'health', minAge: 0, maxAge: 100 })).id;
  const customers = await rawRows<{ id: number; org_id: number }>(app, 'select id, org_id from customers where deleted_at is null order by id');
  // every fifth customer holds an in-force health policy
  for (const customer of customers.filter((_row, index) => index % 5 === 0)) {
    await createPolicy(admin, { applicantId: Number(customer.id), insuredId: Number(customer.id), productId: product, orgId: Number(customer.org_id), premium: 2_000 + Number(customer.id) * 10 });
  }
  vipTag = expectStatus(await admin.request('POST', '/api/customer-tags', { name: '分群测试VIP' }), 201, 'tag').body.id;
  groupId = expectStatus(await admin.request('POST', '/api/customer-groups', { name: '重点组', orgId: fx.headId }), 201, 'group').body.id;
  for (const customer of customers.filter((_row, index) => index % 3 === 0)) {
    const current = await admin.request('GET', `/api/customers/${customer.id}`);
    expectStatus(await admin.request('PATCH', `/api/customers/${customer.id}`, { version: current.body.version, tagIds: [vipTag], groupIds: index(customer.id) % 2 ? [groupId] : [] }), 200, 'tag customer');
  }
});
afterAll(() => app.close());
const index = (id: number) => Number(id);

describe('segment results equal a straightforward query', () => {
  it('AND over profile and customer fields', async () => {
    const definition = { op: 'and', items: [{ field: 'profile.lifeStage', op: 'in', value: ['couple', 'youngSingle', 'preRetirement'] }, { field: 'customer.gender', op: 'eq', value: 'female' }, { field: 'profile.completeness', op: 'gte', value: 50 }] };
    const expected = (await everyone()).filter((row) => ['couple', 'youngSingle', 'preRetirement'].includes(row.life_stage) && row.gender === 'female' && Number(row.completeness) >= 50);
    const result = await preview(definition);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.count).toBe(expected.length);
    expect(result.items.map((item) => item.id)).toEqual(idsOf(expected).slice(0, 100));
  });

  it('nested OR groups, holdings, money and numbers', async () => {
    const definition = {
      op: 'or',
      items: [
        { op: 'and', items: [{ field: 'profile.holdings', op: 'contains', value: 'health' }, { field: 'profile.totalPremium', op: 'gte', value: 2_300 }] },
        { op: 'and', items: [{ field: 'profile.age', op: 'between', value: [30, 40] }, { field: 'profile.gaps', op: 'contains', value: 'no_medical' }] },
      ],
    };
    const expected = (await everyone()).filter(
      (row) => (String(row.holding_types).includes(',health,') && Number(row.total_premium) >= 230_000) || (row.age != null && Number(row.age) >= 30 && Number(row.age) <= 40 && String(row.gap_codes).includes(',no_medical,')),
    );
    const result = await preview(definition);
    expect(result.count).toBe(expected.length);
    expect(result.items.map((item) => item.id)).toEqual(idsOf(expected).slice(0, 100));
  });

  it('set conditions: holds none of, has any of (on PostgreSQL as array containment, GIN-indexed)', async () => {
    const definition = { op: 'and', items: [{ field: 'profile.holdings', op: 'notContains', value: 'health' }, { field: 'profile.gaps', op: 'containsAny', value: ['no_medical', 'parent_no_life'] }] };
    const expected = (await everyone()).filter(
      (row) => !String(row.holding_types ?? '').includes(',health,') && ['no_medical', 'parent_no_life'].some((code) => String(row.gap_codes ?? '').includes(`,${code},`)),
    );
    const result = await preview(definition);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.count).toBe(expected.length);
    expect(result.items.map((item) => item.id)).toEqual(idsOf(expected).slice(0, 100));
  });

  it('tags, groups and value tiers', async () => {
    const tagged = new Set((await rawRows<{ owner_id: number }>(app, `select owner_id from customers__tag_ids where target_id = ${vipTag}`)).map((row) => Number(row.owner_id)));
    const grouped = new Set((await rawRows<{ owner_id: number }>(app, `select owner_id from customers__group_ids where target_id = ${groupId}`)).map((row) => Number(row.owner_id)));
    const definition = { op: 'and', items: [{ field: 'tag', op: 'has', value: vipTag }, { field: 'group', op: 'notIn', value: [groupId] }, { field: 'profile.valueTier', op: 'ne', value: 'gold' }] };
    const expected = (await everyone()).filter((row) => tagged.has(Number(row.id)) && !grouped.has(Number(row.id)) && row.value_tier !== 'gold');
    expect(expected.length).toBeGreaterThan(0);
    expect((await preview(definition)).count).toBe(expected.length);
    // the manual tag is recorded with since when
    const [assignment] = await rawRows<{ since: string; source: string }>(app, `select since, source from customer_tag_assignments where tag_id = ${vipTag} limit 1`);
    expect(assignment).toMatchObject({ source: 'manual' });
  });

  it('custom fields (number range and text) in the same single query', async () => {
    expectStatus(await admin.request('POST', '/api/custom-field-definitions', { entityName: 'customer', key: 'carCount', labelZh: '车辆数', labelEn: 'Cars', kind: 'number' }), 201, 'number field');
    expectStatus(await admin.request('POST', '/api/custom-field-definitions', { entityName: 'customer', key: 'hobby', labelZh: '爱好', labelEn: 'Hobby', kind: 'text' }), 201, 'text field');
    const customers = await rawRows<{ id: number }>(app, 'select id from customers where deleted_at is null order by id limit 12');
    for (const [index, customer] of customers.entries()) {
      const current = await admin.request('GET', `/api/customers/${customer.id}`);
      expectStatus(await admin.request('PATCH', `/api/customers/${customer.id}`, { version: current.body.version, custom: { carCount: index % 4, hobby: index % 3 ? '钓鱼' : '登山' } }), 200, 'custom values');
    }
    const definition = { op: 'and', items: [{ field: 'custom.carCount', op: 'gte', value: 2 }, { field: 'custom.hobby', op: 'contains', value: '钓' }] };
    const expected = customers.filter((_row, index) => index % 4 >= 2 && index % 3 !== 0).map((row) => Number(row.id));
    const result = await preview(definition);
    expect(result.items.map((item) => item.id)).toEqual(expected);
    const unknown = await admin.request('POST', '/api/customer-segments/preview', { definition: { op: 'and', items: [{ field: 'custom.nope', op: 'eq', value: 1 }] } });
    expect(unknown.body.reasons).toEqual({ 'definition.items.0.field': 'unknown_field' });
  });

  it('saved segments return their member ids for campaigns and SMS sends', async () => {
    const definition = { op: 'and', items: [{ field: 'profile.holdings', op: 'contains', value: 'health' }] };
    const segment = expectStatus(await admin.request('POST', '/api/customer-segments', { name: '有医疗险', definition: JSON.stringify(definition), orgId: fx.headId }), 201, 'segment').body;
    const expected = idsOf((await everyone()).filter((row) => String(row.holding_types).includes(',health,')));
    const members = expectStatus(await admin.request('GET', `/api/customer-segments/${segment.id}/members`), 200, 'members').body;
    expect(members).toEqual({ segmentId: segment.id, count: expected.length, customerIds: expected });
    const saved = expectStatus(await admin.request('GET', `/api/customer-segments/${segment.id}/preview`), 200, 'saved preview').body;
    expect(saved.count).toBe(expected.length);
    expect((await admin.request('GET', `/api/customer-segments/${segment.id}`)).body.lastCount).toBe(expected.length);
  });
});

describe('segments as targets', () => {
  it('an SMS manual send, a campaign invite and a survey send take a segment, within the sender’s scope', async () => {
    const definition = { op: 'and', items: [{ field: 'profile.holdings', op: 'contains', value: 'health' }] };
    const segment = expectStatus(await admin.request('POST', '/api/customer-segments', { name: '医疗险客户', definition: JSON.stringify(definition), orgId: fx.headId }), 201, 'segment').body;
    const holders = (await everyone()).filter((row) => String(row.holding_types).includes(',health,'));
    const template = expectStatus(await admin.request('POST', '/api/sms-templates', { name: '分群群发', kind: 'birthday', contentZh: '{customerName}您好', enabled: true }), 201, 'template').body;
    const preview = expectStatus(await admin.request('POST', '/api/sms/manual/preview', { templateId: template.id, segmentId: segment.id }), 200, 'sms preview').body;
    const reached = [...preview.recipients, ...preview.excluded].map((entry: { customerId: number }) => entry.customerId).sort((a: number, b: number) => a - b);
    expect(reached).toEqual(idsOf(holders));

    const campaign = expectStatus(
      await admin.request('POST', '/api/campaigns', { name: '医疗险客户沙龙', startAt: '2026-06-10T09:00:00.000Z', location: '会议室', attributionDays: 10, budget: 1_000, cost: 500, orgId: fx.headId, status: 'ongoing' }),
      201,
      'campaign',
    ).body;
    expect(expectStatus(await admin.request('POST', `/api/campaigns/${campaign.id}/participants/from-audience`, { segmentId: segment.id }), 201, 'invite').body.added).toBe(holders.length);
    // another branch's manager cannot use a head-office segment
    expectStatus(await fx.users.managerY.request('POST', '/api/sms/manual/preview', { templateId: template.id, segmentId: segment.id }), 404, 'foreign segment');

    const questions = [{ key: 'overall', type: 'rating', label: '总体满意度', required: true }];
    const surveyTemplate = expectStatus(await admin.request('POST', '/api/survey-templates', { name: '医疗险回访', trigger: 'manual', questions: JSON.stringify(questions), orgId: fx.headId }), 201, 'survey template').body;
    const sent = expectStatus(await admin.request('POST', '/api/surveys/send', { templateId: surveyTemplate.id, segmentId: segment.id }), 201, 'survey send').body;
    expect(sent.items.map((item: { customerId: number }) => item.customerId).sort((a: number, b: number) => a - b)).toEqual(idsOf(holders));
    expect(new Set(sent.items.map((item: { link: string }) => item.link)).size).toBe(holders.length);
    expectStatus(await fx.users.managerY.request('POST', '/api/surveys/send', { templateId: surveyTemplate.id, segmentId: segment.id }), 404, 'foreign segment survey');
  });
});

describe('scope and bad input', () => {
  it('membership respects the caller’s data scope', async () => {
    const all = { op: 'and', items: [] };
    const rows = await everyone();
    expect((await preview(all)).count).toBe(rows.length);
    expect((await preview(all, fx.users.a)).count).toBe(rows.filter((row) => Number(row.owner_id) === fx.salespeople.a).length);
    const branchX = new Set([fx.branchX, fx.teamX1]);
    expect((await preview(all, fx.users.managerX)).count).toBe(rows.filter((row) => branchX.has(Number(row.org_id))).length);
  });

  it("another branch's saved segment is not found", async () => {
    const segment = expectStatus(await fx.users.managerX.request('POST', '/api/customer-segments', { name: 'X 分群', definition: JSON.stringify({ op: 'and', items: [] }), orgId: fx.branchX }), 201, 'segment X').body;
    expectStatus(await fx.users.managerY.request('GET', `/api/customer-segments/${segment.id}/members`), 404, 'other branch');
    const mine = expectStatus(await fx.users.managerX.request('GET', `/api/customer-segments/${segment.id}/members`), 200, 'own branch').body;
    expect(mine.count).toBe((await everyone()).filter((row) => [fx.branchX, fx.teamX1].includes(Number(row.org_id))).length);
  });

  it('refuses unknown fields, operators and values with field reasons', async () => {
    const bad = await admin.request('POST', '/api/customer-segments/preview', { definition: { op: 'and', items: [{ field: 'profile.valueTier', op: 'gt', value: 1 }, { field: 'profile.age', op: 'gte', value: 'old' }, { field: 'x', op: 'eq', value: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toEqual({ 'definition.items.0.op': 'invalid_option', 'definition.items.1.value': 'invalid_format', 'definition.items.2.field': 'unknown_field' });
    const saved = await admin.request('POST', '/api/customer-segments', { name: '坏', definition: 'not json', orgId: fx.headId });
    expect(saved.status).toBe(400);
    expect(saved.body.reasons).toEqual({ definition: 'invalid_format' });
  });
});

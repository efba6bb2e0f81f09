import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createOrganisation, createSalesperson, headOfficeId, validIdNumber } from './factories.ts';
import { auditRows, createClaim, createPolicy, createProduct, expectStatus } from './insurance-factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, loginAdmin, rawRows } from './test-app.ts';

/**
 * Fixture (clock 2026-06-16):
 *   head ── branch X: salespeople A and B        head ── branch Y: salesperson Y1
 *   policies 2026: A health 3,600 (Jan, 广东省 customer) + life 1,400 (Jun) + a cancelled 9,000 (Jun);
 *                  B health 2,000 (Mar, 浙江省 customer); Y1 life 500 (Feb, 广东省 customer); 2025: A 700 (not in 2026)
 *   claims: on A's January policy (incident June) and on Y1's policy (incident June)
 *   surveys: two answered (A's customer csat 4.5 / nps 10, B's customer csat 1.5 / nps 3)
 */
let app: TestApp;
let admin: Client;
let headId: number;
let branchX: number;
let branchY: number;
const people = { a: 0, b: 0, y: 0 };
let users: { a: Client; b: Client; managerX: Client; managerY: Client; analyst: Client };
const customers = { a: 0, b: 0, y: 0 };

const get = async (client: Client, url: string) => expectStatus(await client.request('GET', url), 200, url).body;
const year = 'from=2026-01-01&to=2026-12-31';
const questions = [
  { key: 'overall', type: 'rating', label: '总体满意度' },
  { key: 'recommend', type: 'nps', label: '推荐意愿' },
];

beforeAll(async () => {
  const clock = new ManualClock(new Date('2026-06-16T09:00:00.000Z'));
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  branchX = (await createOrganisation(admin, { parentId: headId, name: '报表X分公司' })).id as number;
  branchY = (await createOrganisation(admin, { parentId: headId, name: '报表Y分公司' })).id as number;
  people.a = (await createSalesperson(admin, { orgId: branchX, name: '报表A' })).id as number;
  people.b = (await createSalesperson(admin, { orgId: branchX, name: '报表B' })).id as number;
  people.y = (await createSalesperson(admin, { orgId: branchY, name: '报表Y1' })).id as number;
  users = {
    a: await accountClient(app, admin, { loginName: 'rep_a', orgId: branchX, roles: ['salesperson'], salespersonId: people.a }),
    b: await accountClient(app, admin, { loginName: 'rep_b', orgId: branchX, roles: ['salesperson'], salespersonId: people.b }),
    managerX: await accountClient(app, admin, { loginName: 'rep_mgr_x', orgId: branchX, roles: ['branchManager'] }),
    managerY: await accountClient(app, admin, { loginName: 'rep_mgr_y', orgId: branchY, roles: ['branchManager'] }),
    analyst: await accountClient(app, admin, { loginName: 'rep_analyst', orgId: headId, roles: ['analyst'] }),
  };
  const health = (await createProduct(admin, { insuranceType: 'health', minAge: null, maxAge: null })).id as number;
  const life = (await createProduct(admin, { insuranceType: 'life', minAge: null, maxAge: null })).id as number;
  const person = (orgId: number, ownerId: number, province: string, birthDate: string, occupation: string) =>
    createCustomer(admin, { orgId, ownerId, province, birthDate, idNumber: validIdNumber(birthDate), occupation }).then((row) => row.id as number);
  customers.a = await person(branchX, people.a, '广东省', '1990-03-01', '教师');
  customers.b = await person(branchX, people.b, '浙江省', '2010-07-01', '学生');
  customers.y = await person(branchY, people.y, '广东省', '1960-01-01', '教师');
  const policy = (salespersonId: number, applicantId: number, orgId: number, productId: number, insuranceType: string, premium: number, sumInsured: number, startDate: string) =>
    createPolicy(admin, { applicantId, productId, insuranceType, orgId, salespersonId, premium, sumInsured, startDate, endDate: `${Number(startDate.slice(0, 4)) + 1}-${startDate.slice(5)}` });
  const january = await policy(people.a, customers.a, branchX, health, 'health', 3_600, 100_000, '2026-01-10');
  await policy(people.a, customers.a, branchX, life, 'life', 1_400, 200_000, '2026-06-01');
  const cancelled = await policy(people.a, customers.a, branchX, health, 'health', 9_000, 50_000, '2026-06-02');
  expectStatus(await admin.request('POST', `/api/policies/${cancelled.id}/actions/cancel`, { note: '注销' }), 200, 'cancel');
  await policy(people.b, customers.b, branchX, health, 'health', 2_000, 80_000, '2026-03-05');
  const yPolicy = await policy(people.y, customers.y, branchY, life, 'life', 500, 10_000, '2026-02-20');
  await policy(people.a, customers.a, branchX, health, 'health', 700, 10_000, '2025-12-01');
  await createClaim(admin, { policyId: january.id, requestedAmount: 1_200, incidentAt: '2026-06-03T08:00:00.000Z', orgId: branchX });
  await createClaim(admin, { policyId: yPolicy.id, requestedAmount: 300, incidentAt: '2026-06-05T08:00:00.000Z', orgId: branchY });

  const templateId = expectStatus(await admin.request('POST', '/api/survey-templates', { name: '报表回访', trigger: 'manual', questions: JSON.stringify(questions), linkValidDays: 7, lowScoreThreshold: 1, orgId: headId }), 201, 'template').body.id;
  const sent = expectStatus(await admin.request('POST', '/api/surveys/send', { templateId, customerIds: [customers.a, customers.b] }), 201, 'send').body.items as { surveyId: number; customerId: number }[];
  for (const item of sent) {
    const answers = item.customerId === customers.a ? { overall: 5, recommend: 10 } : { overall: 2, recommend: 3 };
    expectStatus(await admin.request('POST', `/api/surveys/${item.surveyId}/answers`, { answers }), 200, 'answer');
  }
}, 180_000);
afterAll(() => app.close());

const sumOf = (rows: { values: Record<string, number | null> }[], key: string) => Math.round(rows.reduce((sum, row) => sum + (row.values[key] ?? 0), 0) * 100) / 100;

describe('report totals equal sums over the source rows', () => {
  it('sales and sum insured: live policies starting in the period, by every dimension', async () => {
    const [expected] = await rawRows<{ n: number; premium: number; insured: number }>(
      app,
      `select count(*) as n, sum(premium) as premium, sum(sum_insured) as insured from policies where deleted_at is null and status <> 'cancelled' and start_date >= '2026-01-01' and start_date <= '2026-12-31'`,
    );
    expect(Number(expected!.n)).toBeGreaterThanOrEqual(4);
    for (const dimension of ['period', 'productType', 'region', 'org', 'salesperson']) {
      const sales = await get(admin, `/api/reports/sales?dimension=${dimension}&${year}`);
      expect(sales.totals).toMatchObject({ policyCount: Number(expected!.n), premium: Number(expected!.premium) / 100 });
      expect(sumOf(sales.rows, 'premium')).toBe(sales.totals.premium);
      expect(sumOf(sales.rows, 'policyCount')).toBe(sales.totals.policyCount);
      expect(sumOf(sales.trend, 'premium')).toBe(sales.totals.premium);
      const insured = await get(admin, `/api/reports/sumInsured?dimension=${dimension}&${year}`);
      expect(insured.totals.sumInsured).toBe(Number(expected!.insured) / 100);
      expect(sumOf(insured.rows, 'sumInsured')).toBe(insured.totals.sumInsured);
    }
  });

  it('slices by product type, region and salesperson with the fixture figures', async () => {
    const byType = await get(admin, `/api/reports/sales?dimension=productType&${year}&orgId=${branchX}`);
    expect(byType.rows.map((row: any) => [row.key, row.values.premium, row.values.policyCount])).toEqual([
      ['health', 5_600, 2],
      ['life', 1_400, 1],
    ]);
    expect(byType.rows[0].label).toBe('健康险');
    const byRegion = await get(admin, `/api/reports/sales?dimension=region&${year}&orgId=${branchX}`);
    expect(byRegion.rows.map((row: any) => [row.key, row.values.premium])).toEqual([
      ['广东省', 5_000],
      ['浙江省', 2_000],
    ]);
    const byPerson = await get(admin, `/api/reports/sales?dimension=salesperson&${year}&orgId=${branchX}`);
    expect(byPerson.rows.map((row: any) => [row.key, row.label, row.values.premium, row.values.averagePremium])).toEqual([
      [people.a, '报表A', 5_000, 2_500],
      [people.b, '报表B', 2_000, 2_000],
    ]);
    // Period buckets: every month of the range, empty ones as zero.
    const byMonth = await get(admin, `/api/reports/sales?dimension=period&${year}&orgId=${branchX}`);
    expect(byMonth.rows).toHaveLength(12);
    expect(byMonth.rows.filter((row: any) => row.values.premium > 0).map((row: any) => [row.key, row.values.premium])).toEqual([
      ['2026-01', 3_600],
      ['2026-03', 2_000],
      ['2026-06', 1_400],
    ]);
    const byQuarter = await get(admin, `/api/reports/sales?dimension=period&granularity=quarter&${year}&orgId=${branchX}`);
    expect(byQuarter.rows.map((row: any) => [row.key, row.values.premium])).toEqual([
      ['2026-Q1', 5_600],
      ['2026-Q2', 1_400],
      ['2026-Q3', 0],
      ['2026-Q4', 0],
    ]);
    const healthOnly = await get(admin, `/api/reports/sales?dimension=org&${year}&productType=health`);
    expect(healthOnly.totals.premium).toBe(5_600);
    expect(healthOnly.rows.find((row: any) => row.key === branchX)).toMatchObject({ label: '报表X分公司', values: { premium: 5_600 } });
  });

  it('policy status, product purchase and claims match their source rows', async () => {
    const status = await get(admin, `/api/reports/policyStatus?dimension=org&${year}`);
    const statusRows = await rawRows<{ status: string; n: number }>(app, `select status, count(*) as n from policies where deleted_at is null and start_date >= '2026-01-01' and start_date <= '2026-12-31' group by status`);
    for (const row of statusRows) expect(status.totals[row.status]).toBe(Number(row.n));
    expect(status.totals.policyCount).toBe(statusRows.reduce((sum, row) => sum + Number(row.n), 0));
    expect(status.totals.cancelled).toBeGreaterThanOrEqual(1);

    const purchase = await get(admin, `/api/reports/productPurchase?dimension=productType&${year}`);
    expect(purchase.totals.policyCount).toBe(purchase.totals.newBusiness + purchase.totals.renewals);

    const claims = await get(admin, `/api/reports/claims?dimension=productType&${year}`);
    const [claimSums] = await rawRows<{ n: number; requested: number }>(app, `select count(*) as n, sum(requested_amount) as requested from claims where deleted_at is null and incident_at >= '2026-01-01T00:00:00.000Z' and incident_at <= '2026-12-31T23:59:59.999Z'`);
    expect(claims.totals).toMatchObject({ claimCount: Number(claimSums!.n), requestedAmount: Number(claimSums!.requested) / 100 });
    expect(claims.rows.map((row: any) => [row.key, row.values.requestedAmount])).toEqual([
      ['health', 1_200],
      ['life', 300],
    ]);
  });

  it('satisfaction averages the answered surveys; performance repeats the sales figures', async () => {
    const satisfaction = await get(admin, `/api/reports/satisfaction?dimension=salesperson&${year}`);
    expect(satisfaction.totals).toMatchObject({ answered: 2, averageCsat: 3.5, lowScores: 1, nps: 0 });
    const perf = await get(admin, `/api/reports/salespersonPerformance?dimension=salesperson&${year}&orgId=${branchX}`);
    expect(perf.rows.find((row: any) => row.key === people.a).values).toMatchObject({ premium: 5_000, policyCount: 2, newCustomers: 1 });
  });

  it('rejects dimensions a report has no data for and bad ranges, field by field', async () => {
    const settlement = await admin.request('GET', `/api/reports/settlement?dimension=productType&${year}`);
    expect(settlement.status).toBe(400);
    expect(settlement.body.reasons).toEqual({ dimension: 'not_applicable' });
    const backwards = await admin.request('GET', '/api/reports/sales?from=2026-06-01&to=2026-01-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.reasons).toEqual({ to: 'end_before_start' });
    expect((await admin.request('GET', '/api/reports/nope')).status).toBe(400);
    expect((await admin.request('GET', '/api/reports/sales?dimension=colour')).body.reasons).toHaveProperty('dimension');
    await expect(get(admin, `/api/reports/settlement?dimension=salesperson&${year}`)).resolves.toMatchObject({ totals: { payoutCount: 0, amount: 0 } });
  });
});

describe('data scope', () => {
  it('salesperson A sees only their figures, B only theirs', async () => {
    const a = await get(users.a, `/api/reports/sales?dimension=salesperson&${year}`);
    expect(a.rows.map((row: any) => row.key)).toEqual([people.a]);
    expect(a.totals.premium).toBe(5_000);
    const b = await get(users.b, `/api/reports/sales?dimension=salesperson&${year}`);
    expect(b.totals.premium).toBe(2_000);
    // Naming another salesperson only narrows: nothing of A's reaches B.
    const asking = await get(users.b, `/api/reports/sales?dimension=period&${year}&salespersonId=${people.a}`);
    expect(asking.totals.policyCount).toBe(0);
  });

  it('branch X and branch Y managers see their branch; other branches are unavailable as a filter', async () => {
    const x = await get(users.managerX, `/api/reports/sales?dimension=org&${year}`);
    expect(x.totals.premium).toBe(7_000);
    const y = await get(users.managerY, `/api/reports/claims?dimension=period&${year}`);
    expect(y.totals).toMatchObject({ claimCount: 1, requestedAmount: 300 });
    const other = await users.managerY.request('GET', `/api/reports/sales?${year}&orgId=${branchX}`);
    expect(other.status).toBe(400);
    expect(other.body.reasons).toEqual({ orgId: 'reference_unavailable' });
  });
});

describe('export', () => {
  it('exports the report table as xlsx and writes the export to the operation log', async () => {
    const response = await app.app.inject({ method: 'GET', url: `/api/reports/sales/export?dimension=salesperson&${year}`, headers: { cookie: `sid=${users.managerX.cookie}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = sheet.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
    expect(values[0]).toEqual(['业务员', '保单件数', '保费', '件均保费']);
    expect(values.slice(1)).toEqual([
      ['报表A', 2, 5_000, 2_500],
      ['报表B', 1, 2_000, 2_000],
      ['合计', 3, 7_000, 2_333.33],
    ]);
    const logged = await auditRows(app, 'reportDefinition', 'export');
    expect(logged.at(-1)).toMatchObject({ actorName: expect.any(String), changes: expect.objectContaining({ report: 'sales', dimension: 'salesperson' }) });
    expect((await users.a.request('GET', `/api/reports/sales/export?${year}`)).status).toBe(403);
  });
});

describe('customer analysis', () => {
  it('counts the customers in scope by age, region and occupation, with the list filter of each item', async () => {
    const ages = await get(users.managerX, '/api/customer-analysis?dimension=age');
    const band = (key: string) => ages.items.find((item: any) => item.key === key);
    expect(band('36-45').count).toBe(1); // born 1990-03-01, 36 on 2026-06-16
    expect(band('0-17').count).toBe(1);
    expect(band('36-45').drill).toEqual({ birthDate: ['1980-06-17', '1990-06-16'] });
    expect(ages.total).toBe(2);
    const regions = await get(admin, '/api/customer-analysis?dimension=region');
    expect(regions.items.find((item: any) => item.key === '广东省')).toMatchObject({ count: 2, drill: { province: ['广东省'] } });
    const occupations = await get(users.managerY, '/api/customer-analysis?dimension=occupation');
    expect(occupations.items).toEqual([{ key: '教师', label: '教师', count: 1, drill: { occupation: '教师' } }]);
  });

  it('intent, satisfaction, the product-type filter, and value tiers and gaps from the profiles', async () => {
    const satisfaction = await get(users.managerX, '/api/customer-analysis?dimension=satisfaction');
    const count = (key: string) => satisfaction.items.find((item: any) => item.key === key).count;
    expect([count('high'), count('low'), count('none')]).toEqual([1, 1, 0]);
    const intentOf = async () => Object.fromEntries((await get(users.managerX, '/api/customer-analysis?dimension=intent')).items.map((item: any) => [item.key, item.count]));
    expect(await intentOf()).toEqual({ high: 0, medium: 0, low: 0, unrated: 0, none: 2 });
    // The highest attention among a customer's open opportunities; Y's customer is outside branch X.
    const opportunity = async (customerId: number, attention: string | null, orgId: number, ownerId: number) =>
      expectStatus(await admin.request('POST', '/api/opportunities', { title: `意向-${attention}`, customerId, ownerId, orgId, ...(attention ? { attention } : {}) }), 201, 'opportunity');
    await opportunity(customers.a, 'high', branchX, people.a);
    await opportunity(customers.b, 'medium', branchX, people.b);
    await opportunity(customers.b, null, branchX, people.b);
    await opportunity(customers.y, 'low', branchY, people.y);
    expect(await intentOf()).toEqual({ high: 1, medium: 1, low: 0, unrated: 0, none: 0 });
    const lifeHolders = await get(admin, '/api/customer-analysis?dimension=region&productType=life');
    expect(lifeHolders.total).toBe(2);
    expect(lifeHolders.items.every((item: any) => item.drill === null)).toBe(true);
    // value tiers and gaps read the computed profiles: the same counts as a plain query over customer_profiles
    const value = await get(admin, '/api/customer-analysis?dimension=value');
    const tiers = await rawRows<{ tier: string; n: number }>(app, `select coalesce(p.value_tier, 'unknown') as tier, count(*) as n from customers c left join customer_profiles p on p.customer_id = c.id where c.deleted_at is null group by coalesce(p.value_tier, 'unknown')`);
    expect(Object.fromEntries(value.items.map((item: any) => [item.key, item.count]))).toEqual(Object.fromEntries(tiers.map((row) => [row.tier, Number(row.n)])));
    expect(value.items.every((item: any) => item.drill === null && item.label !== item.key)).toBe(true);
    const gaps = await get(admin, '/api/customer-analysis?dimension=gaps');
    const profiles = await rawRows<{ gap_codes: string }>(app, `select p.gap_codes from customers c join customer_profiles p on p.customer_id = c.id where c.deleted_at is null`);
    const noMedical = profiles.filter((row) => row.gap_codes.includes(',no_medical,')).length;
    expect(noMedical).toBeGreaterThan(0);
    expect(gaps.items.find((item: any) => item.key === 'no_medical')).toMatchObject({ count: noMedical, label: '无医疗保障' });
    const scoped = await get(users.managerY, '/api/customer-analysis?dimension=value');
    expect(scoped.items.reduce((sum: number, item: any) => sum + item.count, 0)).toBe(scoped.total);
    expect(scoped.total).toBeLessThan(value.total);
  });
});

describe('workbench', () => {
  it('returns the caller’s follow-ups, renewals, claims, plan, ranking and recent activity in one response', async () => {
    for (const [customerId, ownerId, nextFollowUpDate] of [[customers.a, people.a, '2026-06-15'], [customers.b, people.b, '2026-06-18']] as const) {
      expectStatus(await admin.request('POST', '/api/interactions', { subject: '电话回访', customerId, type: 'contact', occurredAt: '2026-06-10T08:00:00.000Z', nextFollowUpDate, ownerId, orgId: branchX }), 201, 'interaction');
    }
    // A policy of A's ending within 60 days (and one of B's): renewals due.
    const product = (await rawRows<{ id: number }>(app, `select id from products where insurance_type = 'health' order by id limit 1`))[0]!.id;
    const due = await createPolicy(admin, { applicantId: customers.a, productId: Number(product), insuranceType: 'health', orgId: branchX, salespersonId: people.a, premium: 800, sumInsured: 20_000, startDate: '2025-07-11', endDate: '2026-07-10' });
    await createPolicy(admin, { applicantId: customers.b, productId: Number(product), insuranceType: 'health', orgId: branchX, salespersonId: people.b, premium: 800, sumInsured: 20_000, startDate: '2025-08-01', endDate: '2026-07-31' });
    const bench = await get(users.a, '/api/workbench');
    expect(bench).toMatchObject({ today: '2026-06-16', team: false, followUps: { count: 1, overdue: 1, items: [{ customerId: customers.a, date: '2026-06-15' }] }, renewals: { count: 1, items: [{ id: due.id, date: '2026-07-10' }] } });
    expect((await get(users.managerX, '/api/workbench')).renewals.count).toBe(2);
    expect((await get(users.managerY, '/api/workbench')).renewals.count).toBe(0);
    expect((await get(users.managerX, '/api/workbench')).followUps).toMatchObject({ count: 2, overdue: 1 });
    // Only A has premium this month (B's policy started in March); A sees only their own figures.
    expect(bench.ranking).toMatchObject({ ranked: 1, mine: { rank: 1, premium: 1_400 }, top: [] });
    const manager = await get(users.managerX, '/api/workbench');
    expect(manager.team).toBe(true);
    expect(manager.claims).toMatchObject({ count: 0, team: 1 });
    expect(manager.ranking.top.map((row: any) => row.name)).toEqual(['报表A']);
    // Branch Y's manager ranks branch Y only (no June premium there).
    expect((await get(users.managerY, '/api/workbench')).ranking).toMatchObject({ ranked: 0, mine: null, top: [] });
    const analyst = await get(users.analyst, '/api/workbench');
    expect(analyst.recent).toEqual([]);
  });
});

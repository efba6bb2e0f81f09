import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createOrganisation, createSalesperson, headOfficeId } from './factories.ts';
import { createPolicy, createProduct, createSigning, expectStatus } from './insurance-factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, loginAdmin } from './test-app.ts';

/**
 * Fixture (clock 2026-06-16, so 16 of June's 30 days have elapsed):
 *   head ── branch B ── team T: salespeople A and C      head ── branch Y: salesperson Y1
 *   June policies: A 3,600.00 + 1,400.00 (and a cancelled 9,000.00, not counted), C 2,000.00, Y1 500.00
 *   May policy:    A 1,000.00
 *   June opportunities closing: A won 3 / lost 1 (close rate 0.75), C won 1 / lost 2 (0.3333), open ones ignored;
 *     A also won one closing in 2025 (outside the period).
 *   New customers (created in June): A 2, C 1.
 */
let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let branch: number;
let team: number;
let branchY: number;
const people = { a: 0, c: 0, y: 0 };
let users: { a: Client; manager: Client; managerY: Client };
let product: number;
let companyPlan: number;
let branchPlan: number;

const get = async (client: Client, url: string) => expectStatus(await client.request('GET', url), 200, url).body;
const plan = async (values: Record<string, unknown>) => expectStatus(await admin.request('POST', '/api/sales-plans', values), 201, 'plan').body.id as number;

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-06-16T09:00:00.000Z'));
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  branch = (await createOrganisation(admin, { parentId: headId, name: '计划分公司' })).id as number;
  team = (await createOrganisation(admin, { parentId: branch, name: '计划一部', type: 'agency' })).id as number;
  branchY = (await createOrganisation(admin, { parentId: headId, name: '计划Y分公司' })).id as number;
  people.a = (await createSalesperson(admin, { orgId: team, name: '计划A' })).id as number;
  people.c = (await createSalesperson(admin, { orgId: team, name: '计划C' })).id as number;
  people.y = (await createSalesperson(admin, { orgId: branchY, name: '计划Y1' })).id as number;
  users = {
    a: await accountClient(app, admin, { loginName: 'plan_a', orgId: team, roles: ['salesperson'], salespersonId: people.a }),
    manager: await accountClient(app, admin, { loginName: 'plan_mgr', orgId: branch, roles: ['salesManager'] }),
    managerY: await accountClient(app, admin, { loginName: 'plan_mgr_y', orgId: branchY, roles: ['branchManager'] }),
  };
  product = (await createProduct(admin, { insuranceType: 'health', minAge: null, maxAge: null })).id as number;
  const applicant = (await createCustomer(admin, { orgId: team, ownerId: null })).id as number;
  const applicantY = (await createCustomer(admin, { orgId: branchY, ownerId: null })).id as number;
  const policy = (salespersonId: number, premium: number, startDate: string, orgId = team, applicantId = applicant) =>
    createPolicy(admin, { applicantId, productId: product, orgId, salespersonId, premium, startDate, endDate: '2027-05-31' });
  await policy(people.a, 3_600, '2026-06-01');
  await policy(people.a, 1_400, '2026-06-10');
  const cancelled = await policy(people.a, 9_000, '2026-06-02');
  expectStatus(await admin.request('POST', `/api/policies/${cancelled.id}/actions/cancel`, { note: '注销' }), 200, 'cancel');
  await policy(people.c, 2_000, '2026-06-05');
  await policy(people.y, 500, '2026-06-05', branchY, applicantY);
  await policy(people.a, 1_000, '2026-05-20');
  // A signing awaiting underwriting counts as pending, not as premium.
  const signing = await createSigning(admin, { customerId: applicant, productId: product, salespersonId: people.a, orgId: team, amount: 700, signingDate: '2026-06-12', startDate: '2026-07-01', endDate: '2027-06-30' });
  expectStatus(await admin.request('POST', `/api/signings/${signing.id}/actions/submit`, {}), 200, 'submit');

  // Opportunities are won and lost by moves on the pipeline, not created closed.
  const opportunity = async (ownerId: number, stage: string, expectedCloseDate: string) => {
    const created = expectStatus(await admin.request('POST', '/api/opportunities', { title: `机会${stage}`, ownerId, orgId: team, customerId: applicant, expectedCloseDate }), 201, 'opportunity');
    if (stage === 'lead') return created;
    return expectStatus(await admin.request('POST', `/api/opportunities/${created.body.id}/move`, { stage, ...(stage === 'lost' ? { lostReason: '价格' } : {}) }), 200, `move to ${stage}`);
  };
  for (const stage of ['won', 'won', 'won', 'lost', 'proposal']) await opportunity(people.a, stage, '2026-06-20');
  await opportunity(people.a, 'won', '2025-12-20');
  for (const stage of ['won', 'lost', 'lost']) await opportunity(people.c, stage, '2026-06-25');
  await createCustomer(admin, { orgId: team, ownerId: people.a });
  await createCustomer(admin, { orgId: team, ownerId: people.a });
  await createCustomer(admin, { orgId: team, ownerId: people.c });

  companyPlan = await plan({ name: '公司 2026', periodType: 'year', periodStart: '2026-01-01', periodEnd: '2026-12-31', orgId: headId, premiumTarget: 100_000, policyCountTarget: 20 });
}, 120_000);
afterAll(() => app.close());

describe('sales plans', () => {
  it('splits a parent down the organisation tree and shows children sums, with a warning when they do not add up', async () => {
    const split = expectStatus(
      await admin.request('POST', `/api/sales-plans/${companyPlan}/split`, {
        children: [
          { name: '计划分公司 2026', periodType: 'year', periodStart: '2026-01-01', periodEnd: '2026-12-31', orgId: branch, premiumTarget: 60_000, policyCountTarget: 12 },
          { name: 'Y 分公司 2026', periodType: 'year', periodStart: '2026-01-01', periodEnd: '2026-12-31', orgId: branchY, premiumTarget: 30_000, policyCountTarget: 8 },
        ],
      }),
      201,
      'split',
    ).body;
    branchPlan = split.items[0].id;
    expect(split.items.map((item: any) => item.parentId)).toEqual([companyPlan, companyPlan]);
    const progress = await get(admin, `/api/sales-plans/${companyPlan}/progress`);
    expect(progress.sums).toEqual({ premiumTarget: 90_000, policyCountTarget: 20, newCustomerTarget: null });
    expect(progress.mismatches).toEqual(['premiumTarget']);

    // Out of the parent's organisation or period, or a salesperson in another organisation: field reasons.
    const wrong = await admin.request('POST', `/api/sales-plans/${branchPlan}/split`, {
      children: [
        { name: '越界', periodType: 'quarter', periodStart: '2025-10-01', periodEnd: '2025-12-31', orgId: branchY },
        { name: '错人', periodType: 'month', periodStart: '2026-06-01', periodEnd: '2026-06-30', orgId: team, salespersonId: people.y },
      ],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.reasons).toEqual({ 'children.0.periodStart': 'outside_parent_period', 'children.0.orgId': 'outside_parent_org', 'children.1.salespersonId': 'not_in_org' });

    // Branch → salesperson A for June; then A's June plan is what A sees.
    const toA = expectStatus(
      await admin.request('POST', `/api/sales-plans/${branchPlan}/split`, {
        children: [{ name: 'A 六月', periodType: 'month', periodStart: '2026-06-01', periodEnd: '2026-06-30', orgId: team, salespersonId: people.a, premiumTarget: 6_000, premiumStretch: 8_000, premiumChallenge: 12_000, policyCountTarget: 4, newCustomerTarget: 4 }],
      }),
      201,
      'split to A',
    ).body;
    expect(toA.items[0]).toMatchObject({ parentId: branchPlan, salespersonId: people.a });
  });

  it('computes progress live from issued policies, signings and new customers, flagging behind plan by elapsed time', async () => {
    const tree = await get(admin, '/api/sales-plans/tree?from=2026-01-01&to=2026-12-31');
    expect(tree.items.map((item: any) => item.id)).toEqual([companyPlan]);
    const company = tree.items[0];
    // Company: every June policy not cancelled (3,600 + 1,400 + 2,000 + 500) and May's 1,000.
    expect(company.figures).toMatchObject({ premium: 8_500, policyCount: 5, pendingSignings: 1, pendingSigningAmount: 700 });
    // 167 of 365 days elapsed on 2026-06-16: expected 45,753.42 of 100,000; 8,500 is behind.
    expect(company.elapsedPercent).toBe(45.75);
    expect(company.progress.premium).toMatchObject({ achieved: 8_500, target: 100_000, expected: 45_753.42, behind: true, percent: 8.5, levelReached: null });
    const branchNode = company.children.find((child: any) => child.id === branchPlan);
    expect(branchNode.figures.premium).toBe(8_000);
    const aNode = branchNode.children[0];
    expect(aNode.salespersonName).toBe('计划A');
    // A: 5,000 of 6,000 with 16/30 elapsed (expected 3,200): ahead on premium; 2 of 4 policies vs 2.13 expected: behind.
    expect(aNode.progress.premium).toMatchObject({ achieved: 5_000, expected: 3_200, behind: false, percent: 83.33, levelReached: null });
    expect(aNode.progress.policyCount).toMatchObject({ achieved: 2, target: 4, expected: 2.13, behind: true });
    expect(aNode.progress.newCustomer).toMatchObject({ achieved: 2, target: 4, behind: true });
    expect(aNode.behind).toBe(true);
  });

  it('lets a salesperson see their own plan and write notes on it, and nothing else', async () => {
    const tree = await get(users.a, '/api/sales-plans/tree?from=2026-01-01&to=2026-12-31');
    expect(tree.items.map((item: any) => item.salespersonId)).toEqual([people.a]);
    const own = tree.items[0];
    expect(own.figures.premium).toBe(5_000);
    const noted = expectStatus(await users.a.request('POST', `/api/sales-plans/${own.id}/notes`, { ownerNotes: '下旬重点跟进两个团单' }), 200, 'notes').body;
    expect(noted.ownerNotes).toBe('下旬重点跟进两个团单');
    expect((await users.a.request('POST', `/api/sales-plans/${companyPlan}/notes`, { ownerNotes: 'x' })).status).toBe(404);
    // The generic edit stays closed to salespeople, and ownerNotes is not writable through it.
    expect((await users.a.request('PATCH', `/api/sales-plans/${own.id}`, { version: noted.version, notes: 'x' })).status).toBe(403);
    const tooLong = await users.a.request('POST', `/api/sales-plans/${own.id}/notes`, { ownerNotes: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(400);
  });

  it('scopes progress figures to the viewer: the Y branch manager sees only Y in the company plan', async () => {
    const tree = await get(users.managerY, '/api/sales-plans/tree?from=2026-01-01&to=2026-12-31');
    // The company plan is at head office, outside Y's scope; Y's own plan shows Y's figures only.
    expect(tree.items.map((item: any) => item.orgId)).toEqual([branchY]);
    expect(tree.items[0].figures.premium).toBe(500);
  });
});

describe('sales performance', () => {
  it('ranks salespeople by amount with count, close rate (won / (won + lost)) and new customers', async () => {
    const ranking = await get(admin, '/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30');
    expect(ranking.items).toEqual([
      { rank: 1, id: people.a, name: '计划A', premium: 5_000, policyCount: 2, newCustomers: 2, won: 3, lost: 1, closeRate: 0.75 },
      { rank: 2, id: people.c, name: '计划C', premium: 2_000, policyCount: 1, newCustomers: 1, won: 1, lost: 2, closeRate: 0.3333 },
      { rank: 3, id: people.y, name: '计划Y1', premium: 500, policyCount: 1, newCustomers: 0, won: 0, lost: 0, closeRate: null },
    ]);
    expect(ranking.total).toEqual({ premium: 7_500, policyCount: 4, newCustomers: 3, won: 4, lost: 3, closeRate: 0.5714 });
    const byRate = await get(admin, '/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30&sort=closeRate');
    expect(byRate.items.map((item: any) => item.id)).toEqual([people.a, people.c, people.y]);
  });

  it('rolls figures up per organisation subtree', async () => {
    const byOrg = await get(admin, `/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30&groupBy=org&orgId=${headId}`);
    // An organisation's new customers include those nobody owns yet (each branch's policy applicant).
    expect(byOrg.items.map((item: any) => [item.id, item.premium, item.policyCount, item.won, item.lost, item.newCustomers])).toEqual([
      [branch, 7_000, 3, 4, 3, 4],
      [branchY, 500, 1, 0, 0, 1],
    ]);
  });

  it('gives month, quarter and year trends', async () => {
    const months = await get(admin, `/api/sales-performance/trend?from=2026-04-01&to=2026-06-30&salespersonId=${people.a}`);
    expect(months.items).toEqual([
      { period: '2026-04', premium: 0, policyCount: 0, newCustomers: 0, won: 0, lost: 0, closeRate: null },
      { period: '2026-05', premium: 1_000, policyCount: 1, newCustomers: 0, won: 0, lost: 0, closeRate: null },
      { period: '2026-06', premium: 5_000, policyCount: 2, newCustomers: 2, won: 3, lost: 1, closeRate: 0.75 },
    ]);
    const quarters = await get(admin, `/api/sales-performance/trend?from=2026-01-01&to=2026-12-31&granularity=quarter&orgId=${branch}`);
    expect(quarters.items.map((item: any) => [item.period, item.premium])).toEqual([
      ['2026-Q1', 0],
      ['2026-Q2', 8_000],
      ['2026-Q3', 0],
      ['2026-Q4', 0],
    ]);
    const years = await get(admin, `/api/sales-performance/trend?from=2025-01-01&to=2026-12-31&granularity=year&salespersonId=${people.a}`);
    expect(years.items.map((item: any) => [item.period, item.won])).toEqual([
      ['2025', 1],
      ['2026', 3],
    ]);
  });

  it('keeps every figure inside the viewer’s data scope', async () => {
    const own = await get(users.a, '/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30');
    expect(own.items.map((item: any) => [item.id, item.premium, item.closeRate])).toEqual([[people.a, 5_000, 0.75]]);
    const manager = await get(users.manager, '/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30');
    expect(manager.items.map((item: any) => item.id)).toEqual([people.a, people.c]);
    const managerY = await get(users.managerY, '/api/sales-performance/ranking?from=2026-06-01&to=2026-06-30');
    expect(managerY.items.map((item: any) => [item.id, item.premium])).toEqual([[people.y, 500]]);
    const trendY = await get(users.managerY, `/api/sales-performance/trend?from=2026-06-01&to=2026-06-30&salespersonId=${people.a}`);
    expect(trendY.items[0].premium).toBe(0);
    const bad = await admin.request('GET', '/api/sales-performance/ranking?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.reasons.from).toBe('invalid_date');
    const reversed = await admin.request('GET', '/api/sales-performance/trend?from=2026-06-01&to=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.reasons.to).toBe('end_before_start');
    expect((await users.a.request('GET', '/api/sales-performance/ranking?groupBy=org&orgId=999999')).status).toBe(400);
  });
});

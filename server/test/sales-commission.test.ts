import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createOrganisation, createSalesperson, headOfficeId } from './factories.ts';
import { act, auditRows, createPolicy, createProduct, expectStatus } from './insurance-factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, countRows, login, loginAdmin, userPassword } from './test-app.ts';

/**
 * The commission engine against hand-computed statements. June 2026 (all rules from 2026-01-01, head office):
 *   R-all    commission 10 %            R-health  commission health 15 %      R-renewal health, policy year 2: 5 %
 *   R-bank   commission bank channel 8 %
 *   R-target plan bonus at 100 % of target: 500.00     R-stretch plan bonus at stretch: 2 % of the excess
 *   R-new    new-customer bonus 50.00 each             R-override manager override 5 %
 *   R-claw   chargeback within 90 days, 100 %
 * Team T: manager M; A and C report to M. Salesperson Z sits in another branch.
 *   P1 A health 3,600.00                      → 15 % = 540.00
 *   P2 A accident bank 1,000.00               → 8 %  = 80.00
 *   P3 A accident 2,000.00, C shares 30 %     → 10 %: A on 1,400.00 = 140.00, C on 600.00 = 60.00
 *   P4 C health renewal (year 2) 1,234.57     → 5 %  = 61.7285 → 61.73
 *   Z  accident 800.00                        → 10 % = 80.00
 *   A's June plan: target 4,000 / stretch 6,000 / challenge 10,000; achieved 6,600 (P1+P2+P3 in full)
 *     → target bonus 500.00; stretch bonus 2 % × 600.00 = 12.00
 *   A brought in 2 new customers → 100.00
 *   M: 5 % of A's 760.00 = 38.00 and 5 % of C's 121.73 = 6.0865 → 6.09
 */
let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let branch: number;
let team: number;
let otherBranch: number;
const people = { m: 0, a: 0, c: 0, z: 0 };
const policies: Record<string, number> = {};
const rules: Record<string, number> = {};
let health: number;
let accident: number;
let users: { a: Client; c: Client; teamManager: Client; otherManager: Client };

/** Moves the clock; sessions idle past their limit, so everyone signs in again. */
async function at(date: string) {
  clock.set(new Date(`${date}T09:00:00.000Z`));
  admin = await loginAdmin(app);
  if (users !== undefined) users = { a: await login(app, 'comm_a', userPassword), c: await login(app, 'comm_c', userPassword), teamManager: await login(app, 'comm_mgr', userPassword), otherManager: await login(app, 'comm_other', userPassword) };
}
const get = async (client: Client, url: string) => expectStatus(await client.request('GET', url), 200, url).body;
const run = async (period: string) => expectStatus(await admin.request('POST', '/api/incentives/runs', { period }), 200, `run ${period}`).body;
const statement = (period: string, salespersonId: number, client: Client = admin) => get(client, `/api/incentives/statements/${period}/${salespersonId}`);
/** Lines reduced to what the fixture computes by hand. */
const lineSummary = (body: any) =>
  (body.items as any[]).map((line) => [line.kind, line.policyId, line.ruleId, line.base, line.ratePercent, line.amount, line.sourcePeriod]);

async function rule(key: string, values: Record<string, unknown>) {
  const body = expectStatus(await admin.request('POST', '/api/incentive-policies', { name: key, effectiveFrom: '2026-01-01', orgId: headId, ...values }), 201, `rule ${key}`).body;
  rules[key] = body.id as number;
}

beforeAll(async () => {
  clock = new ManualClock();
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  branch = (await createOrganisation(admin, { parentId: headId, name: '佣金分公司' })).id as number;
  team = (await createOrganisation(admin, { parentId: branch, name: '佣金一部', type: 'agency' })).id as number;
  otherBranch = (await createOrganisation(admin, { parentId: headId, name: '另一分公司' })).id as number;
  people.m = (await createSalesperson(admin, { orgId: team, name: '主管M' })).id as number;
  people.a = (await createSalesperson(admin, { orgId: team, name: '业务员A', managerId: people.m })).id as number;
  people.c = (await createSalesperson(admin, { orgId: team, name: '业务员C', managerId: people.m })).id as number;
  people.z = (await createSalesperson(admin, { orgId: otherBranch, name: '业务员Z' })).id as number;
  users = {
    a: await accountClient(app, admin, { loginName: 'comm_a', orgId: team, roles: ['salesperson'], salespersonId: people.a }),
    c: await accountClient(app, admin, { loginName: 'comm_c', orgId: team, roles: ['salesperson'], salespersonId: people.c }),
    teamManager: await accountClient(app, admin, { loginName: 'comm_mgr', orgId: team, roles: ['salesManager'] }),
    otherManager: await accountClient(app, admin, { loginName: 'comm_other', orgId: otherBranch, roles: ['branchManager'] }),
  };
  health = (await createProduct(admin, { insuranceType: 'health', minAge: null, maxAge: null })).id as number;
  accident = (await createProduct(admin, { insuranceType: 'accident', minAge: null, maxAge: null })).id as number;

  await rule('R-all', { ruleType: 'commission', ratePercent: 10 });
  await rule('R-health', { ruleType: 'commission', insuranceType: 'health', ratePercent: 15 });
  await rule('R-renewal', { ruleType: 'commission', insuranceType: 'health', policyYear: 2, ratePercent: 5 });
  await rule('R-bank', { ruleType: 'commission', channel: 'bank', ratePercent: 8 });
  await rule('R-target', { ruleType: 'planBonus', planLevel: 'target', thresholdPercent: 100, amount: 500 });
  await rule('R-stretch', { ruleType: 'planBonus', planLevel: 'stretch', thresholdPercent: 100, ratePercent: 2 });
  await rule('R-new', { ruleType: 'newCustomerBonus', amount: 50 });
  await rule('R-override', { ruleType: 'managerOverride', ratePercent: 5 });
  await rule('R-claw', { ruleType: 'chargeback', clawbackDays: 90, ratePercent: 100 });

  const applicant = (await createCustomer(admin, { orgId: team, ownerId: null })).id as number;
  const write = (key: string, values: Record<string, unknown>) =>
    createPolicy(admin, { applicantId: applicant, productId: values.insuranceType === 'health' ? health : accident, orgId: team, ...values }).then((body) => (policies[key] = body.id as number));
  // Last year's health policy, renewed into June: the renewal is policy year 2.
  await at('2025-06-01');
  await write('P0', { insuranceType: 'health', salespersonId: people.c, premium: 1_000, startDate: '2025-06-01', endDate: '2026-05-31', nextDueDate: null });
  await at('2026-06-01');
  await write('P1', { insuranceType: 'health', salespersonId: people.a, premium: 3_600 });
  await write('P2', { insuranceType: 'accident', salespersonId: people.a, premium: 1_000, channel: 'bank' });
  await write('P3', { insuranceType: 'accident', salespersonId: people.a, premium: 2_000, coSalespersonId: people.c, coSharePercent: 30 });
  policies.P4 = expectStatus(await admin.request('POST', `/api/policies/${policies.P0}/renew`, { startDate: '2026-06-01', endDate: '2027-05-31', premium: 1_234.57 }), 201, 'renew').body.id;
  const otherApplicant = (await createCustomer(admin, { orgId: otherBranch, ownerId: null })).id as number;
  policies.Z = (await createPolicy(admin, { applicantId: otherApplicant, productId: accident, insuranceType: 'accident', orgId: otherBranch, salespersonId: people.z, premium: 800 })).id as number;
  // A's two new customers; A's June plan.
  await createCustomer(admin, { orgId: team, ownerId: people.a });
  await createCustomer(admin, { orgId: team, ownerId: people.a });
  expectStatus(
    await admin.request('POST', '/api/sales-plans', { name: 'A 六月', periodType: 'month', periodStart: '2026-06-01', periodEnd: '2026-06-30', orgId: team, salespersonId: people.a, premiumTarget: 4_000, premiumStretch: 6_000, premiumChallenge: 10_000 }),
    201,
    'plan',
  );
}, 120_000);
afterAll(() => app.close());

describe('a commission month', () => {
  it('refuses bad input and people without the right', async () => {
    const bad = await admin.request('POST', '/api/incentives/runs', { period: '2026-13' });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons.period).toBe('invalid_format');
    expect((await users.teamManager.request('POST', '/api/incentives/runs', { period: '2026-06' })).status).toBe(403);
    expect((await users.a.request('POST', '/api/incentives/runs', { period: '2026-06' })).status).toBe(403);
    const split = await admin.request('POST', '/api/policies', { policyNo: 'SPLIT-BAD', applicantId: 1, productId: accident, insuranceType: 'accident', startDate: '2026-06-01', premium: 1, sumInsured: 1, orgId: team, salespersonId: people.a, coSalespersonId: people.c });
    expect(split.status).toBe(400);
    expect(split.body.reasons.coSharePercent).toBe('co_share_required');
  });

  it('computes every statement line by hand-checked rules: rates by type, channel and policy year, splits, plan bonuses, new customers and the manager override', async () => {
    const result = await run('2026-06');
    expect(result).toMatchObject({ period: '2026-06', lines: 11, salespeople: 4, runCount: 1, total: 1_617.82 });

    const a = await statement('2026-06', people.a);
    expect(a.status).toBe('open');
    expect(a.total).toBe(1_372);
    expect(lineSummary(a)).toEqual([
      ['commission', policies.P1, rules['R-health'], 3_600, 15, 540, null],
      ['commission', policies.P2, rules['R-bank'], 1_000, 8, 80, null],
      ['commission', policies.P3, rules['R-all'], 1_400, 10, 140, null],
      ['planBonus', null, rules['R-target'], 6_600, null, 500, null],
      ['planBonus', null, rules['R-stretch'], 6_600, 2, 12, null],
      ['newCustomerBonus', null, rules['R-new'], 2, null, 100, null],
    ]);
    // Each line says why: the policy year, the share, the plan level reached.
    expect(a.items[2].detail).toMatchObject({ sharePercent: 70, premium: 2_000, policyYear: 1 });
    expect(a.items[4].detail).toMatchObject({ level: 'stretch', levelValue: 6_000, achieved: 6_600, excess: 600 });
    expect(a.items[5].detail).toEqual({ newCustomers: 2, perCustomer: 50 });

    const c = await statement('2026-06', people.c);
    expect(lineSummary(c)).toEqual([
      ['commission', policies.P3, rules['R-all'], 600, 10, 60, null],
      ['commission', policies.P4, rules['R-renewal'], 1_234.57, 5, 61.73, null],
    ]);
    expect(c.items[1].detail.policyYear).toBe(2);
    expect(c.total).toBe(121.73);

    const m = await statement('2026-06', people.m);
    expect(lineSummary(m)).toEqual([
      ['managerOverride', null, rules['R-override'], 760, 5, 38, null],
      ['managerOverride', null, rules['R-override'], 121.73, 5, 6.09, null],
    ]);
    expect(m.items.map((line: any) => line.detail.memberId)).toEqual([people.a, people.c]);
  });

  it('gives the same lines when run again (idempotent)', async () => {
    const before = lineSummary(await statement('2026-06', people.a));
    const again = await run('2026-06');
    expect(again).toMatchObject({ lines: 11, runCount: 2, total: 1_617.82 });
    expect(lineSummary(await statement('2026-06', people.a))).toEqual(before);
    expect(await countRows(app, 'incentive_lines', `period = '2026-06'`)).toBe(11);
  });

  it('shows salespeople their own statement, managers their team, nobody else', async () => {
    const own = await get(users.a, '/api/incentives/statements?period=2026-06');
    expect(own.items.map((row: any) => [row.salespersonId, row.total])).toEqual([[people.a, 1_372]]);
    expect((await users.a.request('GET', `/api/incentives/statements/2026-06/${people.c}`)).status).toBe(404);
    expect((await statement('2026-06', people.a, users.a)).total).toBe(1_372);

    const team = await get(users.teamManager, '/api/incentives/statements?period=2026-06');
    expect(team.items.map((row: any) => [row.salespersonId, row.total])).toEqual([
      [people.a, 1_372],
      [people.c, 121.73],
      [people.m, 44.09],
    ]);
    expect(team.items[0].byKind).toEqual({ commission: 760, planBonus: 512, newCustomerBonus: 100, managerOverride: 0, chargeback: 0 });
    const other = await get(users.otherManager, '/api/incentives/statements?period=2026-06');
    expect(other.items.map((row: any) => row.salespersonId)).toEqual([people.z]);
    expect((await users.otherManager.request('GET', `/api/incentives/statements/2026-06/${people.a}`)).status).toBe(404);
  });

  it('freezes an approved month with its payouts; rule changes and re-runs never rewrite it', async () => {
    const approved = expectStatus(await admin.request('POST', '/api/incentives/runs/2026-06/approve'), 200, 'approve').body;
    expect(approved).toEqual({ period: '2026-06', payouts: 4, total: 1_617.82 });
    const payouts = expectStatus(await admin.request('POST', '/api/incentive-payouts/query', { filters: { period: '2026-06' }, pageSize: 50 }), 200, 'payouts').body;
    expect(payouts.items.map((row: any) => [row.salespersonId?.id ?? row.salespersonId, row.amount, row.status]).sort((x: any, y: any) => x[1] - y[1])).toEqual(
      [
        [people.m, 44.09, 'approved'],
        [people.z, 80, 'approved'],
        [people.c, 121.73, 'approved'],
        [people.a, 1_372, 'approved'],
      ].sort((x: any, y: any) => (x[1] as number) - (y[1] as number)),
    );
    // Salesperson A sees only their own payout.
    const ownPayouts = await get(users.a, '/api/incentive-payouts?pageSize=50');
    expect(ownPayouts.items.map((row: any) => row.amount)).toEqual([1_372]);

    const again = await admin.request('POST', '/api/incentives/runs', { period: '2026-06' });
    expect(again.status).toBe(409);
    expect((await admin.request('POST', '/api/incentives/runs/2026-06/approve')).status).toBe(409);
    const earlier = await admin.request('POST', '/api/incentives/runs', { period: '2026-05' });
    expect(earlier.status).toBe(400);
    expect(earlier.body.reasons.period).toBe('before_frozen_period');

    // A new version of the health rate from July: June keeps its 15 %.
    const revised = expectStatus(await admin.request('POST', `/api/incentive-policies/${rules['R-health']}/revise`, { effectiveFrom: '2026-07-01', changes: { ratePercent: 20 } }), 201, 'revise').body;
    expect(revised).toMatchObject({ ratePercent: 20, ruleVersion: 2, effectiveFrom: '2026-07-01', insuranceType: 'health' });
    rules['R-health-v2'] = revised.id as number;
    expect((await get(admin, `/api/incentive-policies/${rules['R-health']}`)).effectiveTo).toBe('2026-06-30');
    const june = await statement('2026-06', people.a);
    expect(june.status).toBe('approved');
    expect(june.items[0]).toMatchObject({ ruleId: rules['R-health'], ratePercent: 15, amount: 540 });
    expect(june.total).toBe(1_372);
    expect((await auditRows(app, 'incentiveRun', 'approve')).map((row) => row.changes.period.after)).toEqual(['2026-06']);
  });

  it('charges back frozen commission in the next open month when a policy ends within the clawback period, once', async () => {
    await at('2026-07-01');
    const applicant = (await createCustomer(admin, { orgId: team, ownerId: null })).id as number;
    policies.P5 = (await createPolicy(admin, { applicantId: applicant, productId: health, insuranceType: 'health', orgId: team, salespersonId: people.a, premium: 1_000, startDate: '2026-07-01' })).id as number;
    await at('2026-07-02');
    policies.P6 = (await createPolicy(admin, { applicantId: applicant, productId: accident, insuranceType: 'accident', orgId: team, salespersonId: people.a, premium: 500, startDate: '2026-07-02' })).id as number;
    await at('2026-07-10');
    expectStatus(await act(admin, 'policies', policies.P6, 'cancel', { note: '犹豫期退保' }), 200, 'cancel P6');
    await at('2026-07-15');
    expectStatus(await act(admin, 'policies', policies.P1, 'surrender', { note: '客户退保' }), 200, 'surrender P1');
    await at('2026-07-20');
    expectStatus(await act(admin, 'policies', policies.P3, 'cancel', { note: '注销' }), 200, 'cancel P3');
    // Ends after 106 days: outside the 90-day clawback, no chargeback.
    await at('2026-09-15');
    expectStatus(await act(admin, 'policies', policies.Z, 'cancel', { note: '注销' }), 200, 'cancel Z');
    await at('2026-08-01');

    await run('2026-07');
    const a = await statement('2026-07', people.a);
    expect(lineSummary(a)).toEqual([
      ['commission', policies.P5, rules['R-health-v2'], 1_000, 20, 200, null],
      ['commission', policies.P6, rules['R-all'], 500, 10, 0, null],
      ['chargeback', policies.P1, rules['R-claw'], 540, 100, -540, '2026-06'],
      ['chargeback', policies.P3, rules['R-claw'], 140, 100, -140, '2026-06'],
    ]);
    expect(a.items[1].detail).toMatchObject({ withheld: 'terminated_within_clawback', status: 'cancelled', endedOn: '2026-07-10' });
    expect(a.items[2].detail).toMatchObject({ endedOn: '2026-07-15', daysInForce: 44, clawbackDays: 90, status: 'surrendered' });
    expect(a.total).toBe(-480);
    expect(lineSummary(await statement('2026-07', people.c))).toEqual([['chargeback', policies.P3, rules['R-claw'], 60, 100, -60, '2026-06']]);
    // The override follows the month's commission (200.00), not the chargebacks.
    expect(lineSummary(await statement('2026-07', people.m))).toEqual([['managerOverride', null, rules['R-override'], 200, 5, 10, null]]);
    expect((await statement('2026-07', people.z)).items).toEqual([]);

    // One open month at a time; after approval the chargebacks are not taken again.
    const august = await admin.request('POST', '/api/incentives/runs', { period: '2026-08' });
    expect(august.status).toBe(400);
    expect(august.body.reasons.period).toBe('other_period_open');
    expectStatus(await admin.request('POST', '/api/incentives/runs/2026-07/approve'), 200, 'approve July');
    await run('2026-08');
    expect(await countRows(app, 'incentive_lines', `period = '2026-08'`)).toBe(0);
    const runs = await get(users.teamManager, '/api/incentives/runs');
    expect(runs.items.map((row: any) => [row.period, row.status])).toEqual([
      ['2026-08', 'open'],
      ['2026-07', 'approved'],
      ['2026-06', 'approved'],
    ]);
  });
});

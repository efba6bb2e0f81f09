import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionWindow } from '../src/domains/service/campaign.routes.ts';
import { campaignRoi } from '../src/domains/service/service.rules.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createProduct, createSigning, dayMs, expectStatus, issueSigning, today } from './insurance-factories.ts';
import { createCustomer } from './factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type TestApp, buildTestApp, login, loginAdmin, userPassword } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
let productId: number;

beforeAll(async () => {
  clock = new ManualClock();
  app = await buildTestApp({ clock, env: { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' } });
  fx = await buildScopeFixture(app);
  productId = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

describe('attribution rules', () => {
  it('open the window at the start and close it attributionDays later; ROI is (premium − cost) / cost', () => {
    expect(attributionWindow('2026-06-01T09:00:00.000Z', 10)).toEqual({ from: '2026-06-01T09:00:00.000Z', to: '2026-06-11T09:00:00.000Z' });
    expect(attributionWindow('2026-06-01T09:00:00.000Z', null).to).toBe('2026-07-01T09:00:00.000Z');
    expect(campaignRoi(7_200, 2_000)).toBe(2.6);
    expect(campaignRoi(500, 2_000)).toBe(-0.75);
    expect(campaignRoi(500, 0)).toBeNull();
  });
});

describe('a campaign from audience to results', () => {
  it('invites the target group, records attendance and attributes leads, opportunities, signings and premium inside the window only', async () => {
    const group = expectStatus(await fx.admin.request('POST', '/api/customer-groups', { name: '高净值客户', orgId: fx.branchX }), 201, 'group').body;
    const inGroup = async (customer: Record<string, unknown>) => {
      const current = (await fx.admin.request('GET', `/api/customers/${customer.id}`)).body;
      expectStatus(await fx.admin.request('PATCH', `/api/customers/${customer.id}`, { groupIds: [group.id], version: current.version }), 200, 'group member');
    };
    await inGroup(fx.customers.a);
    await inGroup(fx.customers.b);
    const outsider = await createCustomer(fx.admin, { orgId: fx.teamX1, ownerId: fx.salespeople.a, name: '非参与者' });
    const campaign = expectStatus(
      await fx.users.managerX.request('POST', '/api/campaigns', { name: '健康讲座', startAt: `${today}T09:00:00.000Z`, location: '会议室', audienceGroupId: group.id, attributionDays: 10, budget: 3_000, cost: 2_000, orgId: fx.teamX1, status: 'ongoing' }),
      201,
      'campaign',
    ).body;
    expect(expectStatus(await fx.users.managerX.request('POST', `/api/campaigns/${campaign.id}/participants/from-audience`), 201, 'invite').body.added).toBe(2);
    // Inviting again adds no one twice; a duplicate by hand is refused.
    expect((await fx.users.managerX.request('POST', `/api/campaigns/${campaign.id}/participants/from-audience`)).body.added).toBe(0);
    const duplicate = await fx.users.managerX.request('POST', '/api/campaign-participants', { campaignId: campaign.id, customerId: fx.customers.a.id });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.reasons).toEqual({ customerId: 'already_participant' });
    const participants = (await fx.users.managerX.request('GET', `/api/campaign-participants?filters=${encodeURIComponent(JSON.stringify({ campaignId: [campaign.id] }))}`)).body.items;
    const ofA = participants.find((row: { customerId: number }) => row.customerId === fx.customers.a.id);
    expectStatus(await fx.users.managerX.request('PATCH', `/api/campaign-participants/${ofA.id}`, { attended: true, version: ofA.version }), 200, 'attended');

    // Inside the window: A's lead (later a proposal) and B's lead, A's issued signing of 3,600 and B's submitted one.
    clock.advance(2 * dayMs);
    fx.admin = await loginAdmin(app);
    const opportunity = (body: Record<string, unknown>) => fx.admin.request('POST', '/api/opportunities', { title: '意向', orgId: fx.teamX1, ownerId: fx.salespeople.a, ...body });
    expectStatus(await opportunity({ customerId: fx.customers.a.id, stage: 'proposal' }), 201, 'opp');
    expectStatus(await opportunity({ customerId: fx.customers.b.id, stage: 'lead' }), 201, 'opp');
    expectStatus(await opportunity({ customerId: outsider.id, stage: 'proposal' }), 201, 'opp');
    const day2 = new Date(clock.now()).toISOString().slice(0, 10);
    const signingA = await createSigning(fx.admin, { customerId: fx.customers.a.id as number, productId, salespersonId: fx.salespeople.a, orgId: fx.teamX1, signingDate: day2, amount: 3_600 });
    await issueSigning(fx.admin, fx.admin, signingA.id as number);
    const signingB = await createSigning(fx.admin, { customerId: fx.customers.b.id as number, productId, salespersonId: fx.salespeople.b, orgId: fx.teamX1, signingDate: day2, amount: 1_000 });
    expectStatus(await fx.admin.request('POST', `/api/signings/${signingB.id}/actions/submit`, {}), 200, 'submit');
    await createSigning(fx.admin, { customerId: fx.customers.a.id as number, productId, salespersonId: fx.salespeople.a, orgId: fx.teamX1, signingDate: day2, amount: 9_999 }); // a draft: not counted
    // After the window: not attributed.
    clock.advance(9 * dayMs);
    fx.admin = await loginAdmin(app);
    expectStatus(await opportunity({ customerId: fx.customers.a.id, stage: 'negotiation' }), 201, 'late opp');
    const late = await createSigning(fx.admin, { customerId: fx.customers.a.id as number, productId, salespersonId: fx.salespeople.a, orgId: fx.teamX1, signingDate: new Date(clock.now()).toISOString().slice(0, 10), amount: 50_000, startDate: new Date(clock.now()).toISOString().slice(0, 10) });
    await issueSigning(fx.admin, fx.admin, late.id as number);

    fx.users.managerX = await login(app, 'manager_x', userPassword);
    fx.users.b = await login(app, 'sales_b', userPassword);
    fx.users.managerY = await login(app, 'manager_y', userPassword);
    const results = expectStatus(await fx.users.managerX.request('GET', `/api/campaigns/${campaign.id}/results`), 200, 'results').body;
    expect(results).toEqual({
      window: { from: `${today}T09:00:00.000Z`, to: '2026-06-11T09:00:00.000Z' },
      invited: 2,
      attended: 1,
      attendanceRate: 0.5,
      leads: 2,
      opportunities: 1,
      signings: 2,
      premium: 3_600,
      budget: 3_000,
      cost: 2_000,
      roi: 0.8,
    });
    // Salesperson B sees the campaign but only B's own records count in the figures shown to B.
    const forB = expectStatus(await fx.users.b.request('GET', `/api/campaigns/${campaign.id}/results`), 200, 'results B').body;
    expect(forB).toMatchObject({ signings: 1, premium: 0 });
    expect((await fx.users.managerY.request('GET', `/api/campaigns/${campaign.id}/results`)).status).toBe(404);
  });
});

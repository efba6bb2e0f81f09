import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createProduct, expectStatus, outboxRows, buildSigning } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let productId: number;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  // any age: the fixture's customers are drawn at random (their ages depend on what the worker ran before), and
  // eligibility is not what these tests are about
  productId = (await createProduct(fx.admin, { insuranceType: 'health', minAge: 0, maxAge: 120 })).id as number;
});
afterAll(() => app.close());

async function createOpportunity(client: Client, body: Record<string, unknown>) {
  return expectStatus(await client.request('POST', '/api/opportunities', { title: `机会 ${Math.random().toString(36).slice(2, 8)}`, ...body }), 201, 'create opportunity').body;
}
const move = (client: Client, id: number, body: Record<string, unknown>) => client.request('POST', `/api/opportunities/${id}/move`, body);
async function moveOk(client: Client, id: number, body: Record<string, unknown>) {
  return expectStatus(await move(client, id, body), 200, `move ${id} to ${String(body.stage)}`).body;
}

describe('stage moves', () => {
  it('starts at lead with the stage probability, and the stage changes only through a move', async () => {
    const created = await createOpportunity(fx.users.a, { customerId: fx.customers.a.id, expectedAmount: 1000 });
    expect(created.stage).toBe('lead');
    expect(created.probability).toBe(10);
    expect(created.ownerId).toBe(fx.salespeople.a);

    const edit = await fx.users.a.request('PATCH', `/api/opportunities/${created.id}`, { version: created.version, stage: 'proposal' });
    expect(edit.status).toBe(400);
    expect(edit.body.reasons.stage).toBe('stage_moves_on_board');
    const wonAtOnce = await fx.users.a.request('POST', '/api/opportunities', { title: '直接赢单', stage: 'won' });
    expect(wonAtOnce.status).toBe(400);
    expect(wonAtOnce.body.reasons.stage).toBe('stage_moves_on_board');

    const moved = await moveOk(fx.users.a, created.id, { stage: 'proposal', version: created.version });
    expect(moved.opportunity.stage).toBe('proposal');
    expect(moved.opportunity.probability).toBe(60);
    expect(moved.signingPrefill).toBeNull();
    // a stale version is refused
    expect((await move(fx.users.a, created.id, { stage: 'negotiation', version: created.version })).status).toBe(409);
    const history = await fx.users.a.request('GET', `/api/opportunities/${created.id}/history`);
    expect(history.body.items.map((item: { action: string }) => item.action)).toContain('stage_move');
  });

  it('lost needs a reason (400 with the field), keeps the stage it was lost at, and may be reopened', async () => {
    const created = await createOpportunity(fx.users.a, { customerId: fx.customers.a.id, expectedAmount: 2000 });
    await moveOk(fx.users.a, created.id, { stage: 'contacted' });
    for (const body of [{ stage: 'lost' }, { stage: 'lost', lostReason: '   ' }]) {
      const refused = await move(fx.users.a, created.id, body);
      expect(refused.status).toBe(400);
      expect(refused.body.reasons.lostReason).toBe('required');
    }
    const lost = await moveOk(fx.users.a, created.id, { stage: 'lost', lostReason: '客户选择了竞品', outcomeReason: 'price' });
    expect(lost.opportunity).toMatchObject({ stage: 'lost', probability: 0, lostReason: '客户选择了竞品', lostFromStage: 'contacted', closedAt: '2026-06-01', outcomeReason: 'price' });
    expect((await move(fx.users.a, created.id, { stage: 'won' })).status).toBe(409);
    const reopened = await moveOk(fx.users.a, created.id, { stage: 'proposal' });
    expect(reopened.opportunity).toMatchObject({ stage: 'proposal', lostReason: null, lostFromStage: null, closedAt: null });
  });

  it('won answers with a signing prefill that a signing can be created from; won is final', async () => {
    const created = await createOpportunity(fx.users.a, { customerId: fx.customers.a.id, productId, expectedAmount: 3600, source: 'referral' });
    await moveOk(fx.users.a, created.id, { stage: 'negotiation' });
    const won = await moveOk(fx.users.a, created.id, { stage: 'won' });
    expect(won.opportunity).toMatchObject({ stage: 'won', probability: 100, closedAt: '2026-06-01' });
    expect(won.signingPrefill).toEqual({
      customerId: fx.customers.a.id,
      productId,
      insuranceType: 'health',
      amount: 3600,
      salespersonId: fx.salespeople.a,
      orgId: fx.teamX1,
      signingDate: '2026-06-01',
      startDate: '2026-06-02',
      remarks: `${created.code} ${created.title}`,
    });
    expect((await move(fx.users.a, created.id, { stage: 'lost', lostReason: 'x' })).status).toBe(409);
    expect((await outboxRows(app, 'opportunity.won')).map((row) => row.payload.opportunityId)).toContain(created.id);

    const { remarks, ...prefill } = won.signingPrefill;
    const signing = await fx.users.a.request('POST', '/api/signings', { ...buildSigning({ customerId: prefill.customerId, productId }), ...prefill, remarks, endDate: '2027-06-01' });
    expect(signing.status, JSON.stringify(signing.body)).toBe(201);
    expect(signing.body).toMatchObject({ status: 'draft', customerId: fx.customers.a.id, salespersonId: fx.salespeople.a, amount: 3600 });
  });

  it('won needs a customer; another salesperson cannot move the opportunity', async () => {
    const lead = await createOpportunity(fx.users.a, { leadName: '潜在客户张三', expectedAmount: 500 });
    const refused = await move(fx.users.a, lead.id, { stage: 'won' });
    expect(refused.status).toBe(400);
    expect(refused.body.reasons.customerId).toBe('won_needs_customer');
    expect((await move(fx.users.b, lead.id, { stage: 'contacted' })).status).toBe(404);
    expect((await move(fx.users.c, lead.id, { stage: 'contacted' })).status).toBe(404);
  });

  it('admin stage settings: probability and stages taken out of use', async () => {
    expectStatus(await fx.admin.request('POST', '/api/pipeline-stages', { stage: 'needsAnalysis', probability: 35, active: false }), 201, 'stage setting');
    const proposal = expectStatus(await fx.admin.request('POST', '/api/pipeline-stages', { stage: 'proposal', probability: 55 }), 201, 'stage setting').body;
    const pipeline = await fx.users.a.request('GET', '/api/opportunities/pipeline');
    expect(pipeline.body.items.find((item: { stage: string }) => item.stage === 'needsAnalysis')).toEqual({ stage: 'needsAnalysis', probability: 35, active: false, closed: false });
    const created = await createOpportunity(fx.users.a, { customerId: fx.customers.a.id });
    const skipped = await move(fx.users.a, created.id, { stage: 'needsAnalysis' });
    expect(skipped.status).toBe(400);
    expect(skipped.body.reasons.stage).toBe('stage_not_in_use');
    expect((await moveOk(fx.users.a, created.id, { stage: 'proposal' })).opportunity.probability).toBe(55);
    // back to the defaults for the figures below
    await fx.admin.request('DELETE', `/api/pipeline-stages/${proposal.id}`);
    const settings = await fx.admin.request('GET', '/api/pipeline-stages?pageSize=50');
    for (const row of settings.body.items) await fx.admin.request('DELETE', `/api/pipeline-stages/${row.id}`);
    // remove this test's opportunities so the figures start from a clean set
    const mine = await fx.admin.request('GET', '/api/opportunities?pageSize=100');
    for (const row of mine.body.items) expectStatus(await fx.admin.request('DELETE', `/api/opportunities/${row.id}`), 204, 'delete');
  });
});

describe('funnel, conversion and forecast (hand-computed) and their data scope', () => {
  let competitors: { k1: number; k2: number };

  beforeAll(async () => {
    competitors = {
      k1: expectStatus(await fx.admin.request('POST', '/api/competitors', { name: '甲保险', type: 'insurer' }), 201, 'competitor').body.id,
      k2: expectStatus(await fx.admin.request('POST', '/api/competitors', { name: '乙经纪', type: 'broker' }), 201, 'competitor').body.id,
    };
    expectStatus(await fx.admin.request('POST', '/api/competitor-analyses', { title: '甲保险医疗险对比', analysisType: 'product', competitorId: competitors.k1, ourProductId: productId }), 201, 'analysis');
    const make = async (owner: 'a' | 'b' | 'c', amount: number, source: string, closeDate: string | null, path: string[], last?: Record<string, unknown>) => {
      const orgId = owner === 'c' ? fx.branchY : fx.teamX1;
      const created = await createOpportunity(fx.admin, { customerId: fx.customers[owner].id, ownerId: fx.salespeople[owner], orgId, expectedAmount: amount, source, expectedCloseDate: closeDate });
      for (const stage of path) await moveOk(fx.admin, created.id, stage === 'lost' || stage === 'won' ? { stage, ...last } : { stage });
    };
    await make('a', 10_000, 'referral', '2026-07-15', []);
    await make('a', 20_000, 'referral', '2026-07-20', ['proposal']);
    await make('a', 30_000, 'phone', '2026-06-20', ['negotiation', 'won']);
    await make('a', 5_000, 'phone', null, ['contacted', 'lost'], { lostReason: '价格更低', competitorId: competitors.k1, outcomeReason: 'price' });
    await make('b', 40_000, 'referral', '2026-08-10', ['negotiation']);
    await make('b', 8_000, 'online', null, ['needsAnalysis', 'lost'], { lostReason: '保障不足', competitorId: competitors.k1, outcomeReason: 'coverage' });
    await make('c', 50_000, 'event', '2026-07-01', ['proposal']);
    await make('c', 12_000, 'event', null, ['won'], { competitorId: competitors.k2, outcomeReason: 'service' });
  });

  const stats = async (client: Client, query = '') => expectStatus(await client.request('GET', `/api/opportunities/statistics${query}`), 200, 'statistics').body;

  it('all opportunities (admin): totals, funnel, by source, forecast by close month', async () => {
    const body = await stats(fx.admin);
    expect(body.total).toEqual({ count: 8, open: 4, won: 2, lost: 2, winRate: 0.5, wonAmount: 42_000, lostAmount: 13_000, openAmount: 120_000, weightedAmount: 75_000 });
    expect(body.funnel.map((row: { stage: string; reached: number; conversionToNext: number | null }) => [row.stage, row.reached, row.conversionToNext])).toEqual([
      ['lead', 8, 0.875],
      ['contacted', 7, 0.8571],
      ['needsAnalysis', 6, 0.8333],
      ['proposal', 5, 0.6],
      ['negotiation', 3, 0.6667],
      ['won', 2, null],
    ]);
    const stage = (name: string) => body.byStage.find((row: { stage: string }) => row.stage === name);
    expect(stage('proposal')).toEqual({ stage: 'proposal', probability: 60, count: 2, amount: 70_000, weightedAmount: 42_000 });
    expect(stage('lost')).toMatchObject({ count: 2, amount: 13_000 });
    const source = (name: string) => body.bySource.find((row: { source: string }) => row.source === name);
    expect(source('referral')).toMatchObject({ count: 3, won: 0, lost: 0, winRate: null, openAmount: 70_000, weightedAmount: 45_000 });
    expect(source('phone')).toMatchObject({ count: 2, won: 1, lost: 1, winRate: 0.5, wonAmount: 30_000, lostAmount: 5_000 });
    expect(body.byMonth).toEqual([{ month: '2026-06', ...body.total }]);
    expect(body.forecast).toEqual({
      count: 4,
      amount: 120_000,
      weightedAmount: 75_000,
      byMonth: [
        { month: '2026-07', count: 3, amount: 80_000, weightedAmount: 43_000 },
        { month: '2026-08', count: 1, amount: 40_000, weightedAmount: 32_000 },
      ],
    });
  });

  it('the period filters creation (conversion) and expected close (forecast)', async () => {
    const later = await stats(fx.admin, '?from=2026-07-01&to=2026-12-31');
    expect(later.total.count).toBe(0);
    expect(later.forecast.weightedAmount).toBe(75_000);
    const june = await stats(fx.admin, '?from=2026-06-01&to=2026-06-30');
    expect(june.total.count).toBe(8);
    expect(june.forecast).toEqual({ count: 0, amount: 0, weightedAmount: 0, byMonth: [] });
    const bad = await fx.admin.request('GET', '/api/opportunities/statistics?from=2026-13-01');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.from).toBeDefined();
  });

  it('salesperson A sees only their own figures, B theirs', async () => {
    const a = await stats(fx.users.a);
    expect(a.total).toEqual({ count: 4, open: 2, won: 1, lost: 1, winRate: 0.5, wonAmount: 30_000, lostAmount: 5_000, openAmount: 30_000, weightedAmount: 13_000 });
    expect(a.funnel.map((row: { reached: number }) => row.reached)).toEqual([4, 3, 2, 2, 1, 1]);
    expect(a.byOwner.map((row: { ownerId: number }) => row.ownerId)).toEqual([fx.salespeople.a]);
    const b = await stats(fx.users.b);
    expect(b.total).toMatchObject({ count: 2, won: 0, lost: 1, winRate: 0, weightedAmount: 32_000 });
  });

  it('branch X manager sees A and B, branch Y manager only C', async () => {
    const x = await stats(fx.users.managerX);
    expect(x.total).toEqual({ count: 6, open: 3, won: 1, lost: 2, winRate: 0.3333, wonAmount: 30_000, lostAmount: 13_000, openAmount: 70_000, weightedAmount: 45_000 });
    expect(x.byOwner.map((row: { ownerId: number; ownerName: string }) => [row.ownerId, row.ownerName]).sort()).toEqual(
      [
        [fx.salespeople.a, '业务员甲'],
        [fx.salespeople.b, '业务员乙'],
      ].sort(),
    );
    const y = await stats(fx.users.managerY);
    expect(y.total).toMatchObject({ count: 2, won: 1, lost: 0, winRate: 1, wonAmount: 12_000, weightedAmount: 30_000 });
    expect(y.forecast.byMonth).toEqual([{ month: '2026-07', count: 1, amount: 50_000, weightedAmount: 30_000 }]);
  });

  it('the kanban shows each stage with its amount, in scope', async () => {
    const board = expectStatus(await fx.users.managerX.request('GET', '/api/opportunities/board'), 200, 'board').body;
    const column = (stage: string) => board.columns.find((row: { stage: string }) => row.stage === stage);
    expect(board.columns.map((row: { stage: string }) => row.stage)).toEqual(['lead', 'contacted', 'needsAnalysis', 'proposal', 'negotiation', 'won', 'lost']);
    expect(column('negotiation')).toMatchObject({ count: 1, amount: 40_000, weightedAmount: 32_000, probability: 80 });
    expect(column('lost')).toMatchObject({ count: 2, amount: 13_000 });
    expect(column('proposal').items.map((item: { expectedAmount: number }) => item.expectedAmount)).toEqual([20_000]);
    const c = expectStatus(await fx.users.c.request('GET', '/api/opportunities/board'), 200, 'board').body;
    expect(c.columns.reduce((sum: number, row: { count: number }) => sum + row.count, 0)).toBe(2);
  });

  it('the competitor report rolls win/loss reasons up per competitor, in scope', async () => {
    const report = expectStatus(await fx.admin.request('GET', '/api/competitors/report'), 200, 'report').body;
    const of = (body: { items: { competitorId: number }[] }, id: number) => body.items.find((row) => row.competitorId === id);
    expect(of(report, competitors.k1)).toEqual({
      competitorId: competitors.k1,
      name: '甲保险',
      type: 'insurer',
      decided: 2,
      won: 0,
      lost: 2,
      winRate: 0,
      wonAmount: 0,
      lostAmount: 13_000,
      lossReasons: expect.arrayContaining([
        { reason: 'price', count: 1 },
        { reason: 'coverage', count: 1 },
      ]),
      winReasons: [],
      comparisons: 1,
      comparedProducts: 1,
    });
    expect(of(report, competitors.k2)).toMatchObject({ decided: 1, won: 1, lost: 0, winRate: 1, wonAmount: 12_000, winReasons: [{ reason: 'service', count: 1 }] });
    const a = expectStatus(await fx.users.a.request('GET', '/api/competitors/report'), 200, 'report').body;
    expect(of(a, competitors.k1)).toMatchObject({ lost: 1, lostAmount: 5_000, lossReasons: [{ reason: 'price', count: 1 }] });
    expect(of(a, competitors.k2)).toMatchObject({ decided: 0 });
    const y = expectStatus(await fx.users.managerY.request('GET', '/api/competitors/report'), 200, 'report').body;
    expect(of(y, competitors.k1)).toMatchObject({ decided: 0 });
    expect(of(y, competitors.k2)).toMatchObject({ won: 1 });
  });
});

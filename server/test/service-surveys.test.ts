import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLinkToken } from '../src/domains/service/survey.service.ts';
import { isLowScore, satisfactionFigures, scoreAnswers } from '../src/domains/service/service.rules.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { act, createClaim, createPolicy, createProduct, createSigning, expectStatus, issueSigning } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp, call, rawRows } from './test-app.ts';

const dayMs = 86_400_000;
let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
let agent: Client;
let templateId: number;
let productId: number;

const questions = [
  { key: 'overall', type: 'rating', label: '总体满意度' },
  { key: 'service', type: 'rating', label: '服务满意度' },
  { key: 'recommend', type: 'nps', label: '推荐意愿' },
  { key: 'channel', type: 'choice', label: '联系渠道', options: ['电话', '微信'] },
  { key: 'comment', type: 'text', label: '意见' },
];

beforeAll(async () => {
  clock = new ManualClock();
  app = await buildTestApp({ clock, env: { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' } });
  fx = await buildScopeFixture(app);
  agent = await accountClient(app, fx.admin, { loginName: 'agent_sv', orgId: fx.branchX, roles: ['serviceAgent'] });
  templateId = expectStatus(
    await fx.admin.request('POST', '/api/survey-templates', { name: '服务回访', trigger: 'manual', questions: JSON.stringify(questions), linkValidDays: 7, lowScoreThreshold: 2, orgId: fx.headId }),
    201,
    'template',
  ).body.id;
  productId = (await createProduct(fx.admin, { minAge: null, maxAge: null })).id as number;
});
afterAll(() => app.close());

const send = async (client: Client, customerIds: unknown[]) => expectStatus(await client.request('POST', '/api/surveys/send', { templateId, customerIds }), 201, 'send').body.items as { surveyId: number; customerId: number; link: string; expiresAt: string }[];
const tokenOf = (link: string) => link.replace('/s/', '');
const publicGet = (token: string) => call(app, 'GET', `/api/public/surveys/${token}`);
const publicAnswer = (token: string, answers: Record<string, unknown>) => call(app, 'POST', `/api/public/surveys/${token}`, { answers });
const good = { overall: 5, service: 4, recommend: 10, channel: '微信', comment: '很好' };

describe('scoring rules', () => {
  it('computes CSAT as the share of ratings averaging 4+, NPS as promoters minus detractors, by hand', () => {
    const rows = [
      { csat: 5, nps: 10 },
      { csat: 4, nps: 9 },
      { csat: 3.5, nps: 8 },
      { csat: 2, nps: 3 },
      { csat: null, nps: 6 },
      { csat: 4.5, nps: null },
    ];
    // Rated 5, satisfied 3 (5, 4, 4.5) → 60%; NPS answers 5: promoters 2, detractors 2 → 0.
    expect(satisfactionFigures(rows)).toMatchObject({ surveys: 6, rated: 5, satisfied: 3, csat: 60, averageRating: 3.8, npsAnswers: 5, promoters: 2, passives: 1, detractors: 2, nps: 0 });
    expect(satisfactionFigures([{ csat: 5, nps: 10 }, { csat: 5, nps: 9 }, { csat: 1, nps: 0 }])).toMatchObject({ csat: 66.7, nps: 33.3 });
    expect(satisfactionFigures([])).toMatchObject({ csat: null, nps: null, surveys: 0 });
  });

  it('checks each answer against its question and averages the ratings', () => {
    expect(scoreAnswers(questions as never, { overall: 5, service: 2, recommend: 7, channel: '电话' })).toEqual({ answers: { overall: 5, service: 2, recommend: 7, channel: '电话' }, csat: 3.5, nps: 7 });
    expect(scoreAnswers(questions as never, { overall: 6, service: 0, recommend: 11, channel: '邮件', extra: 1 })).toEqual({
      'answers.overall': { reason: 'score_out_of_range', params: { min: 1, max: 5 } },
      'answers.service': { reason: 'score_out_of_range', params: { min: 1, max: 5 } },
      'answers.recommend': { reason: 'score_out_of_range', params: { min: 0, max: 10 } },
      'answers.channel': { reason: 'invalid_value' },
      'answers.extra': { reason: 'unknown_field' },
    });
    expect(isLowScore(2, 8, 2)).toBe(true);
    expect(isLowScore(2.5, 7, 2)).toBe(false);
    expect(isLowScore(5, 6, 2)).toBe(true);
  });
});

describe('templates', () => {
  it('refuse questions that are not a valid question list', async () => {
    for (const [raw, reason] of [['not json', 'questions_not_json'], ['[]', 'questions_invalid'], [JSON.stringify([{ key: 'a', type: 'choice', label: 'x', options: ['one'] }]), 'questions_invalid'], [JSON.stringify([{ key: 'a', type: 'stars', label: 'x' }]), 'questions_invalid']]) {
      const response = await fx.admin.request('POST', '/api/survey-templates', { name: '坏模板', trigger: 'manual', questions: raw, orgId: fx.headId });
      expect(response.status).toBe(400);
      expect(response.body.reasons).toEqual({ questions: reason });
    }
  });
});

describe('the one-time public link', () => {
  it('shows only the questions, accepts the answer once, and stores only a hash of a 256-bit token', async () => {
    const [sent] = await send(agent, [fx.customers.a.id]);
    const token = tokenOf(sent!.link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const [stored] = await rawRows<{ link_token_hash: string }>(app, `select link_token_hash from surveys where id = ${sent!.surveyId}`);
    expect(stored!.link_token_hash).toBe(hashLinkToken(token));
    expect(JSON.stringify(await rawRows(app, `select * from surveys where id = ${sent!.surveyId}`))).not.toContain(token);
    const page = await publicGet(token);
    expect(page.status).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(['expiresAt', 'questions', 'title']);
    expect(page.body.title).toBe('服务回访');
    expect(page.text).not.toContain('甲客户');
    expect(page.headers['cache-control']).toBe('no-store');
    const bad = await publicAnswer(token, { ...good, overall: 9 });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toEqual({ 'answers.overall': 'score_out_of_range' });
    expect((await publicAnswer(token, good)).status).toBe(200);
    // Used: the same link neither shows nor accepts anything again.
    expect((await publicGet(token)).status).toBe(404);
    expect((await publicAnswer(token, good)).status).toBe(404);
    const survey = (await agent.request('GET', `/api/surveys/${sent!.surveyId}`)).body;
    expect(survey).toMatchObject({ status: 'answered', answeredVia: 'link', csat: 4.5, nps: 10, ticketId: null, trigger: 'manual' });
    expect(survey.linkTokenHash).toBeUndefined();
  });

  it('cannot be guessed: malformed, unknown and near-miss tokens are the same 404 with nothing in it', async () => {
    const [sent] = await send(agent, [fx.customers.xUnowned.id]);
    const token = tokenOf(sent!.link);
    const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const guess of ['1', 'abc', nearMiss, 'A'.repeat(43), `${token}x`]) {
      const response = await publicGet(guess);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
      expect((await publicAnswer(guess, good)).status).toBe(404);
    }
    expect((await publicGet(token)).status).toBe(200);
  });

  it('expires after the template’s validity, and a new link replaces the old one', async () => {
    const [sent] = await send(agent, [fx.customers.b.id]);
    const first = tokenOf(sent!.link);
    expect(sent!.expiresAt).toBe(new Date(clock.now().getTime() + 7 * dayMs).toISOString());
    const renewed = expectStatus(await agent.request('POST', `/api/surveys/${sent!.surveyId}/link`), 200, 'new link').body;
    expect((await publicGet(first)).status).toBe(404);
    const second = tokenOf(renewed.link);
    expect((await publicGet(second)).status).toBe(200);
    clock.advance(7 * dayMs + 1);
    expect((await publicGet(second)).status).toBe(404);
    expect((await publicAnswer(second, good)).status).toBe(404);
    clock.advance(-(7 * dayMs + 1));
  });
});

describe('answers by staff and low scores', () => {
  it('records answers once and opens a high-priority complaint ticket for a low score', async () => {
    const [sent] = await send(agent, [fx.customers.a.id]);
    const answered = expectStatus(await agent.request('POST', `/api/surveys/${sent!.surveyId}/answers`, { answers: { overall: 2, service: 1, recommend: 3, channel: '电话', comment: '理赔太慢' } }), 200, 'answer').body;
    expect(answered).toMatchObject({ status: 'answered', answeredVia: 'staff', csat: 1.5, nps: 3 });
    expect(answered.ticketId).toEqual(expect.any(Number));
    const ticket = (await agent.request('GET', `/api/feedback/${answered.ticketId}`)).body;
    expect(ticket).toMatchObject({ type: 'complaint', priority: 'high', status: 'new', orgId: fx.teamX1 });
    expect(ticket.customerId).toBe(fx.customers.a.id);
    expect(ticket.content).toContain('理赔太慢');
    const again = await agent.request('POST', `/api/surveys/${sent!.surveyId}/answers`, { answers: good });
    expect(again.status).toBe(409);
    // The link of an answered survey is burnt too.
    expect((await publicGet(tokenOf(sent!.link))).status).toBe(404);
  });

  it('refuses a template made for another customer category', async () => {
    const enterpriseOnly = expectStatus(
      await fx.admin.request('POST', '/api/survey-templates', { name: '企业回访', trigger: 'manual', customerCategory: 'enterprise', questions: JSON.stringify(questions), orgId: fx.headId }),
      201,
      'template',
    ).body.id;
    const response = await agent.request('POST', '/api/surveys/send', { templateId: enterpriseOnly, customerIds: [fx.customers.a.id] });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ templateId: 'template_other_customer_category' });
  });

  it('refuses customers outside the sender’s scope', async () => {
    const response = await agent.request('POST', '/api/surveys/send', { templateId, customerIds: [fx.customers.c.id] });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ customerIds: 'reference_unavailable' });
  });
});

describe('automatic surveys', () => {
  it('are created when a signing is issued and when a claim is paid, from the template for that trigger', async () => {
    const signingTemplate = expectStatus(await fx.admin.request('POST', '/api/survey-templates', { name: '签单回访', trigger: 'signing', questions: JSON.stringify(questions), orgId: fx.headId }), 201, 't').body.id;
    const claimTemplate = expectStatus(await fx.admin.request('POST', '/api/survey-templates', { name: '理赔回访', trigger: 'claimPaid', questions: JSON.stringify(questions), orgId: fx.branchX }), 201, 't').body.id;
    const signing = await createSigning(fx.admin, { customerId: fx.customers.a.id as number, productId, salespersonId: fx.salespeople.a, orgId: fx.teamX1 });
    const issued = await issueSigning(fx.admin, fx.admin, signing.id as number);
    const afterSigning = await rawRows<{ template_id: unknown; trigger: string; policy_id: unknown; salesperson_id: unknown; status: string }>(app, `select template_id, trigger, policy_id, salesperson_id, status from surveys where trigger = 'signing'`);
    expect(afterSigning).toHaveLength(1);
    expect(afterSigning[0]).toMatchObject({ trigger: 'signing', status: 'sent' });
    expect(Number(afterSigning[0]!.template_id)).toBe(signingTemplate);
    expect(Number(afterSigning[0]!.policy_id)).toBe(issued.policyId);
    const policy = await createPolicy(fx.admin, { applicantId: fx.customers.a.id as number, productId, orgId: fx.teamX1, salespersonId: fx.salespeople.a });
    const claim = await createClaim(fx.admin, { policyId: policy.id as number, insuredId: fx.customers.a.id as number, salespersonId: fx.salespeople.a, orgId: fx.teamX1 });
    expectStatus(await act(fx.admin, 'claims', claim.id, 'accept'), 200, 'accept');
    expectStatus(await act(fx.admin, 'claims', claim.id, 'approve', { values: { approvedAmount: 5_000 } }), 200, 'approve');
    expect(await rawRows(app, `select id from surveys where trigger = 'claimPaid'`)).toHaveLength(0);
    expectStatus(await act(fx.admin, 'claims', claim.id, 'pay', { values: { paidAmount: 5_000 } }), 200, 'pay');
    const afterClaim = await rawRows<{ template_id: unknown; claim_id: unknown }>(app, `select template_id, claim_id from surveys where trigger = 'claimPaid'`);
    expect(afterClaim.map((row) => [Number(row.template_id), Number(row.claim_id)])).toEqual([[claimTemplate, claim.id]]);
  });
});

describe('satisfaction figures', () => {
  it('give CSAT and NPS per salesperson in the caller’s scope, over a period', async () => {
    const c = fx.customers.c.id;
    const sentY = expectStatus(await fx.admin.request('POST', '/api/surveys/send', { templateId, customerIds: [c] }), 201, 'send').body.items[0];
    expectStatus(await fx.admin.request('POST', `/api/surveys/${sentY.surveyId}/answers`, { answers: { overall: 3, service: 3, recommend: 8, channel: '电话' } }), 200, 'answer');
    const all = expectStatus(await fx.admin.request('GET', '/api/surveys/satisfaction?groupBy=salesperson'), 200, 'stats').body;
    // Answered so far: A's customer 4.5/10 (link) and 1.5/3 (staff); C's customer 3/8.
    const byA = all.groups.find((group: { key: string }) => group.key === String(fx.salespeople.a));
    expect(byA).toMatchObject({ label: '业务员甲', surveys: 2, rated: 2, satisfied: 1, csat: 50, npsAnswers: 2, promoters: 1, detractors: 1, nps: 0 });
    const byC = all.groups.find((group: { key: string }) => group.key === String(fx.salespeople.c));
    expect(byC).toMatchObject({ surveys: 1, csat: 0, nps: 0, passives: 1 });
    expect(all.overall).toMatchObject({ surveys: 3, csat: 33.3, nps: 0 });
    const seenByX = (await fx.users.managerX.request('GET', '/api/surveys/satisfaction?groupBy=org')).body;
    expect(seenByX.overall.surveys).toBe(2);
    const seenByC = (await fx.users.c.request('GET', '/api/surveys/satisfaction?groupBy=product')).body;
    expect(seenByC.overall).toMatchObject({ surveys: 1, averageRating: 3 });
    const today = clock.now().toISOString().slice(0, 10);
    expect((await fx.admin.request('GET', `/api/surveys/satisfaction?groupBy=month&from=${today}&to=${today}`)).body.groups).toEqual([expect.objectContaining({ key: today.slice(0, 7), surveys: 3 })]);
    expect((await fx.admin.request('GET', '/api/surveys/satisfaction?from=2020-01-01&to=2020-12-31')).body.overall.surveys).toBe(0);
    expect((await fx.admin.request('GET', '/api/surveys/satisfaction?groupBy=colour')).status).toBe(400);
  });
});

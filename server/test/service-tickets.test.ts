import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTicketEscalation } from '../src/domains/service/ticket.hooks.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { act, auditRows, expectStatus, outboxRows, timelineMoves } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp } from './test-app.ts';

const hourMs = 3_600_000;
let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
/** Customer-service agent of branch X (org scope, feedback edit/approve). */
let agent: Client;
let agentId: number;
let managerXId: number;

beforeAll(async () => {
  clock = new ManualClock();
  app = await buildTestApp({ clock, env: { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' } });
  fx = await buildScopeFixture(app);
  agent = await accountClient(app, fx.admin, { loginName: 'agent_x', orgId: fx.branchX, roles: ['serviceAgent'] });
  agentId = agent.login.body.me.id as number;
  managerXId = fx.users.managerX.login.body.me.id as number;
  // Branch X is led by its manager; team X1 has no leader of its own, so its tickets escalate to X's.
  const branch = (await fx.admin.request('GET', `/api/organisations/${fx.branchX}`)).body;
  expectStatus(await fx.admin.request('PATCH', `/api/organisations/${fx.branchX}`, { leaderId: managerXId, version: branch.version }), 200, 'leader');
  expectStatus(await fx.admin.request('POST', '/api/ticket-slas', { type: 'complaint', priority: 'high', responseHours: 2, resolutionHours: 24 }), 201, 'sla');
  expectStatus(await fx.admin.request('POST', '/api/ticket-slas', { type: 'feedback', priority: 'normal', responseHours: 8, resolutionHours: 72 }), 201, 'sla');
});
afterAll(() => app.close());

const openTicket = async (overrides: Record<string, unknown> = {}) =>
  expectStatus(
    await agent.request('POST', '/api/feedback', { subject: '理赔太慢', customerId: fx.customers.a.id, type: 'complaint', priority: 'high', content: '客户投诉理赔进度', orgId: fx.teamX1, salespersonId: fx.salespeople.a, ...overrides }),
    201,
    'open ticket',
  ).body;
const ticket = async (id: number) => (await fx.admin.request('GET', `/api/feedback/${id}`)).body;

describe('SLA targets', () => {
  it('refuse a second row for the same type and priority', async () => {
    const response = await fx.admin.request('POST', '/api/ticket-slas', { type: 'complaint', priority: 'high', responseHours: 1, resolutionHours: 5 });
    expect(response.status).toBe(409);
    expect(response.body.reasons.priority).toBe('sla_exists_for_type_priority');
  });

  it('set response and resolution deadlines from the opening time, and none without a matching row', async () => {
    const opened = clock.now().getTime();
    const created = await openTicket();
    expect(created).toMatchObject({
      status: 'new',
      responseDueAt: new Date(opened + 2 * hourMs).toISOString(),
      resolutionDueAt: new Date(opened + 24 * hourMs).toISOString(),
      overdue: false,
    });
    const untargeted = await openTicket({ type: 'praise', priority: 'low' });
    expect(untargeted).toMatchObject({ responseDueAt: null, resolutionDueAt: null, overdue: false });
  });

  it('re-read the targets when the priority changes, still counted from the opening', async () => {
    const opened = clock.now().getTime();
    const created = await openTicket({ type: 'feedback', priority: 'low' });
    expect(created.responseDueAt).toBeNull();
    clock.advance(hourMs);
    const updated = expectStatus(await agent.request('PATCH', `/api/feedback/${created.id}`, { priority: 'normal', version: created.version }), 200, 'patch').body;
    expect(updated.responseDueAt).toBe(new Date(opened + 8 * hourMs).toISOString());
    expect(updated.resolutionDueAt).toBe(new Date(opened + 72 * hourMs).toISOString());
  });
});

describe('the ticket workflow', () => {
  it('goes new → assigned → in progress → resolved → closed with a rating, reopens, and every step is on the timeline', async () => {
    const created = await openTicket();
    const id = created.id as number;
    expect((await act(agent, 'feedback', id, 'assign')).body.reasons['values.assigneeId']).toBe('assignee_or_team_required');
    clock.advance(30 * 60_000);
    const assigned = expectStatus(await act(agent, 'feedback', id, 'assign', { values: { teamId: fx.teamX1 } }), 200, 'assign').body;
    expect(assigned).toMatchObject({ status: 'assigned', teamId: fx.teamX1, assigneeId: null });
    expect(assigned.respondedAt).toBe(clock.now().toISOString());
    // Starting a team's ticket makes the one who starts it the agent.
    const started = expectStatus(await act(agent, 'feedback', id, 'start'), 200, 'start').body;
    expect(started).toMatchObject({ status: 'inProgress', assigneeId: agentId });
    expect((await act(agent, 'feedback', id, 'close')).status).toBe(409);
    expect((await act(agent, 'feedback', id, 'resolve')).body.reasons.handlingResult).toBe('required');
    clock.advance(hourMs);
    const resolved = expectStatus(await act(agent, 'feedback', id, 'resolve', { values: { handlingResult: '已加急处理' } }), 200, 'resolve').body;
    expect(resolved.resolvedAt).toBe(clock.now().toISOString());
    expect((await act(agent, 'feedback', id, 'close', { values: { satisfaction: 6 } })).status).toBe(400);
    const closed = expectStatus(await act(agent, 'feedback', id, 'close', { values: { satisfaction: 4 } }), 200, 'close').body;
    expect(closed).toMatchObject({ status: 'closed', satisfaction: 4, overdue: false });
    expect((await act(agent, 'feedback', id, 'reopen')).body.reasons.note).toBe('required');
    const reopened = expectStatus(await act(agent, 'feedback', id, 'reopen', { note: '客户仍不满意' }), 200, 'reopen').body;
    expect(reopened).toMatchObject({ status: 'inProgress', resolvedAt: null });
    expect(await timelineMoves(agent, 'feedback', id)).toEqual([
      ['create', null, 'new'],
      ['assign', 'new', 'assigned'],
      ['start', 'assigned', 'inProgress'],
      ['resolve', 'inProgress', 'resolved'],
      ['close', 'resolved', 'closed'],
      ['reopen', 'closed', 'inProgress'],
    ]);
    expect((await outboxRows(app, 'ticket.assigned')).some((event) => event.payload.ticketId === id && event.payload.teamId === fx.teamX1)).toBe(true);
  });

  it('refuses an assignee that is not an enabled account and a team outside the caller’s scope', async () => {
    const { id } = await openTicket();
    expect((await act(agent, 'feedback', id, 'assign', { values: { assigneeId: 999_999 } })).body.reasons['values.assigneeId']).toBe('reference_unavailable');
    expect((await act(agent, 'feedback', id, 'assign', { values: { teamId: fx.branchY } })).body.reasons['values.teamId']).toBe('reference_unavailable');
  });
});

describe('data scope on tickets', () => {
  it('lets branch Y see none of branch X’s tickets and salesperson A only tickets of A', async () => {
    await openTicket();
    const seenByY = (await fx.users.managerY.request('GET', '/api/feedback?pageSize=200')).body.items as { orgId: number }[];
    expect(seenByY.every((item) => item.orgId === fx.branchY)).toBe(true);
    const seenByA = (await fx.users.a.request('GET', '/api/feedback?pageSize=200')).body.items as { salespersonId: number }[];
    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByA.every((item) => item.salespersonId === fx.salespeople.a)).toBe(true);
    expect((await fx.users.b.request('GET', '/api/feedback?pageSize=200')).body.total).toBe(0);
  });
});

describe('overdue tickets and escalation (fixed clock)', () => {
  it('flags a missed response target, escalates once to the branch leader, then a missed resolution target stays flagged', async () => {
    const opened = clock.now().getTime();
    const { id } = await openTicket();
    const waiting = await openTicket();
    clock.set(new Date(opened + 2 * hourMs - 1));
    expect((await ticket(id)).overdue).toBe(false);
    await runTicketEscalation(app.services);
    expect((await ticket(id)).escalatedAt).toBeNull();
    clock.set(new Date(opened + 2 * hourMs + 1));
    expect(await ticket(id)).toMatchObject({ overdue: true, responseOverdue: true, resolutionOverdue: false });
    // The other ticket is answered in time for its response but not yet due for resolution.
    const result = await runTicketEscalation(app.services);
    expect(result.escalated).toBeGreaterThanOrEqual(2);
    const escalated = await ticket(id);
    expect(escalated).toMatchObject({ escalatedAt: new Date(opened + 2 * hourMs + 1).toISOString(), escalatedToId: managerXId, escalatedFor: 'response', status: 'new' });
    expect((await runTicketEscalation(app.services)).escalated).toBe(0);
    const timeline = (await agent.request('GET', `/api/feedback/${id}/timeline`)).body.items;
    expect(timeline.at(-1)).toMatchObject({ action: 'escalate', from: 'new', to: 'new', data: { breach: 'response', escalatedToId: managerXId } });
    expect((await auditRows(app, 'feedback', 'escalate')).some((row) => row.recordId === id)).toBe(true);
    expect((await outboxRows(app, 'ticket.escalated')).filter((event) => event.payload.ticketId === id)).toHaveLength(1);
    // Responding stops the response clock; the resolution target still counts.
    expectStatus(await act(agent, 'feedback', waiting.id, 'assign', { values: { assigneeId: agentId } }), 200, 'assign');
    expect(await ticket(waiting.id)).toMatchObject({ responseOverdue: true });
    clock.set(new Date(opened + 25 * hourMs));
    expect(await ticket(waiting.id)).toMatchObject({ resolutionOverdue: true, overdue: true });
    // Past the resolution target as well: escalated a second time, once.
    await runTicketEscalation(app.services);
    expect(await ticket(id)).toMatchObject({ escalatedFor: 'resolution', escalatedAt: new Date(opened + 25 * hourMs).toISOString() });
    await runTicketEscalation(app.services);
    const escalations = ((await agent.request('GET', `/api/feedback/${id}/timeline`)).body.items as { action: string; data: { breach: string } }[]).filter((item) => item.action === 'escalate');
    expect(escalations.map((item) => item.data.breach)).toEqual(['response', 'resolution']);
    expect((await outboxRows(app, 'ticket.escalated')).filter((event) => event.payload.ticketId === id).map((event) => event.payload.breach)).toEqual(['response', 'resolution']);
    expect((await fx.admin.request('GET', `/api/feedback?filters=${encodeURIComponent(JSON.stringify({ escalatedAt: { gte: new Date(opened).toISOString() } }))}`)).status).toBe(200);
  });

  it('does not escalate resolved tickets, and an answered ticket is on time', async () => {
    const opened = clock.now().getTime();
    const { id } = await openTicket();
    expectStatus(await act(agent, 'feedback', id, 'assign', { values: { assigneeId: agentId } }), 200, 'assign');
    expectStatus(await act(agent, 'feedback', id, 'start'), 200, 'start');
    expectStatus(await act(agent, 'feedback', id, 'resolve', { values: { handlingResult: '已处理' } }), 200, 'resolve');
    clock.set(new Date(opened + 23 * hourMs));
    expect(await ticket(id)).toMatchObject({ overdue: false, escalatedAt: null });
    await runTicketEscalation(app.services);
    expect((await ticket(id)).escalatedAt).toBeNull();
  });

  it('escalates to the nearest leader up the tree (head office when the branch has none)', async () => {
    const headLeader = fx.admin.login.body.me.id as number;
    const head = (await fx.admin.request('GET', `/api/organisations/${fx.headId}`)).body;
    expectStatus(await fx.admin.request('PATCH', `/api/organisations/${fx.headId}`, { leaderId: headLeader, version: head.version }), 200, 'head leader');
    const opened = clock.now().getTime();
    const created = expectStatus(
      await fx.admin.request('POST', '/api/feedback', { subject: 'Y 投诉', customerId: fx.customers.c.id, type: 'complaint', priority: 'high', content: '投诉', orgId: fx.branchY }),
      201,
      'ticket Y',
    ).body;
    clock.set(new Date(opened + 3 * hourMs));
    await runTicketEscalation(app.services);
    expect((await ticket(created.id)).escalatedToId).toBe(headLeader);
  });
});

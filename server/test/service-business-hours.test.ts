import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingTime, workingCalendar } from '../src/domains/service/service.rules.ts';
import { runTicketEscalation } from '../src/domains/service/ticket.hooks.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { expectStatus } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, accountClient, buildTestApp, login, loginAdmin, userPassword } from './test-app.ts';

/** China Standard Time instant as ISO (UTC). */
const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

// Working 09:00–18:00 Monday to Friday in Beijing time; Monday 16 November 2026 a holiday, Sunday 15 November a make-up working day.
const calendar = workingCalendar({ workDays: '1,2,3,4,5', dayStart: '09:00', dayEnd: '18:00', utcOffsetMinutes: 480, holidays: '2026-11-16', extraWorkdays: '2026-11-15' });
const after = (local: string, hours: number) => addWorkingTime(new Date(cst(local)), hours, calendar).toISOString();

describe('working time (pure)', () => {
  it('counts only working hours, across the weekend', () => {
    // Friday 17:00 + 2 h: one hour on Friday, one on Monday.
    expect(after('2026-11-06T17:00:00', 2)).toBe(cst('2026-11-09T10:00:00'));
    // Friday 17:00 + 16 h: 1 (Fri) + 9 (Mon) + 6 (Tue).
    expect(after('2026-11-06T17:00:00', 16)).toBe(cst('2026-11-10T15:00:00'));
    // Exactly the rest of the day ends at closing time, not the next morning.
    expect(after('2026-11-06T17:00:00', 1)).toBe(cst('2026-11-06T18:00:00'));
  });

  it('starts outside working hours from the next opening', () => {
    expect(after('2026-11-07T11:00:00', 2)).toBe(cst('2026-11-09T11:00:00')); // Saturday → Monday
    expect(after('2026-11-11T20:00:00', 0.5)).toBe(cst('2026-11-12T09:30:00')); // Wednesday evening → Thursday
    expect(after('2026-11-12T06:00:00', 3)).toBe(cst('2026-11-12T12:00:00')); // before opening
    expect(after('2026-11-06T18:00:00', 1)).toBe(cst('2026-11-09T10:00:00')); // at closing
  });

  it('skips holidays and works make-up days', () => {
    // Friday 13th 17:00 + 3 h: 1 h Friday, Saturday off, 2 h on the make-up Sunday; the Monday holiday is not reached.
    expect(after('2026-11-13T17:00:00', 3)).toBe(cst('2026-11-15T11:00:00'));
    // Sunday 15th 17:00 + 2 h: 1 h Sunday, Monday 16th is a holiday, 1 h Tuesday.
    expect(after('2026-11-15T17:00:00', 2)).toBe(cst('2026-11-17T10:00:00'));
  });

  it('works in the calendar’s own time zone', () => {
    const utc = workingCalendar({ workDays: '1,2,3,4,5', dayStart: '09:00', dayEnd: '17:00', utcOffsetMinutes: 0 });
    expect(addWorkingTime(new Date('2026-11-06T16:00:00.000Z'), 2, utc).toISOString()).toBe('2026-11-09T10:00:00.000Z');
  });
});

let app: TestApp;
let clock: ManualClock;
let fx: ScopeFixture;
let agent: Client;
let calendarId: number;

beforeAll(async () => {
  clock = new ManualClock(new Date(cst('2026-11-02T10:00:00')));
  app = await buildTestApp({ clock, env: { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' } });
  fx = await buildScopeFixture(app);
  agent = await accountClient(app, fx.admin, { loginName: 'agent_bh', orgId: fx.branchX, roles: ['serviceAgent'] });
  const branch = (await fx.admin.request('GET', `/api/organisations/${fx.branchX}`)).body;
  expectStatus(await fx.admin.request('PATCH', `/api/organisations/${fx.branchX}`, { leaderId: fx.users.managerX.login.body.me.id, version: branch.version }), 200, 'leader');
});
afterAll(() => app.close());

/** Moves the clock to a Beijing local time; sessions may have lapsed on the way, so both sign in again. */
async function at(local: string) {
  clock.set(new Date(cst(local)));
  agent = await login(app, 'agent_bh', userPassword);
  fx.admin = await loginAdmin(app);
}

const openTicket = async (overrides: Record<string, unknown> = {}) =>
  expectStatus(
    await agent.request('POST', '/api/feedback', { subject: '保单查询', customerId: fx.customers.a.id, type: 'complaint', priority: 'urgent', content: '客户来电', orgId: fx.teamX1, ...overrides }),
    201,
    'open ticket',
  ).body;

describe('working calendars through the API', () => {
  it('refuse a day that ends before it starts, a bad holiday date and a weekday outside 1-7, field by field', async () => {
    const bad = await fx.admin.request('POST', '/api/service-calendars', { name: '坏日历', dayStart: '18:00', dayEnd: '09:00', holidays: '2026-11-16, 2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toMatchObject({ dayEnd: 'ends_before_start', holidays: 'invalid_date_in_list' });
    const weekday = await fx.admin.request('POST', '/api/service-calendars', { name: '坏日历', workDays: '1,8' });
    expect(weekday.status).toBe(400);
    expect(Object.keys(weekday.body.reasons)).toEqual(['workDays']);
  });

  it('an SLA row with a calendar counts response and resolution in working time: a Friday-evening ticket is due on Monday', async () => {
    const created = expectStatus(await fx.admin.request('POST', '/api/service-calendars', { name: '客服工作日', holidays: '2026-11-16', extraWorkdays: '2026-11-15' }), 201, 'calendar').body;
    expect(created).toMatchObject({ workDays: '1,2,3,4,5', dayStart: '09:00', dayEnd: '18:00', utcOffsetMinutes: 480 });
    calendarId = created.id;
    expectStatus(await fx.admin.request('POST', '/api/ticket-slas', { type: 'complaint', priority: 'urgent', responseHours: 2, resolutionHours: 16, calendarId }), 201, 'sla');
    // Round the clock, for comparison.
    expectStatus(await fx.admin.request('POST', '/api/ticket-slas', { type: 'complaint', priority: 'high', responseHours: 2, resolutionHours: 16 }), 201, 'sla');

    await at('2026-11-06T17:00:00');
    const friday = await openTicket();
    expect(friday).toMatchObject({ responseDueAt: cst('2026-11-09T10:00:00'), resolutionDueAt: cst('2026-11-10T15:00:00'), overdue: false });
    const clockHours = await openTicket({ priority: 'high' });
    expect(clockHours).toMatchObject({ responseDueAt: cst('2026-11-06T19:00:00'), resolutionDueAt: cst('2026-11-07T09:00:00') });

    // Saturday: the round-the-clock ticket is late and escalates; the working-time one is not.
    await at('2026-11-07T12:00:00');
    expect((await runTicketEscalation(app.services)).escalated).toBe(1);
    expect((await agent.request('GET', `/api/feedback/${friday.id}`)).body).toMatchObject({ overdue: false, escalatedAt: null });
    expect((await agent.request('GET', `/api/feedback/${clockHours.id}`)).body).toMatchObject({ overdue: true, escalatedFor: 'resolution' });

    // Monday 10:01: two working hours have passed without a response.
    await at('2026-11-09T10:01:00');
    expect((await runTicketEscalation(app.services)).escalated).toBe(1);
    expect((await agent.request('GET', `/api/feedback/${friday.id}`)).body).toMatchObject({ responseOverdue: true, resolutionOverdue: false, escalatedFor: 'response' });
  });

  it('a ticket opened on a Saturday or at night counts from the next opening; holidays and make-up days follow the calendar', async () => {
    await at('2026-11-07T11:00:00');
    expect(await openTicket()).toMatchObject({ responseDueAt: cst('2026-11-09T11:00:00') });
    await at('2026-11-11T20:00:00');
    expect(await openTicket()).toMatchObject({ responseDueAt: cst('2026-11-12T11:00:00') });
    await at('2026-11-13T17:00:00');
    // 1 h Friday, then the make-up Sunday: due Sunday 10:00; resolution skips the Monday holiday.
    expect(await openTicket()).toMatchObject({ responseDueAt: cst('2026-11-15T10:00:00'), resolutionDueAt: cst('2026-11-17T15:00:00') });
  });

  it('removing the calendar from the SLA row returns new tickets to clock hours', async () => {
    const row = (await fx.admin.request('GET', `/api/ticket-slas?type=complaint&priority=urgent`)).body.items[0];
    expectStatus(await fx.admin.request('PATCH', `/api/ticket-slas/${row.id}`, { calendarId: null, version: row.version }), 200, 'sla');
    await at('2026-11-06T17:00:00');
    expect(await openTicket()).toMatchObject({ responseDueAt: cst('2026-11-06T19:00:00') });
  });
});

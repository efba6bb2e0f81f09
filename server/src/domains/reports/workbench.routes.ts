import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { getEntity } from '@insure/model/registry';
import type { Services } from '../../entities/context.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { requireActor } from '../../platform/http.ts';
import { sliceFigures } from '../sales/figures.ts';
import { monthBounds } from '../sales/periods.ts';

const openClaimStatuses = ['reported', 'accepted', 'investigating', 'approved'];
const openTicketStatuses = ['new', 'assigned', 'inProgress'];
const listSize = 5;

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * 工作台 (SPEC §1): the caller's own numbers in one request. Every section reads the records in the
 * caller's data scope (a salesperson: their own; a manager: their organisation subtree, i.e. their team)
 * and is left out (null) without the module's view permission.
 */
export function registerWorkbenchRoutes(app: FastifyInstance, services: Services): void {
  const db = services.database.reports as unknown as Kysely<any>;
  const { dialect } = services.database;

  const can = (actor: Actor, permission: string) => actor.permissions.has(permission);
  const scoped = (actor: Actor, name: string, alias: string) => {
    const entity = getEntity(name);
    return db.selectFrom(`${entity.table} as ${alias}`).where(`${alias}.deleted_at`, 'is', null).where(scopePredicate(entity, actor, alias));
  };
  const counted = async (query: any) => Number((await query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  async function followUps(actor: Actor, today: string) {
    if (!can(actor, 'interaction:view')) return null;
    const base = scoped(actor, 'interaction', 'i').where('i.followed_up_at', 'is', null).where('i.next_follow_up_date', 'is not', null).where('i.next_follow_up_date', '<=', addDays(today, 7));
    const [count, overdue, items] = await Promise.all([
      counted(base),
      counted(base.where('i.next_follow_up_date', '<', today)),
      base
        .leftJoin('customers as c', 'c.id', 'i.customer_id')
        .select(['i.id', 'i.subject', 'i.next_follow_up_date as date', 'i.customer_id as customerId', 'c.name as customerName'])
        .orderBy('i.next_follow_up_date')
        .orderBy('i.id')
        .limit(listSize)
        .execute(),
    ]);
    return { count, overdue, items };
  }

  async function renewals(actor: Actor, today: string) {
    if (!can(actor, 'policy:view')) return null;
    // Counted from `policies_by_end` alone (live, in force, end date in the window, organisation, salesperson).
    const base = scoped(actor, 'policy', 'p').where('p.status', '=', 'inForce').where('p.end_date', '>=', today).where('p.end_date', '<=', addDays(today, 60));
    const [count, items] = await Promise.all([
      counted(base),
      base
        .leftJoin('customers as c', 'c.id', 'p.applicant_id')
        .select(['p.id', 'p.policy_no as policyNo', 'p.end_date as date', 'p.applicant_id as customerId', 'c.name as customerName'])
        .orderBy('p.end_date')
        .orderBy('p.id')
        .limit(listSize)
        .execute(),
    ]);
    return { count, items };
  }

  /** Claims or tickets: those assigned to the caller ('mine', listed) and all open ones in scope ('team'). */
  async function waiting(actor: Actor, name: 'claim' | 'feedback') {
    if (!can(actor, `${name}:view`)) return null;
    const isClaim = name === 'claim';
    const base = scoped(actor, name, 'w').where('w.status', 'in', isClaim ? openClaimStatuses : openTicketStatuses);
    const mine = base.where(isClaim ? 'w.handler_id' : 'w.assignee_id', '=', actor.accountId);
    const due = isClaim ? 'w.due_at' : 'w.resolution_due_at';
    const [team, count, items] = await Promise.all([
      counted(base),
      counted(mine),
      mine
        .select(['w.id', isClaim ? 'w.claim_no as title' : 'w.subject as title', 'w.status', `${due} as date`])
        .orderBy(sql`case when ${sql.ref(due)} is null then 1 else 0 end`)
        .orderBy(due)
        .orderBy('w.id')
        .limit(listSize)
        .execute(),
    ]);
    return { count, team, items };
  }

  /** The current month's plan of the caller (a salesperson's own, else their organisation's) and its progress. */
  async function plan(actor: Actor, today: string) {
    if (!can(actor, 'salesPlan:view')) return null;
    let query = scoped(actor, 'salesPlan', 'sp').where('sp.period_start', '<=', today).where('sp.period_end', '>=', today);
    query = actor.salespersonId ? query.where('sp.salesperson_id', '=', actor.salespersonId) : query.where('sp.org_id', '=', actor.orgId).where('sp.salesperson_id', 'is', null);
    const found = await query
      .select(['sp.id', 'sp.name', 'sp.period_start as periodStart', 'sp.period_end as periodEnd', 'sp.premium_target as premiumTarget', 'sp.policy_count_target as policyCountTarget', 'sp.new_customer_target as newCustomerTarget'])
      .orderBy(sql`case sp.period_type when 'month' then 0 when 'quarter' then 1 else 2 end`)
      .limit(1)
      .executeTakeFirst();
    if (!found) return { plan: null };
    const figures = await sliceFigures(services.database.reports, actor, actor.salespersonId ? { salespersonId: actor.salespersonId } : { orgPath: actor.orgPath }, String(found.periodStart), String(found.periodEnd), dialect);
    const percent = (achieved: number, target: unknown) => (target == null || Number(target) <= 0 ? null : Math.round((achieved / Number(target)) * 1000) / 10);
    const premiumTarget = found.premiumTarget == null ? null : Number(found.premiumTarget) / 100;
    return {
      plan: {
        id: Number(found.id),
        name: String(found.name),
        periodStart: String(found.periodStart),
        periodEnd: String(found.periodEnd),
        premium: { achieved: figures.premium, target: premiumTarget, percent: percent(figures.premium, premiumTarget) },
        policyCount: { achieved: figures.policyCount, target: found.policyCountTarget == null ? null : Number(found.policyCountTarget), percent: percent(figures.policyCount, found.policyCountTarget) },
        newCustomers: { achieved: figures.newCustomers, target: found.newCustomerTarget == null ? null : Number(found.newCustomerTarget), percent: percent(figures.newCustomers, found.newCustomerTarget) },
      },
    };
  }

  /**
   * This month's premium ranking (live policies starting this month) of the salespeople with policies in the
   * caller's organisation subtree. A salesperson
   * (own scope) gets only their own rank and the number ranked, never colleagues' figures; managers get
   * the top of their team.
   */
  async function ranking(actor: Actor, today: string) {
    if (!can(actor, 'salesPerformance:view')) return null;
    const { start, end } = monthBounds(today.slice(0, 7));
    // One grouped query over this month's live policies of the subtree (premium as in the sales figures). The
    // subtree filter is the data scope here: an 'org' actor's scope is that subtree, an 'own' one is widened to
    // it (they only get their own row back), and an 'all' one is narrowed to their organisation. On SQLite the
    // `+` keeps the planner off the organisation index (every policy of the subtree) and on the live policies'
    // start-date index (`policies_by_start`: one month of rows, read from the index alone).
    const plus = dialect === 'sqlite' ? sql.raw('+') : sql.raw('');
    const grouped = await db
      .selectFrom('policies as p')
      .select(['p.salesperson_id as key', sql<number>`coalesce(sum(p.premium), 0)`.as('premium'), sql<number>`count(*)`.as('count')])
      .where('p.deleted_at', 'is', null)
      .where(sql<boolean>`${plus}p.org_id in (select rank_org.id from organisations rank_org where rank_org.path like ${`${actor.orgPath}%`})`)
      .where('p.status', '<>', 'cancelled')
      .where('p.salesperson_id', 'is not', null)
      .where('p.start_date', '>=', start)
      .where('p.start_date', '<=', end)
      .groupBy('p.salesperson_id')
      .execute();
    const rows = grouped.map((row) => ({ key: Number(row.key), premium: Number(row.premium), policyCount: Number(row.count) })).sort((a, b) => b.premium - a.premium || a.key - b.key);
    const position = actor.salespersonId ? rows.findIndex((row) => row.key === actor.salespersonId) : -1;
    const mine = position >= 0 ? { rank: position + 1, premium: rows[position]!.premium / 100, policyCount: rows[position]!.policyCount } : null;
    if (actor.dataScope === 'own') return { month: today.slice(0, 7), ranked: rows.length, mine, top: [] };
    const top = rows.slice(0, listSize);
    const names = top.length ? await db.selectFrom('salespeople').select(['id', 'name']).where('id', 'in', top.map((row) => row.key)).execute() : [];
    return {
      month: today.slice(0, 7),
      ranked: rows.length,
      mine,
      top: top.map((row, index) => ({ rank: index + 1, salespersonId: row.key, name: String(names.find((name) => Number(name.id) === row.key)?.name ?? row.key), premium: row.premium / 100, policyCount: row.policyCount })),
    };
  }

  async function recent(actor: Actor) {
    const rows = await db
      .selectFrom('audit_logs')
      .select(['id', 'at', 'module', 'record_id as recordId', 'action'])
      .where('actor_id', '=', actor.accountId)
      .orderBy('id', 'desc')
      .limit(8)
      .execute();
    return rows.map((row) => ({ id: Number(row.id), at: String(row.at), module: String(row.module), recordId: row.recordId == null ? null : Number(row.recordId), action: String(row.action) }));
  }

  app.get('/api/workbench', { schema: { tags: ['workbench'], summary: "The caller's follow-ups due, renewals due, claims and tickets waiting, plan progress, ranking and recent activity" } }, async (request) => {
    const actor = requireActor(request);
    const today = services.clock.now().toISOString().slice(0, 10);
    const [followUpsDue, renewalsDue, claims, tickets, planProgress, rankingResult, activity] = await Promise.all([
      followUps(actor, today),
      renewals(actor, today),
      waiting(actor, 'claim'),
      waiting(actor, 'feedback'),
      plan(actor, today),
      ranking(actor, today),
      recent(actor),
    ]);
    return {
      today,
      team: actor.dataScope !== 'own',
      followUps: followUpsDue,
      renewals: renewalsDue,
      claims,
      tickets,
      plan: planProgress ? planProgress.plan : null,
      ranking: rankingResult,
      recent: activity,
    };
  });
}

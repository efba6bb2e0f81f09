import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import type { DB, Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { audit, createRecord } from '../../entities/write.ts';
import { systemContext } from '../../bootstrap.ts';
import { AppError } from '../../platform/errors.ts';
import { daysBetween, monthBounds } from './periods.ts';

/**
 * The commission engine (SPEC §2.17). A period run recomputes every statement line of an open month from
 * the source records and the rules then in force: deleting the period's lines and writing them again in one
 * transaction, so a re-run gives the same lines. Approval freezes the month: its lines are never written
 * again, whatever happens to rules or policies later; chargebacks for frozen commission land in the open month.
 * Amounts are integer fen throughout.
 */

export const terminatedStatuses = ['lapsed', 'surrendered', 'cancelled'];
export type LineKind = 'commission' | 'planBonus' | 'newCustomerBonus' | 'managerOverride' | 'chargeback';

interface Rule {
  id: number;
  version: number;
  ruleType: string;
  insuranceType: string | null;
  productId: number | null;
  channel: string | null;
  policyYear: number | null;
  ratePercent: number | null;
  amount: number | null;
  thresholdPercent: number | null;
  planLevel: string | null;
  clawbackDays: number | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  orgPath: string;
}

interface PolicyFacts {
  id: number;
  policyNo: string;
  salespersonId: number;
  coSalespersonId: number | null;
  coSharePercent: number;
  orgPath: string;
  insuranceType: string;
  productId: number;
  channel: string | null;
  startDate: string;
  premium: number;
  status: string;
  renewedFromId: number | null;
}

export interface Line {
  period: string;
  salespersonId: number;
  kind: LineKind;
  policyId: number | null;
  ruleId: number | null;
  ruleVersion: number | null;
  baseAmount: number;
  ratePercent: number | null;
  amount: number;
  sourcePeriod: string | null;
  detail: Record<string, unknown>;
}

const num = (value: unknown) => (value == null ? null : Number(value));
const day = (value: unknown) => (value == null ? null : String(value).slice(0, 10));
/** Half away from zero, in fen. */
export const percentOf = (base: number, percent: number) => Math.sign(base) * Math.round((Math.abs(base) * percent) / 100);

async function loadRules(db: DB): Promise<Rule[]> {
  const rows = await db
    .selectFrom('incentive_policies as r')
    .innerJoin('organisations as o', 'o.id', 'r.org_id')
    .select(['r.id', 'r.version', 'r.rule_type', 'r.insurance_type', 'r.product_id', 'r.channel', 'r.policy_year', 'r.rate_percent', 'r.amount', 'r.threshold_percent', 'r.plan_level', 'r.clawback_days', 'r.effective_from', 'r.effective_to', 'o.path'])
    .where('r.deleted_at', 'is', null)
    .orderBy('r.id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    version: Number(row.version),
    ruleType: String(row.rule_type),
    insuranceType: (row.insurance_type as string | null) ?? null,
    productId: num(row.product_id),
    channel: (row.channel as string | null) ?? null,
    policyYear: num(row.policy_year),
    ratePercent: num(row.rate_percent),
    amount: num(row.amount),
    thresholdPercent: num(row.threshold_percent),
    planLevel: (row.plan_level as string | null) ?? null,
    clawbackDays: num(row.clawback_days),
    effectiveFrom: day(row.effective_from)!,
    effectiveTo: day(row.effective_to),
    orgPath: String(row.path),
  }));
}

const inForceOn = (rule: Rule, date: string) => rule.effectiveFrom <= date && (rule.effectiveTo === null || rule.effectiveTo >= date);
const specificity = (rule: Rule) => [rule.insuranceType, rule.productId, rule.channel, rule.policyYear].filter((value) => value !== null).length;

/** The one rule of a type that governs a case: most specific criteria, then the narrowest organisation, then the latest start, then the newest. */
function pickRule(rules: Rule[], type: string, date: string, orgPath: string, facts?: { insuranceType: string; productId: number; channel: string | null; policyYear: number }): Rule | null {
  let best: Rule | null = null;
  for (const rule of rules) {
    if (rule.ruleType !== type || !inForceOn(rule, date) || !orgPath.startsWith(rule.orgPath)) continue;
    if (facts) {
      if (rule.insuranceType !== null && rule.insuranceType !== facts.insuranceType) continue;
      if (rule.productId !== null && rule.productId !== facts.productId) continue;
      if (rule.channel !== null && rule.channel !== facts.channel) continue;
      if (rule.policyYear !== null && rule.policyYear !== facts.policyYear) continue;
    }
    if (!best) {
      best = rule;
      continue;
    }
    const order = [specificity(rule) - specificity(best), rule.orgPath.length - best.orgPath.length, rule.effectiveFrom.localeCompare(best.effectiveFrom), rule.id - best.id];
    if ((order.find((value) => value !== 0) ?? 0) > 0) best = rule;
  }
  return best;
}

/** All rules of a type in force on a date for an organisation (bonuses: each level's rule pays on its own). */
const rulesFor = (rules: Rule[], type: string, date: string, orgPath: string) => rules.filter((rule) => rule.ruleType === type && inForceOn(rule, date) && orgPath.startsWith(rule.orgPath));

/** Policy year: 1 for new business, +1 for each renewal it descends from. */
async function policyYears(db: DB, policies: PolicyFacts[]): Promise<Map<number, number>> {
  const years = new Map<number, number>();
  const parentOf = new Map<number, number | null>();
  for (const policy of policies) parentOf.set(policy.id, policy.renewedFromId);
  let unknown = [...new Set(policies.map((policy) => policy.renewedFromId).filter((id): id is number => id !== null && !parentOf.has(id)))];
  for (let depth = 0; unknown.length && depth < 60; depth++) {
    const found: Row[] = [];
    for (let index = 0; index < unknown.length; index += 1000) {
      found.push(...(await db.selectFrom('policies').select(['id', 'renewed_from_id']).where('id', 'in', unknown.slice(index, index + 1000)).execute()));
    }
    for (const id of unknown) parentOf.set(id, null);
    for (const row of found) parentOf.set(Number(row.id), num(row.renewed_from_id));
    unknown = [...new Set(found.map((row) => num(row.renewed_from_id)).filter((id): id is number => id !== null && !parentOf.has(id)))];
  }
  for (const policy of policies) {
    let year = 1;
    for (let parent = policy.renewedFromId, guard = 0; parent !== null && parent !== undefined && guard < 60; parent = parentOf.get(parent) ?? null, guard++) year++;
    years.set(policy.id, year);
  }
  return years;
}

/** When each terminated policy ended: its last move into a terminated status (its last update if it never moved). */
async function terminationDates(db: DB, policyIds: number[]): Promise<Map<number, string>> {
  const dates = new Map<number, string>();
  for (let index = 0; index < policyIds.length; index += 1000) {
    const ids = policyIds.slice(index, index + 1000);
    const events = await db
      .selectFrom('record_events')
      .select(['record_id', sql<string>`max(at)`.as('at')])
      .where('module', '=', 'policy')
      .where('record_id', 'in', ids)
      .where('to_status', 'in', terminatedStatuses)
      .groupBy('record_id')
      .execute();
    for (const event of events) dates.set(Number(event.record_id), day(event.at)!);
    const missing = ids.filter((id) => !dates.has(id));
    if (missing.length) {
      const rows = await db.selectFrom('policies').select(['id', 'updated_at']).where('id', 'in', missing).execute();
      for (const row of rows) dates.set(Number(row.id), day(row.updated_at)!);
    }
  }
  return dates;
}

const policyColumns = [
  'p.id',
  'p.policy_no',
  'p.salesperson_id',
  'p.co_salesperson_id',
  'p.co_share_percent',
  'p.insurance_type',
  'p.product_id',
  'p.channel',
  'p.start_date',
  'p.premium',
  'p.status',
  'p.renewed_from_id',
  'o.path',
] as const;

function toFacts(row: Row): PolicyFacts {
  return {
    id: Number(row.id),
    policyNo: String(row.policy_no),
    salespersonId: Number(row.salesperson_id),
    coSalespersonId: num(row.co_salesperson_id),
    coSharePercent: Number(row.co_share_percent ?? 0),
    orgPath: String(row.path),
    insuranceType: String(row.insurance_type),
    productId: Number(row.product_id),
    channel: (row.channel as string | null) ?? null,
    startDate: day(row.start_date)!,
    premium: Number(row.premium),
    status: String(row.status),
    renewedFromId: num(row.renewed_from_id),
  };
}

/** The premium of a policy as shared between its salespeople: [salespersonId, base in fen, share %]. */
function shares(policy: PolicyFacts): [number, number, number][] {
  // Naming the salesperson as their own co-salesperson is no split.
  if (policy.coSalespersonId === null || policy.coSalespersonId === policy.salespersonId || policy.coSharePercent <= 0) return [[policy.salespersonId, policy.premium, 100]];
  const coBase = percentOf(policy.premium, policy.coSharePercent);
  return [
    [policy.salespersonId, policy.premium - coBase, 100 - policy.coSharePercent],
    [policy.coSalespersonId, coBase, policy.coSharePercent],
  ];
}

/** Every line of a month computed from the records as they are now (nothing written). */
export async function computePeriod(db: DB, period: string): Promise<Line[]> {
  const { start, end } = monthBounds(period);
  const rules = await loadRules(db);
  const lines: Line[] = [];

  // Commission on the month's new policies, one line per salesperson's share.
  const policyRows = await db
    .selectFrom('policies as p')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select([...policyColumns])
    .where('p.deleted_at', 'is', null)
    .where('p.salesperson_id', 'is not', null)
    .where('p.start_date', '>=', start)
    .where('p.start_date', '<=', end)
    .orderBy('p.id')
    .execute();
  const policies = policyRows.map(toFacts);
  const years = await policyYears(db, policies);
  const ended = await terminationDates(db, policies.filter((policy) => terminatedStatuses.includes(policy.status)).map((policy) => policy.id));
  const commissionBySalesperson = new Map<number, number>();
  for (const policy of policies) {
    const policyYear = years.get(policy.id) ?? 1;
    const rule = pickRule(rules, 'commission', policy.startDate, policy.orgPath, { ...policy, policyYear });
    if (!rule) continue;
    const endedOn = ended.get(policy.id);
    const clawback = endedOn ? pickRule(rules, 'chargeback', endedOn, policy.orgPath, { ...policy, policyYear }) : null;
    const clawedBack = endedOn !== undefined && clawback !== null && daysBetween(policy.startDate, endedOn) <= (clawback.clawbackDays ?? 0);
    for (const [salespersonId, base, sharePercent] of shares(policy)) {
      const rate = rule.ratePercent ?? 0;
      const fixed = rule.amount ? percentOf(rule.amount, sharePercent) : 0;
      const amount = clawedBack ? 0 : percentOf(base, rate) + fixed;
      lines.push({
        period,
        salespersonId,
        kind: 'commission',
        policyId: policy.id,
        ruleId: rule.id,
        ruleVersion: rule.version,
        baseAmount: base,
        ratePercent: rate,
        amount,
        sourcePeriod: null,
        detail: {
          policyNo: policy.policyNo,
          insuranceType: policy.insuranceType,
          channel: policy.channel,
          policyYear,
          premium: policy.premium,
          sharePercent,
          fixed,
          ...(clawedBack ? { withheld: 'terminated_within_clawback', status: policy.status, endedOn, clawbackDays: clawback!.clawbackDays } : {}),
        },
      });
      commissionBySalesperson.set(salespersonId, (commissionBySalesperson.get(salespersonId) ?? 0) + amount);
    }
  }

  const salespeople = await db
    .selectFrom('salespeople as s')
    .innerJoin('organisations as o', 'o.id', 's.org_id')
    .select(['s.id', 's.manager_id', 'o.path'])
    .where('s.deleted_at', 'is', null)
    .orderBy('s.id')
    .execute();
  const pathOf = new Map(salespeople.map((row) => [Number(row.id), String(row.path)]));

  // Beat-the-plan bonuses: each level's rule against the salesperson's own plan for this month.
  const planRows = await db
    .selectFrom('sales_plans')
    .select(['id', 'salesperson_id', 'premium_target', 'premium_stretch', 'premium_challenge'])
    .where('deleted_at', 'is', null)
    .where('period_type', '=', 'month')
    .where('period_start', '=', start)
    .where('salesperson_id', 'is not', null)
    .orderBy('id')
    .execute();
  if (planRows.length) {
    const achievedRows = await db
      .selectFrom('policies')
      .select(['salesperson_id', sql<number>`sum(premium)`.as('premium')])
      .where('deleted_at', 'is', null)
      .where('status', '<>', 'cancelled')
      .where('start_date', '>=', start)
      .where('start_date', '<=', end)
      .where('salesperson_id', 'in', [...new Set(planRows.map((row) => Number(row.salesperson_id)))])
      .groupBy('salesperson_id')
      .execute();
    const achievedBy = new Map(achievedRows.map((row) => [Number(row.salesperson_id), Number(row.premium ?? 0)]));
    const latestPlan = new Map<number, Row>();
    for (const plan of planRows) latestPlan.set(Number(plan.salesperson_id), plan);
    for (const [salespersonId, plan] of latestPlan) {
      const orgPath = pathOf.get(salespersonId);
      if (!orgPath) continue;
      const achieved = achievedBy.get(salespersonId) ?? 0;
      for (const rule of rulesFor(rules, 'planBonus', end, orgPath)) {
        const level = rule.planLevel ?? 'target';
        const levelValue = Number(plan[`premium_${level}`] ?? 0);
        const threshold = rule.thresholdPercent ?? 100;
        const needed = percentOf(levelValue, threshold);
        if (levelValue <= 0 || achieved < needed) continue;
        const excess = achieved - levelValue;
        const amount = (rule.amount ?? 0) + (rule.ratePercent ? percentOf(Math.max(0, excess), rule.ratePercent) : 0);
        lines.push({
          period,
          salespersonId,
          kind: 'planBonus',
          policyId: null,
          ruleId: rule.id,
          ruleVersion: rule.version,
          baseAmount: achieved,
          ratePercent: rule.ratePercent,
          amount,
          sourcePeriod: null,
          detail: { planId: Number(plan.id), level, levelValue, thresholdPercent: threshold, needed, achieved, fixed: rule.amount ?? 0, excess: Math.max(0, excess) },
        });
      }
    }
  }

  // New-customer bonus: customers the salesperson brought in this month.
  const newCustomers = await db
    .selectFrom('customers')
    .select(['owner_id', sql<number>`count(*)`.as('count')])
    .where('deleted_at', 'is', null)
    .where('owner_id', 'is not', null)
    .where('created_at', '>=', `${start}T00:00:00.000Z`)
    .where('created_at', '<=', `${end}T23:59:59.999Z`)
    .groupBy('owner_id')
    .orderBy('owner_id')
    .execute();
  for (const row of newCustomers) {
    const salespersonId = Number(row.owner_id);
    const orgPath = pathOf.get(salespersonId);
    if (!orgPath) continue;
    const rule = pickRule(rules, 'newCustomerBonus', end, orgPath);
    if (!rule || !rule.amount) continue;
    const count = Number(row.count);
    lines.push({ period, salespersonId, kind: 'newCustomerBonus', policyId: null, ruleId: rule.id, ruleVersion: rule.version, baseAmount: count, ratePercent: null, amount: count * rule.amount, sourcePeriod: null, detail: { newCustomers: count, perCustomer: rule.amount } });
  }

  // Manager override: a share of each direct report's commission this month.
  for (const row of salespeople) {
    const managerId = num(row.manager_id);
    const teamCommission = commissionBySalesperson.get(Number(row.id)) ?? 0;
    if (managerId === null || teamCommission === 0) continue;
    const managerPath = pathOf.get(managerId);
    if (!managerPath) continue;
    const rule = pickRule(rules, 'managerOverride', end, managerPath);
    if (!rule || !rule.ratePercent) continue;
    lines.push({ period, salespersonId: managerId, kind: 'managerOverride', policyId: null, ruleId: rule.id, ruleVersion: rule.version, baseAmount: teamCommission, ratePercent: rule.ratePercent, amount: percentOf(teamCommission, rule.ratePercent), sourcePeriod: null, detail: { memberId: Number(row.id) } });
  }

  // Chargebacks: commission already frozen in an earlier month on a policy that ended within its clawback period.
  const frozenCommission = await db
    .selectFrom('incentive_lines as l')
    .innerJoin('incentive_runs as r', 'r.period', 'l.period')
    .innerJoin('policies as p', 'p.id', 'l.policy_id')
    .innerJoin('organisations as o', 'o.id', 'p.org_id')
    .select(['l.period', 'l.salesperson_id as line_salesperson_id', 'l.amount as line_amount', ...policyColumns])
    .where('r.status', '=', 'approved')
    .where('l.kind', '=', 'commission')
    .where('l.amount', '>', 0)
    .where('l.period', '<', period)
    .where('p.status', 'in', terminatedStatuses)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('incentive_lines as c')
            .innerJoin('incentive_runs as cr', 'cr.period', 'c.period')
            .select('c.id')
            .where('cr.status', '=', 'approved')
            .where('c.kind', '=', 'chargeback')
            .whereRef('c.policy_id', '=', 'l.policy_id')
            .whereRef('c.salesperson_id', '=', 'l.salesperson_id'),
        ),
      ),
    )
    .orderBy('p.id')
    .orderBy('l.salesperson_id')
    .execute();
  if (frozenCommission.length) {
    const frozenPolicies = frozenCommission.map(toFacts);
    const frozenYears = await policyYears(db, frozenPolicies);
    const frozenEnded = await terminationDates(db, [...new Set(frozenPolicies.map((policy) => policy.id))]);
    frozenCommission.forEach((row, index) => {
      const policy = frozenPolicies[index]!;
      const endedOn = frozenEnded.get(policy.id);
      if (!endedOn || endedOn > end) return;
      const rule = pickRule(rules, 'chargeback', endedOn, policy.orgPath, { ...policy, policyYear: frozenYears.get(policy.id) ?? 1 });
      if (!rule || daysBetween(policy.startDate, endedOn) > (rule.clawbackDays ?? 0)) return;
      const paid = Number(row.line_amount);
      const rate = rule.ratePercent ?? 100;
      lines.push({
        period,
        salespersonId: Number(row.line_salesperson_id),
        kind: 'chargeback',
        policyId: policy.id,
        ruleId: rule.id,
        ruleVersion: rule.version,
        baseAmount: paid,
        ratePercent: rate,
        amount: -percentOf(paid, rate),
        sourcePeriod: String(row.period),
        detail: { policyNo: policy.policyNo, status: policy.status, startDate: policy.startDate, endedOn, daysInForce: daysBetween(policy.startDate, endedOn), clawbackDays: rule.clawbackDays },
      });
    });
  }
  return lines;
}

const periodPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
export function checkPeriod(period: string): void {
  if (!periodPattern.test(period)) throw new AppError('VALIDATION', {}, { period: { reason: 'invalid_format' } });
}

async function lockRun(ctx: WriteContext, period: string): Promise<Row | undefined> {
  const query = ctx.trx.selectFrom('incentive_runs').selectAll().where('period', '=', period);
  return ctx.services.database.dialect === 'postgres' ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

/**
 * Runs (or re-runs) a month. One month is open at a time, after the last frozen one: that is the "next open
 * period" chargebacks land in, and it keeps two open months from charging the same policy back twice.
 */
export async function runPeriod(ctx: WriteContext, period: string): Promise<{ period: string; lines: number; salespeople: number; total: number; runCount: number }> {
  checkPeriod(period);
  if (ctx.services.database.dialect === 'postgres') await sql`lock table incentive_runs in share row exclusive mode`.execute(ctx.trx);
  const run = await lockRun(ctx, period);
  if (run?.status === 'approved') throw new AppError('INVALID_TRANSITION', { status: 'approved', action: 'run', allowed: [] });
  const later = await ctx.trx.selectFrom('incentive_runs').select('period').where('status', '=', 'approved').where('period', '>', period).executeTakeFirst();
  if (later) throw new AppError('VALIDATION', {}, { period: { reason: 'before_frozen_period', params: { frozen: later.period } } });
  const otherOpen = await ctx.trx.selectFrom('incentive_runs').select('period').where('status', '=', 'open').where('period', '<>', period).executeTakeFirst();
  if (otherOpen) throw new AppError('VALIDATION', {}, { period: { reason: 'other_period_open', params: { open: otherOpen.period } } });

  const lines = await computePeriod(ctx.trx, period);
  const orgOf = new Map<number, number>();
  const ids = [...new Set(lines.map((line) => line.salespersonId))];
  for (let index = 0; index < ids.length; index += 1000) {
    const rows = await ctx.trx.selectFrom('salespeople').select(['id', 'org_id']).where('id', 'in', ids.slice(index, index + 1000)).execute();
    for (const row of rows) orgOf.set(Number(row.id), Number(row.org_id));
  }
  await ctx.trx.deleteFrom('incentive_lines').where('period', '=', period).execute();
  for (let index = 0; index < lines.length; index += 500) {
    await ctx.trx
      .insertInto('incentive_lines')
      .values(
        lines.slice(index, index + 500).map((line) => ({
          period: line.period,
          salesperson_id: line.salespersonId,
          org_id: orgOf.get(line.salespersonId) ?? 0,
          kind: line.kind,
          policy_id: line.policyId,
          rule_id: line.ruleId,
          rule_version: line.ruleVersion,
          base_amount: line.baseAmount,
          rate_percent: line.ratePercent,
          amount: line.amount,
          source_period: line.sourcePeriod,
          detail: JSON.stringify(line.detail),
        })),
      )
      .execute();
  }
  const runCount = Number(run?.run_count ?? 0) + 1;
  const stamp = { status: 'open', run_count: runCount, last_run_at: ctx.now.toISOString(), last_run_by: ctx.actor.displayName };
  if (run) await ctx.trx.updateTable('incentive_runs').set(stamp).where('period', '=', period).execute();
  else await ctx.trx.insertInto('incentive_runs').values({ period, ...stamp }).execute();
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const salespeople = ids.length;
  await audit(ctx, 'incentiveRun', null, 'run', { period: { after: period }, lines: { after: lines.length }, total: { after: total / 100 }, runCount: { after: runCount } });
  return { period, lines: lines.length, salespeople, total: total / 100, runCount };
}

/** Freezes a run month and records one approved payout per salesperson with a non-zero total. */
export async function approvePeriod(ctx: WriteContext, period: string): Promise<{ period: string; payouts: number; total: number }> {
  checkPeriod(period);
  const run = await lockRun(ctx, period);
  if (!run) throw new AppError('NOT_FOUND');
  if (run.status !== 'open') throw new AppError('INVALID_TRANSITION', { status: run.status, action: 'approve', allowed: [] });
  await ctx.trx.updateTable('incentive_runs').set({ status: 'approved', approved_at: ctx.now.toISOString(), approved_by: ctx.actor.displayName }).where('period', '=', period).where('status', '=', 'open').execute();
  const totals = await ctx.trx
    .selectFrom('incentive_lines as l')
    .innerJoin('salespeople as s', 's.id', 'l.salesperson_id')
    .select(['l.salesperson_id', 's.org_id', sql<number>`sum(l.amount)`.as('total')])
    .where('l.period', '=', period)
    .groupBy(['l.salesperson_id', 's.org_id'])
    .orderBy('l.salesperson_id')
    .execute();
  // Payouts belong to the company run, not to the approver's own branch: written as the system, audited as the approver.
  const system = systemContext(ctx.services, ctx.trx);
  const payout = getEntity('incentivePayout');
  let count = 0;
  let sum = 0;
  for (const row of totals) {
    const total = Number(row.total);
    if (total === 0) continue;
    await createRecord({ ...system, actor: { ...system.actor, displayName: ctx.actor.displayName, accountId: ctx.actor.accountId } }, payout, {
      salespersonId: Number(row.salesperson_id),
      period,
      amount: total / 100,
      orgId: Number(row.org_id),
      status: 'approved',
      remarks: null,
    });
    count++;
    sum += total;
  }
  await audit(ctx, 'incentiveRun', null, 'approve', { period: { after: period }, payouts: { after: count }, total: { after: sum / 100 } });
  return { period, payouts: count, total: sum / 100 };
}

import { getEntity } from '@insure/model/registry';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { DB, Dialect, Tables } from '../../db/database.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';

/**
 * Sales figures read from the source records (policies, signings, opportunities, customers), always inside
 * the actor's data scope, for any slice: one salesperson, an organisation subtree, or all.
 * Definitions (shared by plans, performance and the plan bonus):
 * - premium / policy count: policies not cancelled whose start date is in the period, by policy salesperson;
 * - new customers: customers created in the period, by owner;
 * - won / lost: opportunities in that stage whose expected close date is in the period, by owner;
 * - pending signings: signings signed in the period not yet issued nor declined.
 */
export interface Slice {
  salespersonId?: number | null;
  /** Organisation subtree by path prefix ('/1/4/'). */
  orgPath?: string | null;
}

export interface Figures {
  premium: number;
  policyCount: number;
  newCustomers: number;
  won: number;
  lost: number;
  closeRate: number | null;
  pendingSignings: number;
  pendingSigningAmount: number;
}

type Eb = ExpressionBuilder<Tables, string>;

function sliceOf(table: string, ownerColumn: string, slice: Slice) {
  return (eb: Eb): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (slice.salespersonId != null) parts.push(eb(sql.ref(`${table}.${ownerColumn}`), '=', slice.salespersonId));
    if (slice.orgPath) parts.push(eb(sql.ref(`${table}.org_id`), 'in', eb.selectFrom('organisations as slice_org').select('slice_org.id').where('slice_org.path', 'like', `${slice.orgPath}%`)));
    return parts.length ? eb.and(parts) : sql<SqlBool>`1 = 1`;
  };
}

const dayStart = (date: string) => `${date}T00:00:00.000Z`;
const dayEnd = (date: string) => `${date}T23:59:59.999Z`;

export const closeRate = (won: number, lost: number) => (won + lost ? Math.round((won / (won + lost)) * 10_000) / 10_000 : null);

/** Figures of one slice over [from, to], in yuan. */
export async function sliceFigures(db: DB, actor: Actor, slice: Slice, from: string, to: string, dialect?: Dialect): Promise<Figures> {
  // One salesperson on SQLite: the `+`s keep the planner on their salesperson / owner index rather than the
  // period's covering index (everyone's rows of the period), which it prefers for being covering.
  const plus = dialect === 'sqlite' && slice.salespersonId != null ? sql.raw('+') : sql.raw('');
  const [sales, customers, outcomes, signings] = await Promise.all([
    db
      .selectFrom('policies')
      .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(premium), 0)`.as('premium')])
      .where(sql<SqlBool>`${plus}policies.deleted_at is null`)
      .where(scopePredicate(getEntity('policy'), actor))
      .where(sliceOf('policies', 'salesperson_id', slice))
      .where('policies.status', '<>', 'cancelled')
      .where(sql<SqlBool>`${plus}policies.start_date >= ${from}`)
      .where(sql<SqlBool>`${plus}policies.start_date <= ${to}`)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('customers')
      .select(sql<number>`count(*)`.as('count'))
      .where(sql<SqlBool>`${plus}customers.deleted_at is null`)
      .where(scopePredicate(getEntity('customer'), actor))
      .where(sliceOf('customers', 'owner_id', slice))
      .where(sql<SqlBool>`${plus}customers.created_at >= ${dayStart(from)}`)
      .where(sql<SqlBool>`${plus}customers.created_at <= ${dayEnd(to)}`)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('opportunities')
      .select([sql<number>`coalesce(sum(case when stage = 'won' then 1 else 0 end), 0)`.as('won'), sql<number>`coalesce(sum(case when stage = 'lost' then 1 else 0 end), 0)`.as('lost')])
      .where('opportunities.deleted_at', 'is', null)
      .where(scopePredicate(getEntity('opportunity'), actor))
      .where(sliceOf('opportunities', 'owner_id', slice))
      .where('opportunities.stage', 'in', ['won', 'lost'])
      .where('opportunities.expected_close_date', '>=', from)
      .where('opportunities.expected_close_date', '<=', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('signings')
      .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(amount), 0)`.as('amount')])
      .where('signings.deleted_at', 'is', null)
      .where(scopePredicate(getEntity('signing'), actor))
      .where(sliceOf('signings', 'salesperson_id', slice))
      .where('signings.status', 'in', ['submitted', 'underwriting', 'approved'])
      .where('signings.signing_date', '>=', from)
      .where('signings.signing_date', '<=', to)
      .executeTakeFirstOrThrow(),
  ]);
  const won = Number(outcomes.won);
  const lost = Number(outcomes.lost);
  return {
    premium: Number(sales.premium) / 100,
    policyCount: Number(sales.count),
    newCustomers: Number(customers.count),
    won,
    lost,
    closeRate: closeRate(won, lost),
    pendingSignings: Number(signings.count),
    pendingSigningAmount: Number(signings.amount) / 100,
  };
}

/** 'YYYY-MM' of a date or timestamp column. */
export function monthOf(dialect: Dialect, column: string) {
  return dialect === 'postgres' ? sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM')` : sql<string>`substr(${sql.ref(column)}, 1, 7)`;
}

export interface GroupedRow {
  key: number;
  month?: string;
  /** fen */
  premium: number;
  policyCount: number;
  newCustomers: number;
  won: number;
  lost: number;
}

/**
 * The same figures grouped by salesperson or by the record's organisation (and by month when asked),
 * four grouped queries in all whatever the number of groups (rankings and trends).
 */
export async function groupedFigures(db: DB, dialect: Dialect, actor: Actor, by: 'salesperson' | 'org', slice: Slice, from: string, to: string, byMonth: boolean): Promise<GroupedRow[]> {
  const rows = new Map<string, GroupedRow>();
  const row = (key: number, month?: string) => {
    const id = `${key}|${month ?? ''}`;
    let found = rows.get(id);
    if (!found) {
      found = { key, ...(month ? { month } : {}), premium: 0, policyCount: 0, newCustomers: 0, won: 0, lost: 0 };
      rows.set(id, found);
    }
    return found;
  };
  const keyColumn = (table: string, owner: string) => `${table}.${by === 'org' ? 'org_id' : owner}`;

  let sales = db
    .selectFrom('policies')
    .select([sql.ref(keyColumn('policies', 'salesperson_id')).as('key'), sql<number>`count(*)`.as('count'), sql<number>`sum(premium)`.as('premium')])
    .where('policies.deleted_at', 'is', null)
    .where(scopePredicate(getEntity('policy'), actor))
    .where(sliceOf('policies', 'salesperson_id', slice))
    .where(sql.ref(keyColumn('policies', 'salesperson_id')), 'is not', null)
    .where('policies.status', '<>', 'cancelled')
    .where('policies.start_date', '>=', from)
    .where('policies.start_date', '<=', to)
    .groupBy(sql.ref(keyColumn('policies', 'salesperson_id')));
  if (byMonth) sales = sales.select(monthOf(dialect, 'policies.start_date').as('month')).groupBy(monthOf(dialect, 'policies.start_date'));
  let customers = db
    .selectFrom('customers')
    .select([sql.ref(keyColumn('customers', 'owner_id')).as('key'), sql<number>`count(*)`.as('count')])
    .where('customers.deleted_at', 'is', null)
    .where(scopePredicate(getEntity('customer'), actor))
    .where(sliceOf('customers', 'owner_id', slice))
    .where(sql.ref(keyColumn('customers', 'owner_id')), 'is not', null)
    .where('customers.created_at', '>=', dayStart(from))
    .where('customers.created_at', '<=', dayEnd(to))
    .groupBy(sql.ref(keyColumn('customers', 'owner_id')));
  if (byMonth) customers = customers.select(monthOf(dialect, 'customers.created_at').as('month')).groupBy(monthOf(dialect, 'customers.created_at'));
  let outcomes = db
    .selectFrom('opportunities')
    .select([sql.ref(keyColumn('opportunities', 'owner_id')).as('key'), sql<number>`sum(case when stage = 'won' then 1 else 0 end)`.as('won'), sql<number>`sum(case when stage = 'lost' then 1 else 0 end)`.as('lost')])
    .where('opportunities.deleted_at', 'is', null)
    .where(scopePredicate(getEntity('opportunity'), actor))
    .where(sliceOf('opportunities', 'owner_id', slice))
    .where(sql.ref(keyColumn('opportunities', 'owner_id')), 'is not', null)
    .where('opportunities.stage', 'in', ['won', 'lost'])
    .where('opportunities.expected_close_date', '>=', from)
    .where('opportunities.expected_close_date', '<=', to)
    .groupBy(sql.ref(keyColumn('opportunities', 'owner_id')));
  if (byMonth) outcomes = outcomes.select(monthOf(dialect, 'opportunities.expected_close_date').as('month')).groupBy(monthOf(dialect, 'opportunities.expected_close_date'));

  const [salesRows, customerRows, outcomeRows] = await Promise.all([sales.execute(), customers.execute(), outcomes.execute()]);
  const month = (value: Record<string, unknown>) => (byMonth ? String(value.month) : undefined);
  for (const value of salesRows) Object.assign(row(Number(value.key), month(value)), { premium: Number(value.premium), policyCount: Number(value.count) });
  for (const value of customerRows) row(Number(value.key), month(value)).newCustomers = Number(value.count);
  for (const value of outcomeRows) Object.assign(row(Number(value.key), month(value)), { won: Number(value.won), lost: Number(value.lost) });
  return [...rows.values()];
}

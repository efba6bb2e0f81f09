import { type Expression, type SqlBool, sql } from 'kysely';
import type { DB, Dialect, Row } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { compileDefinition, type ConditionGroup, parseDefinition, profileColumnsOf } from './conditions.ts';
import { type ComputedProfile, completenessFields, computeProfile, type ProfileInput } from './compute.ts';
import { loadProfileSettings, type ProfileSettings } from './settings.ts';

/** Which customers a refresh covers: a list of ids (hooks) or an id range (the full rebuild walks the table). */
type Slice = { ids: number[] } | { from: number; to: number };

const inSlice = (column: string, slice: Slice) => (eb: { (lhs: string, op: string, rhs: unknown): Expression<SqlBool>; and(parts: Expression<SqlBool>[]): Expression<SqlBool> }) =>
  'ids' in slice ? eb(column, 'in', slice.ids) : eb.and([eb(column, '>=', slice.from), eb(column, '<=', slice.to)]);

const yuan = (fen: unknown) => (fen == null ? 0 : Number(fen) / 100);
const text = (value: unknown) => (value == null ? null : String(value));
const inverse: Record<string, string> = { spouse: 'spouse', child: 'parent', parent: 'child', sibling: 'sibling', other: 'other' };

const customerFilled: Record<(typeof completenessFields)[number], string> = {
  gender: 'gender',
  birthDate: 'birth_date',
  idNumber: 'id_number_mask',
  phone: 'phone_mask',
  province: 'province',
  city: 'city',
  homeAddress: 'home_address_mask',
  occupation: 'occupation',
  employer: 'employer',
  education: 'education',
  maritalStatus: 'marital_status',
  incomeBand: 'income_band',
};

/** The policy columns the rules read (not the long texts such as coverage). */
const policyColumns = ['id', 'policy_no', 'applicant_id', 'insured_id', 'insurance_type', 'status', 'start_date', 'end_date', 'premium', 'sum_insured', 'payment_frequency', 'next_due_date', 'deleted_at'];

/** Everything the profiles of a slice of customers need, in one query per source table. */
export async function gatherInputs(db: DB, slice: Slice): Promise<Map<number, ProfileInput>> {
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'birth_date', 'marital_status', 'province', 'city', 'occupation', 'income_band', ...new Set(Object.values(customerFilled))])
    .select('deleted_at')
    .where(inSlice('id', slice) as never)
    .execute();
  const inputs = new Map<number, ProfileInput>();
  for (const row of customers) {
    if (row.deleted_at != null) continue;
    inputs.set(Number(row.id), {
      customer: {
        id: Number(row.id),
        birthDate: text(row.birth_date),
        maritalStatus: text(row.marital_status),
        province: text(row.province),
        city: text(row.city),
        occupation: text(row.occupation),
        incomeBand: text(row.income_band),
        filled: Object.fromEntries(Object.entries(customerFilled).map(([field, column]) => [field, row[column] != null && row[column] !== ''])),
      },
      policies: [],
      externalPolicies: [],
      household: [],
      claims: [],
      tickets: [],
      surveys: [],
      lastInteractionAt: null,
    });
  }
  if (!inputs.size) return inputs;
  // Live rows are picked here rather than in SQL: a `deleted_at is null` term leads SQLite's planner to the
  // (deleted_at, …) list indexes and a scan of every live row, instead of the customer-reference index.
  const live = <T extends Row>(rows: T[]) => rows.filter((row) => row.deleted_at == null);
  const [asApplicant, asInsured, external, forward, backward, claims, tickets, surveys, interactions] = await Promise.all([
    db.selectFrom('policies').select(policyColumns).where(inSlice('applicant_id', slice) as never).execute().then(live),
    db.selectFrom('policies').select(policyColumns).where(inSlice('insured_id', slice) as never).execute().then(live),
    db.selectFrom('external_policies').select(['id', 'customer_id', 'insurer', 'insurance_type', 'sum_insured', 'end_date', 'deleted_at']).where(inSlice('customer_id', slice) as never).execute().then(live),
    db
      .selectFrom('customer_relations as r')
      .innerJoin('customers as m', 'm.id', 'r.related_id')
      .select(['r.customer_id as owner', 'r.related_id as member', 'r.relation', 'm.birth_date'])
      .where(inSlice('r.customer_id', slice) as never)
      .where('r.deleted_at', 'is', null)
      .where('m.deleted_at', 'is', null)
      .execute(),
    db
      .selectFrom('customer_relations as r')
      .innerJoin('customers as m', 'm.id', 'r.customer_id')
      .select(['r.related_id as owner', 'r.customer_id as member', 'r.relation', 'm.birth_date'])
      .where(inSlice('r.related_id', slice) as never)
      .where('r.deleted_at', 'is', null)
      .where('m.deleted_at', 'is', null)
      .execute(),
    db.selectFrom('claims').select(['id', 'insured_id', 'incident_at', 'status', 'deleted_at']).where(inSlice('insured_id', slice) as never).execute().then(live),
    db.selectFrom('feedback').select(['id', 'customer_id', 'type', 'status', 'satisfaction', 'created_at', 'deleted_at']).where(inSlice('customer_id', slice) as never).execute().then(live),
    db.selectFrom('surveys').select(['id', 'customer_id', 'csat', 'answered_at', 'status', 'deleted_at']).where(inSlice('customer_id', slice) as never).execute().then((rows) => live(rows).filter((row) => row.status === 'answered')),
    db.selectFrom('interactions').select(['customer_id', 'occurred_at as last', 'deleted_at']).where(inSlice('customer_id', slice) as never).execute().then(live),
  ]);
  const policyOf = (row: Row, customerId: number) => ({
    id: Number(row.id),
    policyNo: String(row.policy_no),
    applicant: Number(row.applicant_id) === customerId,
    insured: row.insured_id != null && Number(row.insured_id) === customerId,
    hasInsured: row.insured_id != null,
    insuranceType: String(row.insurance_type),
    status: String(row.status),
    startDate: text(row.start_date),
    endDate: text(row.end_date),
    premium: yuan(row.premium),
    sumInsured: yuan(row.sum_insured),
    paymentFrequency: text(row.payment_frequency),
    nextDueDate: text(row.next_due_date),
  });
  for (const row of asApplicant) inputs.get(Number(row.applicant_id))?.policies.push(policyOf(row, Number(row.applicant_id)));
  for (const row of asInsured) {
    const input = inputs.get(Number(row.insured_id));
    if (input && Number(row.applicant_id) !== Number(row.insured_id)) input.policies.push(policyOf(row, Number(row.insured_id)));
  }
  for (const row of external) inputs.get(Number(row.customer_id))?.externalPolicies.push({ id: Number(row.id), insurer: String(row.insurer), insuranceType: String(row.insurance_type), sumInsured: yuan(row.sum_insured), endDate: text(row.end_date) });
  const seen = new Set<string>();
  for (const [rows, flip] of [[forward, false], [backward, true]] as const) {
    for (const row of rows) {
      const key = `${row.owner}:${row.member}`;
      if (seen.has(key) || Number(row.owner) === Number(row.member)) continue;
      seen.add(key);
      inputs.get(Number(row.owner))?.household.push({ customerId: Number(row.member), relation: flip ? (inverse[String(row.relation)] ?? 'other') : String(row.relation), birthDate: text(row.birth_date) });
    }
  }
  for (const row of claims) inputs.get(Number(row.insured_id))?.claims.push({ id: Number(row.id), incidentAt: String(row.incident_at), status: String(row.status) });
  for (const row of tickets) inputs.get(Number(row.customer_id))?.tickets.push({ id: Number(row.id), type: String(row.type), status: String(row.status), satisfaction: row.satisfaction == null ? null : Number(row.satisfaction), createdAt: String(row.created_at) });
  for (const row of surveys) inputs.get(Number(row.customer_id))?.surveys.push({ id: Number(row.id), csat: row.csat == null ? null : Number(row.csat), answeredAt: text(row.answered_at) });
  for (const row of interactions) {
    const input = inputs.get(Number(row.customer_id));
    if (input && (!input.lastInteractionAt || String(row.last) > input.lastInteractionAt)) input.lastInteractionAt = text(row.last);
  }
  for (const input of inputs.values()) input.policies.sort((a, b) => a.id - b.id);
  return inputs;
}

function profileRow(dialect: Dialect, customerId: number, profile: ComputedProfile, now: string): Row {
  const { columns } = profile;
  return {
    customer_id: customerId,
    ...columns,
    total_premium: Math.round(columns.total_premium * 100),
    has_spouse: dialect === 'postgres' ? columns.has_spouse : columns.has_spouse ? 1 : 0,
    computed_at: now,
  };
}

/** Recomputes and stores the profiles (and rule tags) of a slice; deleted customers lose theirs. */
async function refreshSlice(db: DB, dialect: Dialect, slice: Slice, settings: ProfileSettings, now: Date): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const inputs = await gatherInputs(db, slice);
  const rows = [...inputs.values()].map((input) => profileRow(dialect, input.customer.id, computeProfile(input, settings, today), now.toISOString()));
  await db.deleteFrom('customer_profiles').where(inSlice('customer_id', slice) as never).execute();
  for (let start = 0; start < rows.length; start += 500) await db.insertInto('customer_profiles').values(rows.slice(start, start + 500)).execute();
  await evaluateRuleTags(db, dialect, slice, now);
  return rows.length;
}

/** One customer's profile with its why, computed now from the current data (null: no such live customer). */
export async function computeFor(db: DB, customerId: number, now: Date): Promise<ComputedProfile | null> {
  const [inputs, settings] = await Promise.all([gatherInputs(db, { ids: [customerId] }), loadProfileSettings(db)]);
  const input = inputs.get(customerId);
  return input ? computeProfile(input, settings, now.toISOString().slice(0, 10)) : null;
}

/** Same-transaction refresh after a change (entity hooks): the customers' profiles and rule tags. */
export async function refreshProfiles(db: DB, dialect: Dialect, customerIds: Iterable<number | null | undefined>, now: Date): Promise<void> {
  const ids = [...new Set([...customerIds].filter((id): id is number => id != null && Number.isFinite(Number(id))).map(Number))];
  if (!ids.length) return;
  const settings = await loadProfileSettings(db);
  for (let start = 0; start < ids.length; start += 2000) await refreshSlice(db, dialect, { ids: ids.slice(start, start + 2000) }, settings, now);
}

/** Every customer's profile, in id ranges of `batch`, each range in its own transaction. */
export async function rebuildAllProfiles(services: Services, batch = 5000, onProgress?: (done: number) => void): Promise<{ customers: number }> {
  const { db, dialect } = services.database;
  const settings = await loadProfileSettings(db);
  const bounds = await db.selectFrom('customers').select([sql<number>`min(id)`.as('lo'), sql<number>`max(id)`.as('hi')]).executeTakeFirstOrThrow();
  let done = 0;
  if (bounds.lo == null) return { customers: 0 };
  const now = services.clock.now();
  for (let from = Number(bounds.lo); from <= Number(bounds.hi); from += batch) {
    done += await db.transaction().execute((trx) => refreshSlice(trx, dialect, { from, to: from + batch - 1 }, settings, now));
    onProgress?.(done);
  }
  return { customers: done };
}

interface RuleTag {
  id: number;
  definition: ConditionGroup;
  rule: string;
}

async function ruleTags(db: DB): Promise<RuleTag[]> {
  const rows = await db.selectFrom('customer_tags').select(['id', 'rule']).where('deleted_at', 'is', null).where('rule', 'is not', null).where('rule', '<>', '').execute();
  const out: RuleTag[] = [];
  for (const row of rows) {
    try {
      out.push({ id: Number(row.id), rule: String(row.rule), definition: await parseDefinition(db, row.rule, 'rule') });
    } catch {
      // A rule that no longer parses (a custom field removed since) puts the tag on no one.
      out.push({ id: Number(row.id), rule: String(row.rule), definition: { op: 'or', items: [] } });
    }
  }
  return out;
}

/**
 * Puts rule tags on the customers of a slice that meet their conditions and takes them off those that no
 * longer do. A tag keeps its `since` while it stays; `reason` records the rule and the profile values that met it.
 */
export async function evaluateRuleTags(db: DB, dialect: Dialect, slice: Slice | 'all', now: Date, onlyTag?: number): Promise<void> {
  const today = now.toISOString().slice(0, 10);
  const tags = (await ruleTags(db)).filter((tag) => onlyTag === undefined || tag.id === onlyTag);
  for (const tag of tags) {
    const predicate = await compileDefinition(db, dialect, tag.definition, today);
    const columns = profileColumnsOf(tag.definition);
    let query = db
      .selectFrom('customers')
      .leftJoin('customer_profiles as p', 'p.customer_id', 'customers.id')
      .select(['customers.id', 'customers.deleted_at', ...columns.map((column) => `p.${column}`)])
      .where(predicate);
    let held = db.selectFrom('customer_tag_assignments').select('customer_id').where('tag_id', '=', tag.id).where('source', '=', 'rule');
    if (slice !== 'all') {
      query = query.where(inSlice('customers.id', slice) as never);
      held = held.where(inSlice('customer_id', slice) as never);
    }
    // deleted customers are dropped here, not in SQL (see gatherInputs on the planner)
    const [matching, current] = await Promise.all([query.execute().then((rows) => rows.filter((row) => row.deleted_at == null)), held.execute()]);
    const has = new Set(current.map((row) => Number(row.customer_id)));
    const meets = new Set(matching.map((row) => Number(row.id)));
    const gone = [...has].filter((id) => !meets.has(id));
    const added = matching.filter((row) => !has.has(Number(row.id)));
    for (let start = 0; start < gone.length; start += 1000) {
      await db.deleteFrom('customer_tag_assignments').where('tag_id', '=', tag.id).where('source', '=', 'rule').where('customer_id', 'in', gone.slice(start, start + 1000)).execute();
    }
    const rows = added.map((row) => ({
      customer_id: Number(row.id),
      tag_id: tag.id,
      source: 'rule',
      since: now.toISOString(),
      reason: JSON.stringify({ rule: tag.definition, values: Object.fromEntries(columns.map((column) => [column, row[column] ?? null])) }),
    }));
    for (let start = 0; start < rows.length; start += 1000) await db.insertInto('customer_tag_assignments').values(rows.slice(start, start + 1000)).execute();
  }
}

/** Mirrors manual tags (customer.tagIds) into assignments: since when they were put on, and by whom. */
export async function syncManualTags(db: DB, customerIds: number[], now: Date, by: string): Promise<void> {
  for (let start = 0; start < customerIds.length; start += 1000) {
    const ids = customerIds.slice(start, start + 1000);
    const [links, held] = await Promise.all([
      db.selectFrom('customers__tag_ids').select(['owner_id', 'target_id']).where('owner_id', 'in', ids).execute(),
      db.selectFrom('customer_tag_assignments').select(['customer_id', 'tag_id']).where('customer_id', 'in', ids).where('source', '=', 'manual').execute(),
    ]);
    const linked = new Set(links.map((row) => `${row.owner_id}:${row.target_id}`));
    const have = new Set(held.map((row) => `${row.customer_id}:${row.tag_id}`));
    for (const row of held) {
      if (!linked.has(`${row.customer_id}:${row.tag_id}`)) await db.deleteFrom('customer_tag_assignments').where('customer_id', '=', Number(row.customer_id)).where('tag_id', '=', Number(row.tag_id)).where('source', '=', 'manual').execute();
    }
    const added = links
      .filter((row) => !have.has(`${row.owner_id}:${row.target_id}`))
      .map((row) => ({ customer_id: Number(row.owner_id), tag_id: Number(row.target_id), source: 'manual', since: now.toISOString(), reason: JSON.stringify({ by }) }));
    for (let chunk = 0; chunk < added.length; chunk += 1000) await db.insertInto('customer_tag_assignments').values(added.slice(chunk, chunk + 1000)).execute();
  }
}

import { createHash } from 'node:crypto';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { DB, Dialect, Row } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { startWorker } from '../../platform/worker-thread.ts';
import { compileDefinition, type ConditionGroup, parseDefinition, profileColumnsOf } from './conditions.ts';
import { type ComputedProfile, completenessFields, computeProfile, type ProfileInput } from './compute.ts';
import { loadProfileSettings, type ProfileSettings } from './settings.ts';

/** Which customers a refresh covers: a list of ids (hooks) or an id range (the full rebuild walks the table). */
export type Slice = { ids: number[] } | { from: number; to: number };

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
    // policies where the customer is only the insured (their own are read above as the applicant's)
    db.selectFrom('policies').select(policyColumns).where(inSlice('insured_id', slice) as never).whereRef('applicant_id', '<>', 'insured_id').execute().then(live),
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
    values_hash: createHash('sha1').update(JSON.stringify(columns)).digest('base64'),
  };
}

/** The profile rows of a slice's live customers, computed from the current data (with their values hashes). */
export async function computeSliceRows(db: DB, dialect: Dialect, slice: Slice, settings: ProfileSettings, now: Date): Promise<Row[]> {
  const today = now.toISOString().slice(0, 10);
  const inputs = await gatherInputs(db, slice);
  return [...inputs.values()].map((input) => profileRow(dialect, input.customer.id, computeProfile(input, settings, today), now.toISOString()));
}

/**
 * Stores the computed profiles of a slice whose values changed (`computed_at` is when the stored values were
 * computed), drops those of customers no longer live, and re-evaluates the slice's rule tags.
 */
async function storeSlice(db: DB, dialect: Dialect, slice: Slice, rows: Row[], now: Date): Promise<number> {
  const stored = await db.selectFrom('customer_profiles').select(['customer_id', 'values_hash']).where(inSlice('customer_id', slice) as never).execute();
  const storedHash = new Map(stored.map((row) => [Number(row.customer_id), row.values_hash]));
  const live = new Set(rows.map((row) => row.customer_id as number));
  const changed = rows.filter((row) => storedHash.get(row.customer_id as number) !== row.values_hash);
  const stale = [...changed.map((row) => row.customer_id as number).filter((id) => storedHash.has(id)), ...[...storedHash.keys()].filter((id) => !live.has(id))];
  for (let start = 0; start < stale.length; start += 500) await db.deleteFrom('customer_profiles').where('customer_id', 'in', stale.slice(start, start + 500)).execute();
  for (let start = 0; start < changed.length; start += 500) await db.insertInto('customer_profiles').values(changed.slice(start, start + 500)).execute();
  await evaluateRuleTags(db, dialect, slice, now);
  return rows.length;
}

/** Recomputes the profiles (and rule tags) of a slice and stores those whose values changed. */
async function refreshSlice(db: DB, dialect: Dialect, slice: Slice, settings: ProfileSettings, now: Date): Promise<number> {
  return storeSlice(db, dialect, slice, await computeSliceRows(db, dialect, slice, settings, now), now);
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

/** Threads (each with its own connection) a PostgreSQL rebuild uses at once, beside the app's pool of 10. */
const postgresRebuildThreads = 3;

/**
 * One range of a PostgreSQL rebuild in its own transaction. Repeatable read, so a change committed by a request
 * (whose hook stored the fresh profile) after this range's inputs were read makes this range's write of that
 * profile fail (serialization failure, or a duplicate key when both inserted it) instead of overwriting it with
 * what was computed from the older data: the range is then done again.
 */
export async function refreshRangeOnPostgres(db: DB, range: Range, settings: ProfileSettings, now: Date): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => refreshSlice(trx, 'postgres', range, settings, now));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || !(code === '40001' || code === '40P01' || code === '23505')) throw error;
    }
  }
}

/** Every customer's profile, in id ranges of `batch`, each range in its own transaction; `onProgress` runs after each range (awaited). */
export async function rebuildAllProfiles(services: Services, batch = 5000, onProgress?: (done: number) => void | Promise<void>): Promise<{ customers: number }> {
  const { db, dialect, sqlite } = services.database;
  const settings = await loadProfileSettings(db);
  const bounds = await db.selectFrom('customers').select([sql<number>`min(id)`.as('lo'), sql<number>`max(id)`.as('hi')]).executeTakeFirstOrThrow();
  if (bounds.lo == null) return { customers: 0 };
  const now = services.clock.now();
  const ranges: Range[] = [];
  for (let from = Number(bounds.lo); from <= Number(bounds.hi); from += batch) ranges.push({ from, to: from + batch - 1 });
  let customers: number;
  if (sqlite && !sqlite.memory && ranges.length > 2) customers = await rebuildSqliteInWorkers(services, ranges, settings, now, onProgress);
  else if (dialect === 'postgres' && services.config.DATABASE_URL && ranges.length > 2) customers = await rebuildPostgresInWorkers(services, ranges, settings, now, onProgress);
  else {
    customers = 0;
    for (const range of ranges) {
      customers += dialect === 'postgres' ? await refreshRangeOnPostgres(db, range, settings, now) : await db.transaction().execute((trx) => refreshSlice(trx, dialect, range, settings, now));
      await onProgress?.(customers);
    }
  }
  // Fresh statistics for the segment counts' plans (autovacuum would get there later; until then PostgreSQL took a
  // condition matching 636k profiles for one matching 8k).
  if (dialect === 'postgres') await sql`analyze customer_profiles, customer_tag_assignments`.execute(db);
  return { customers };
}

/**
 * The PostgreSQL rebuild on worker threads, each reading, computing and writing whole ranges on its own connection
 * (PostgreSQL takes concurrent writers; reading rows into objects and computing is most of the time, and one
 * thread was the limit: 113 s for a million customers). The generations of the written tables are raised here as
 * each range is done, so caches (and other nodes) learn of it as if the writes were this thread's.
 */
async function rebuildPostgresInWorkers(services: Services, ranges: Range[], settings: ProfileSettings, now: Date, onProgress?: (done: number) => void | Promise<void>): Promise<number> {
  const threads = Array.from({ length: Math.min(postgresRebuildThreads, ranges.length) }, () =>
    startWorker(import.meta.url, 'rebuild-worker', { dialect: 'postgres', url: services.config.DATABASE_URL, settings, now: now.toISOString() }),
  );
  return driveThreads<number>(threads, (run) => {
    let next = 0;
    let finished = 0;
    let done = 0;
    let progress = Promise.resolve();
    const handOut = (thread: Worker) => {
      if (next < ranges.length && !run.settled()) thread.postMessage({ id: next, ...ranges[next++]! });
    };
    for (const thread of threads) {
      thread.on('message', (message: { id: number; count?: number; error?: string }) => {
        if (message.error !== undefined) return run.fail(new Error(`profile rebuild worker: ${message.error}`));
        services.database.changes.bump(['customer_profiles', 'customer_tag_assignments']);
        done += message.count!;
        finished++;
        handOut(thread);
        const reached = done;
        progress = progress
          .then(() => onProgress?.(reached))
          .then(() => {
            if (finished === ranges.length) run.resolve(done);
          })
          .catch(run.fail);
      });
      handOut(thread);
    }
  });
}

/**
 * Runs `start` (which hands work to the threads and settles the run) until it resolves or fails; a thread's error
 * or early exit fails it. The threads are ended either way.
 */
async function driveThreads<T>(threads: Worker[], start: (run: { resolve(value: T): void; fail(error: unknown): void; settled(): boolean }) => void): Promise<T> {
  let settled = false;
  try {
    return await new Promise<T>((resolve, reject) => {
      const run = {
        resolve: (value: T) => {
          settled = true;
          resolve(value);
        },
        fail: (error: unknown) => {
          if (settled) return;
          settled = true;
          reject(error instanceof Error ? error : new Error(String(error)));
        },
        settled: () => settled,
      };
      for (const thread of threads) {
        thread.on('error', run.fail);
        thread.on('exit', (code) => {
          if (code !== 0) run.fail(new Error(`profile rebuild worker exited with code ${code}`));
        });
      }
      start(run);
    });
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

type Range = { from: number; to: number };

/** The tables profiles are computed from: a write to any of them after a worker's read voids what it computed. */
const inputTables = ['customers', 'policies', 'external_policies', 'customer_relations', 'claims', 'feedback', 'surveys', 'interactions'];

/** Threads reading and computing a SQLite rebuild (reading rows into objects is most of its time). */
const rebuildThreads = Math.max(1, Math.min(4, os.availableParallelism()));

/**
 * The SQLite rebuild with the reading and computing done by worker threads, each on its own read-only connection
 * (WAL lets them read while this thread writes), two ranges in hand per thread. This thread stores each range in
 * its own transaction, which first takes the write lock and then checks that no input table was written since the
 * range was handed out: in this process (the tables' generations) or by another (SQLite's data_version). If one
 * was, the range is computed again inside the transaction, as the single-threaded rebuild does.
 */
async function rebuildSqliteInWorkers(services: Services, ranges: Range[], settings: ProfileSettings, now: Date, onProgress?: (done: number) => void | Promise<void>): Promise<number> {
  const { db, dialect, changes } = services.database;
  const sqlite = services.database.sqlite!;
  const stamp = () => `${changes.stamp(inputTables)}/${sqlite.pragma('data_version', { simple: true })}`;
  const threads = Array.from({ length: Math.min(rebuildThreads, Math.ceil(ranges.length / 2)) }, () =>
    startWorker(import.meta.url, 'rebuild-worker', { dialect: 'sqlite', file: sqlite.name, settings, now: now.toISOString() }),
  );
  return driveThreads<number>(threads, (run) => {
    const handedOut = new Map<number, { range: Range; stamp: string }>();
    let next = 0;
    let stored = 0;
    let done = 0;
    let writes = Promise.resolve();
    const handOut = (thread: Worker) => {
      if (next >= ranges.length || run.settled()) return;
      const id = next++;
      handedOut.set(id, { range: ranges[id]!, stamp: stamp() });
      thread.postMessage({ id, ...ranges[id]! });
    };
    // Ranges are stored in id order (a table filled in key order keeps its pages full: the segment counts read fewer).
    const computed = new Map<number, { rows: Row[]; thread: Worker }>();
    const drain = async () => {
      for (let ready = computed.get(stored); ready && !run.settled(); ready = computed.get(stored)) {
        computed.delete(stored);
        const { range, stamp: before } = handedOut.get(stored)!;
        handedOut.delete(stored);
        const count = await db.transaction().execute(async (trx) => {
          // The write lock first: from here on nothing else commits until this transaction ends.
          await sql`delete from customer_profiles where 0`.execute(trx);
          const rows = stamp() === before ? ready.rows : await computeSliceRows(trx, dialect, range, settings, now);
          return storeSlice(trx, dialect, range, rows, now);
        });
        done += count;
        await onProgress?.(done);
        if (++stored === ranges.length) return run.resolve(done);
        // The next range goes out once one is stored, so at most two per thread are in hand or waiting in memory.
        handOut(ready.thread);
      }
    };
    for (const thread of threads) {
      thread.on('message', (message: { id: number; rows?: Row[]; error?: string }) => {
        if (message.error !== undefined) return run.fail(new Error(`profile rebuild worker: ${message.error}`));
        computed.set(message.id, { rows: message.rows!, thread });
        writes = writes.then(drain).catch(run.fail);
      });
      handOut(thread);
      handOut(thread);
    }
  });
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

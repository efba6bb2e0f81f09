import fs from 'node:fs';
import path from 'node:path';
import { getEntity } from '@insure/model/registry';
import { buildApp } from '@insure/server/src/app.ts';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { loadConfig } from '@insure/server/src/config.ts';
import { parseDefinition } from '@insure/server/src/domains/profile/conditions.ts';
import { segmentQuery } from '@insure/server/src/domains/profile/profile.routes.ts';
import { rebuildAllProfiles, refreshProfiles } from '@insure/server/src/domains/profile/refresh.ts';
import { seedScale } from '@insure/server/src/seed/scale.ts';
import { systemActor } from '@insure/server/src/platform/access/system-actor.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { type BenchOptions, defaultDataDir, line, seconds } from './lib/common.ts';
import { schemaOf } from './lib/postgres.ts';

/** The benchmark's own PostgreSQL schema, created when missing (kept between runs: seeded once). */
async function ensurePostgresSchema(url: string) {
  const base = new URL(url);
  base.searchParams.delete('options');
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schemaOf(url)}"`);
  } finally {
    await client.end();
  }
}

/** Without the requested SQLite data set, a smaller one is seeded (and named in the output). */
const fallbackCustomers = 20_000;

const stats = (durations: number[]) => {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!.toFixed(1);
  return `min ${sorted[0]!.toFixed(1)} ms, median ${at(0.5)} ms, p95 ${at(0.95)} ms (${sorted.length} runs)`;
};

/**
 * Profiles on a seeded data set: the full rebuild (every customer's profile and rule tags), one customer's
 * refresh as a write's hook runs it (same transaction), and a 3-condition segment count.
 */
export async function profilesBench(options: BenchOptions) {
  let dataDir = path.resolve(options.dataDir);
  let size = options.customers;
  const seeded = options.databaseUrl || fs.existsSync(path.join(dataDir, 'insure.db'));
  if (!seeded) {
    size = Math.min(options.customers, fallbackCustomers);
    dataDir = defaultDataDir(size);
    line('note', `no data set at ${options.dataDir}: using ${size.toLocaleString('en')} customers in ${dataDir}`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  if (options.databaseUrl) await ensurePostgresSchema(options.databaseUrl);
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl ?? '', LOG_LEVEL: 'silent' });
  const built = await buildApp({ config, logger: false });
  const { services } = built;
  const { db, dialect } = services.database;
  try {
    const count = async (table: string) => Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    if ((await count('customers')) === 0) {
      if (size > fallbackCustomers) {
        size = fallbackCustomers;
        line('note', `empty database: seeding ${size.toLocaleString('en')} customers rather than ${options.customers.toLocaleString('en')}`);
      }
      const started = performance.now();
      await seedScale(services, size, 1);
      line('seeded', `${size.toLocaleString('en')} customers in ${seconds(performance.now() - started)}`);
    }
    line('database', options.databaseUrl ? 'postgresql' : `sqlite ${dataDir}`);
    line('customers', (await count('customers')).toLocaleString('en'));
    line('policies', (await count('policies')).toLocaleString('en'));
    line('claims', (await count('claims')).toLocaleString('en'));

    // A rule tag makes the rebuild evaluate tags too.
    const tag = await db.selectFrom('customer_tags').select('id').where('name', '=', 'BENCH 高风险').where('deleted_at', 'is', null).executeTakeFirst();
    if (!tag) {
      // created with its rule emptied, so the create itself does not evaluate it over everyone (the rebuild does)
      await db.transaction().execute(async (trx) => {
        const id = await createRecord(systemContext(services, trx), getEntity('customerTag'), { name: 'BENCH 高风险', color: 'red' });
        await trx.updateTable('customer_tags').set({ rule: JSON.stringify({ op: 'and', items: [{ field: 'profile.lapseRisk', op: 'gte', value: 60 }] }) }).where('id', '=', id).execute();
      });
    }

    let started = performance.now();
    if (options.skipRebuild) line('full rebuild', `skipped (--skip-rebuild): ${(await count('customer_profiles')).toLocaleString('en')} stored profiles`);
    else {
      const cpuBefore = process.cpuUsage();
      const rebuilt = await rebuildAllProfiles(services, 5000);
      const rebuildMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      // CPU time of this process (SQLite runs in it; on PostgreSQL the database's own time is not included): on a
      // shared machine the wall time includes waiting for a core, the CPU time does not.
      line('full rebuild', `${seconds(rebuildMs)} — ${rebuilt.customers.toLocaleString('en')} profiles, ${Math.round(rebuilt.customers / (rebuildMs / 1000)).toLocaleString('en')} / s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    }
    line('profiles with a rule tag', (await count('customer_tag_assignments')).toLocaleString('en'));

    // One customer's refresh, as the hooks run it after a change (random customers holding policies).
    const holders = await db.selectFrom('policies').select('applicant_id').where('deleted_at', 'is', null).orderBy(sql`random()`).limit(50).execute();
    const durations: number[] = [];
    for (const holder of holders) {
      started = performance.now();
      await db.transaction().execute((trx) => refreshProfiles(trx, dialect, [Number(holder.applicant_id)], services.clock.now()));
      durations.push(performance.now() - started);
    }
    line('single-customer refresh', stats(durations));

    // A segment of 3 conditions, counted over everyone (an all-scope actor) and over one branch.
    const definition = await parseDefinition(db, {
      op: 'and',
      items: [
        { field: 'profile.valueTier', op: 'in', value: ['gold', 'platinum', 'silver'] },
        { field: 'profile.holdings', op: 'contains', value: 'health' },
        { field: 'profile.lapseRisk', op: 'gte', value: 20 },
      ],
    });
    const today = services.clock.now().toISOString().slice(0, 10);
    const timeCount = async (label: string, actor: ReturnType<typeof systemActor>) => {
      const counts: number[] = [];
      const cpus: number[] = [];
      let members = 0;
      for (let run = 0; run < 5; run++) {
        started = performance.now();
        const cpuBefore = process.cpuUsage();
        const row = await (await segmentQuery(db, dialect, actor, definition, today)).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
        counts.push(performance.now() - started);
        const cpu = process.cpuUsage(cpuBefore);
        cpus.push((cpu.user + cpu.system) / 1000);
        members = Number(row.n);
      }
      // CPU of this process (SQLite's work on SQLite; little on PostgreSQL, whose time is in its backend)
      line(label, `${stats(counts)} — ${members.toLocaleString('en')} members; CPU median ${[...cpus].sort((a, b) => a - b)[2]!.toFixed(0)} ms`);
    };
    await timeCount('segment count, 3 conditions, all', systemActor());
    const branch = await db.selectFrom('organisations').select(['id', 'path']).where('parent_id', 'is not', null).orderBy('id').executeTakeFirst();
    if (branch) await timeCount('segment count, 3 conditions, one branch', { ...systemActor(Number(branch.id)), orgPath: String(branch.path ?? '/'), dataScope: 'org' });
  } finally {
    await built.close();
  }
}

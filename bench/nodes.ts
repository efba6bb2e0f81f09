import fs from 'node:fs';
import path from 'node:path';
import autocannon, { type Request } from 'autocannon';
import pg from 'pg';
import { buildApp } from '../server/src/app.ts';
import { bootstrap, systemContext } from '../server/src/bootstrap.ts';
import { startCluster } from '../server/src/cluster.ts';
import { configFrom } from '../server/src/config.ts';
import { formatReport, migrateSqliteToPostgres } from '../server/src/db/migrate-to-postgres.ts';
import { createApiToken } from '../server/src/domains/account/api-token.routes.ts';
import { type BenchOptions, line, processCpuSeconds } from './lib/common.ts';
import { resetPostgresSchema, schemaOf } from './lib/postgres.ts';

/**
 * The list/search/detail mix through nginx (deploy/nginx.conf.template, started by server/src/cluster.ts) on
 * one seeded data set: one SQLite node, then 1, 2 and 3 PostgreSQL-backed nodes sharing Redis. The PostgreSQL
 * copy of the data set is made with db:migrate-to-postgres (timed), so both engines serve the same rows.
 */
export async function nodesBench(options: BenchOptions & { nodeCounts?: number[]; keepCopy?: boolean }) {
  const sqliteFile = path.join(options.dataDir, 'insure.db');
  if (!fs.existsSync(sqliteFile)) throw new Error(`no data set at ${options.dataDir}: npm run bench -- seed --customers ${options.customers} --data-dir ${options.dataDir}`);
  const pgBase = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pgUrl = options.databaseUrl ?? `${pgBase}?options=${encodeURIComponent(`-c search_path=bench_nodes_${options.customers}`)}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const sqliteToken = await benchToken({ DATA_DIR: options.dataDir });
  // A 1M copy takes tens of minutes: --keep-copy reuses one that holds the same customers.
  if (!(options.keepCopy && (await sameCustomers(sqliteFile, pgUrl)))) await ensurePostgresCopy(sqliteFile, pgUrl);
  else line('copy to PostgreSQL', 'kept (--keep-copy: the schema holds the same customers)');
  const pgToken = await benchToken({ DATA_DIR: options.dataDir, DATABASE_URL: pgUrl });

  const { maxId } = await sampleIds(sqliteFile);
  const randomId = () => 1 + Math.floor(Math.random() * maxId);
  const requests: Request[] = [
    { method: 'GET', path: `/api/customers?city=${encodeURIComponent('杭州')}&status=normal&pageSize=20` },
    { method: 'GET', path: `/api/customers?q=${encodeURIComponent('王')}&pageSize=20` },
    { method: 'GET', path: '/api/customers/1', setupRequest: (request) => ({ ...request, path: `/api/customers/${randomId()}` }) },
  ];
  line('mix', 'per connection in turn: customer list city=杭州 status=normal (20 + total), keyword q=王, detail of a random id');
  line('connections × duration', `${options.connections} × ${options.duration} s per configuration (after a 5 s warm-up), through nginx`);

  const configurations = [
    { name: 'SQLite, 1 node', nodes: 1, databaseUrl: `sqlite:${sqliteFile}`, token: sqliteToken },
    // application_name marks the nodes' connections, so the PostgreSQL backends' CPU can be read from /proc.
    ...(options.nodeCounts ?? [1, 2, 3]).map((nodes) => ({ name: `PostgreSQL, ${nodes} node${nodes > 1 ? 's' : ''}`, nodes, databaseUrl: `${pgUrl}&application_name=bench-nodes`, token: pgToken })),
  ];
  const summary: Record<string, string | number>[] = [];
  for (const [index, configuration] of configurations.entries()) {
    process.stdout.write(`\n${configuration.name}\n`);
    const cluster = await startCluster({
      nodes: configuration.nodes,
      databaseUrl: configuration.databaseUrl,
      redisUrl,
      port: 18_080,
      firstNodePort: 18_101,
      env: { DATA_DIR: options.dataDir, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', REDIS_PREFIX: `bench-nodes-${index}:`, DEMO_DATA: 'false' },
    });
    try {
      const common = { url: cluster.url, connections: options.connections, headers: { authorization: `Bearer ${configuration.token}` }, requests, timeout: 10 };
      await autocannon({ ...common, duration: 5 });
      const pids = cluster.nodes.map((node) => node.pid!);
      const cpuBefore = pids.map((pid) => processCpuSeconds(pid) ?? 0);
      const backends = configuration.databaseUrl.startsWith('postgres') ? await backendPids(pgUrl) : [];
      const backendBefore = backends.map((pid) => processCpuSeconds(pid) ?? 0);
      const result = await autocannon({ ...common, duration: options.duration });
      const cpu = pids.reduce((total, pid, n) => total + ((processCpuSeconds(pid) ?? 0) - cpuBefore[n]!), 0);
      const databaseCpu = backends.reduce((total, pid, n) => total + ((processCpuSeconds(pid) ?? backendBefore[n]!) - backendBefore[n]!), 0);
      const answered = result['2xx'] + result.non2xx;
      const figures = {
        configuration: configuration.name,
        requestsPerSecond: Math.round(result.requests.average),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
        nodeCpuMsPerRequest: ((cpu * 1000) / Math.max(1, answered)).toFixed(2),
        nodeCpuPercent: Math.round((cpu / result.duration) * 100),
        databaseCpuMsPerRequest: backends.length ? ((databaseCpu * 1000) / Math.max(1, answered)).toFixed(2) : '–',
        databaseCpuPercent: backends.length ? Math.round((databaseCpu / result.duration) * 100) : '–',
      };
      line('  req/s', figures.requestsPerSecond);
      line('  latency p50 / p99', `${figures.p50} / ${figures.p99} ms`);
      line('  non-2xx / errors / timeouts', `${result.non2xx} / ${result.errors} / ${result.timeouts}`);
      line('  app nodes CPU', `${figures.nodeCpuPercent} % of one core in all, ${figures.nodeCpuMsPerRequest} ms per request`);
      if (backends.length) line('  PostgreSQL backends CPU', `${figures.databaseCpuPercent} % of one core (${backends.length} connections), ${figures.databaseCpuMsPerRequest} ms per request`);
      summary.push(figures);
    } finally {
      await cluster.stop();
    }
  }
  process.stdout.write(
    '\n| configuration | req/s | p50 ms | p99 ms | errors | app nodes CPU ms/req | app nodes CPU % | PostgreSQL CPU ms/req | PostgreSQL CPU % |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n',
  );
  for (const row of summary) {
    process.stdout.write(
      `| ${row.configuration} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.nodeCpuMsPerRequest} | ${row.nodeCpuPercent} | ${row.databaseCpuMsPerRequest} | ${row.databaseCpuPercent} |\n`,
    );
  }
}

/** Server processes of the nodes' PostgreSQL connections (marked with application_name). */
async function backendPids(pgUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'bench-nodes'`)).rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** An API token for admin in one of the two databases. */
async function benchToken(env: { DATA_DIR: string; DATABASE_URL?: string }): Promise<string> {
  const config = configFrom({ ...env, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
  const { services, close } = await buildApp({ config, logger: false });
  try {
    await bootstrap(services);
    const account = await services.database.db.selectFrom('accounts').select('id').where('login_name', '=', 'admin').executeTakeFirstOrThrow();
    const created = await services.database.db.transaction().execute((trx) =>
      createApiToken(systemContext(services, trx), Number(account.id), 'bench-nodes', new Date(Date.now() + 7 * 86_400_000)),
    );
    return created.token;
  } finally {
    await close();
  }
}

/** Whether the PostgreSQL schema already holds the SQLite data set's customers (count and highest id). */
async function sameCustomers(sqliteFile: string, pgUrl: string): Promise<boolean> {
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(sqliteFile, { readonly: true });
  const client = new pg.Client({ connectionString: pgUrl });
  try {
    const mine = sqlite.prepare('select count(*) as total, max(id) as top from customers').get() as { total: number; top: number };
    await client.connect();
    const theirs = (await client.query<{ total: string; top: string }>('select count(*) as total, max(id) as top from customers')).rows[0];
    return Number(theirs?.total) === mine.total && Number(theirs?.top) === mine.top;
  } catch {
    return false; // no such schema or tables yet
  } finally {
    sqlite.close();
    await client.end().catch(() => {});
  }
}

/** Copies the data set into its PostgreSQL schema with db:migrate-to-postgres. */
async function ensurePostgresCopy(sqliteFile: string, pgUrl: string) {
  schemaOf(pgUrl);
  await resetPostgresSchema(pgUrl);
  const started = performance.now();
  const report = await migrateSqliteToPostgres({ from: sqliteFile, to: pgUrl, batchRows: 1000 });
  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(`\n${formatReport(report)}\n`);
  if (!report.ok) throw new Error('the copy to PostgreSQL did not verify');
  const rows = report.tables.reduce((total, table) => total + table.sourceRows, 0);
  line('copy to PostgreSQL', `${rows.toLocaleString('en')} rows in ${elapsed.toFixed(1)} s (${Math.round(rows / elapsed).toLocaleString('en')} rows/s, verified)`);
}

async function sampleIds(sqliteFile: string) {
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(sqliteFile, { readonly: true });
  try {
    return { maxId: Number((sqlite.prepare('select max(id) as id from customers').get() as { id: number }).id) };
  } finally {
    sqlite.close();
  }
}

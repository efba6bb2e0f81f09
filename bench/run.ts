/**
 * Benchmarks (figures, never assertions): npm run bench -- <seed|api|export|import|writes|commission|nodes|reports|profiles|web> [options]
 *   --customers N       data set size (default 1,000,000); picks /tmp/insure-bench/sqlite-N
 *   --data-dir DIR      SQLite data directory to seed / use instead
 *   --pg-schema NAME    use PostgreSQL (BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test), schema NAME
 *   --duration S        seconds per api route (default 20); --connections C (default 50)
 *   --only WORD[,WORD]  api: only routes whose name contains one of the words
 *   --rows N            import: rows in the workbook (default 100,000); --in-place: import into the data set itself
 *   --verify            export: count the rows of the written file afterwards
 *   --writes N          writes: sequential customer creates per SQLITE_SYNCHRONOUS mode (default 300); the concurrent
 *                       part uses --connections (set e.g. 10) and --duration
 *   --skip-rebuild      profiles: keep the stored profiles, measure one refresh and the segment counts only
 *   nodes               the list/search/detail mix through nginx: 1 SQLite node, then 1, 2, 3 PostgreSQL nodes
 *                       (--nodes 1,2,3); copies the SQLite data set into PostgreSQL schema bench_nodes_N first
 *                       (--pg-schema to choose), with db:migrate-to-postgres; --keep-copy reuses a copy that holds
 *                       the same customers
 *   web                 the browser (Debian chromium, CHROMIUM_PATH): JS size of the login page and workbench, time to
 *                       a usable login form and from sign-in to the workbench, 10,000-row list scroll frames;
 *                       builds web/dist when missing (BENCH_WEB_BUILD=1 rebuilds); its own fresh data directory
 *   soak                --users U (default 200) virtual users doing lists, searches, details, edits, reports and
 *                       exports for --minutes M (default 10; fractions allowed) with --think-ms T (default 10000: 5 s on average, an active user at a busy moment)
 *                       between requests; errors, p50/p99 per route, memory trend; --check exits 1 on any error
 *                       or on memory growth past a generous bound (the CI form). Edits write: use a copy.
 */
import { parseArgs } from 'node:util';
import { apiBench } from './api.ts';
import { commissionBench } from './commission.ts';
import { exportBench } from './export.ts';
import { importBench } from './import.ts';
import { nodesBench } from './nodes.ts';
import { profilesBench } from './profiles.ts';
import { reportsBench } from './reports.ts';
import { defaultDataDir, line, machine } from './lib/common.ts';
import { seedBench } from './seed.ts';
import { webBench } from './web.ts';
import { soakBench } from './soak.ts';
import { writesBench } from './writes.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    customers: { type: 'string', default: '1000000' },
    'data-dir': { type: 'string' },
    'pg-schema': { type: 'string' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    rows: { type: 'string', default: '100000' },
    'in-place': { type: 'boolean', default: false },
    verify: { type: 'boolean', default: false },
    writes: { type: 'string', default: '300' },
    nodes: { type: 'string', default: '1,2,3' },
    'keep-copy': { type: 'boolean', default: false },
    'skip-rebuild': { type: 'boolean', default: false },
    users: { type: 'string', default: '200' },
    minutes: { type: 'string', default: '10' },
    'think-ms': { type: 'string', default: '10000' },
    check: { type: 'boolean', default: false },
  },
});

const benches = { seed: seedBench, api: apiBench, export: exportBench, import: importBench, writes: writesBench, commission: commissionBench, nodes: nodesBench, reports: reportsBench, profiles: profilesBench, web: webBench, soak: soakBench } as const;
const name = positionals[0] as keyof typeof benches | undefined;
if (!name || !(name in benches)) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--customers N] [--data-dir DIR] [--pg-schema NAME] [--duration S] [--connections C] [--only words] [--rows N] [--in-place] [--verify]\n`);
  process.exit(2);
}

const customers = Number(values.customers);
const pgBase = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = values['pg-schema'];
const options = {
  customers,
  dataDir: values['data-dir'] ?? defaultDataDir(customers) + (schema && name !== 'nodes' ? `-pg-${schema}` : ''),
  databaseUrl: schema ? `${pgBase}?options=${encodeURIComponent(`-c search_path=${schema}`)}` : undefined,
  duration: Number(values.duration),
  connections: Number(values.connections),
  rows: Number(values.rows),
  only: values.only?.split(','),
  inPlace: values['in-place'],
  verify: values.verify,
  writes: Number(values.writes),
  nodeCounts: values.nodes.split(',').map(Number),
  keepCopy: values['keep-copy'],
  skipRebuild: values['skip-rebuild'],
  users: Number(values.users),
  minutes: Number(values.minutes),
  thinkMs: Number(values['think-ms']),
  check: values.check,
};

process.stdout.write(`# bench ${name} — ${new Date().toISOString()}\n`);
for (const [key, value] of Object.entries(machine())) line(key, value);
await benches[name](options);

import fs from 'node:fs';
import path from 'node:path';
import autocannon, { type Request } from 'autocannon';
import { type BenchOptions, type RunningServer, api, line, processCpuSeconds, processSampler, startServer } from './lib/common.ts';

interface Route {
  name: string;
  request: Request;
  /** One plain call first: checks the route answers 200 and shows what a page returns. */
  probe: () => Promise<string>;
}

const listCity = '杭州';

const timings = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms`;
};

/**
 * Requests of connections autocannon has closed are still being answered (a query cannot be abandoned):
 * wait until the server is idle so one route's backlog is not billed to the next.
 */
async function drain(server: RunningServer, limitMs = 120_000) {
  const started = performance.now();
  let before = processCpuSeconds(server.pid) ?? 0;
  while (performance.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = processCpuSeconds(server.pid) ?? 0;
    if (now - before < 0.05) return performance.now() - started;
    before = now;
  }
  return performance.now() - started;
}

async function routes(server: RunningServer): Promise<Route[]> {
  const newest = await api<{ items: { id: number }[]; total: number }>(server, 'GET', '/api/customers?pageSize=1');
  const maxId = newest.items[0]!.id;
  const sampleId = Math.max(1, Math.floor(maxId * 0.37));
  const { values } = await api<{ values: { phone: string } }>(server, 'POST', `/api/customers/${sampleId}/reveal`, { fields: ['phone'], reason: 'benchmark sample' });
  const phone = values.phone;
  const total = async (method: string, url: string, body?: unknown) => {
    const times: number[] = [];
    let page = { items: [] as unknown[], total: 0 };
    for (let n = 0; n < 5; n++) {
      const started = performance.now();
      page = await api<{ items: unknown[]; total: number }>(server, method, url, body);
      times.push(performance.now() - started);
    }
    return `total ${page.total.toLocaleString('en')}, page ${page.items.length}; one at a time: ${timings(times)}`;
  };
  const listPath = `/api/customers?city=${encodeURIComponent(listCity)}&status=normal&pageSize=20`;
  const namePath = `/api/customers?q=${encodeURIComponent('王')}&pageSize=20`;
  const policyPath = '/api/policies?insuranceType=health&status=inForce&pageSize=20';
  const phoneBody = JSON.stringify({ q: phone, pageSize: 20 });
  const randomId = () => 1 + Math.floor(Math.random() * maxId);
  return [
    { name: `customer list city=${listCity} status=normal`, request: { method: 'GET', path: listPath }, probe: () => total('GET', listPath) },
    { name: 'search name prefix q=王', request: { method: 'GET', path: namePath }, probe: () => total('GET', namePath) },
    {
      name: 'search phone (POST /query)',
      request: { method: 'POST', path: '/api/customers/query', body: phoneBody, headers: { 'content-type': 'application/json' } },
      probe: () => total('POST', '/api/customers/query', JSON.parse(phoneBody)),
    },
    {
      name: 'customer detail (random id)',
      request: { method: 'GET', path: '/api/customers/1', setupRequest: (request) => ({ ...request, path: `/api/customers/${randomId()}` }) },
      probe: async () => {
        const times: number[] = [];
        for (let n = 0; n < 5; n++) {
          const started = performance.now();
          await api(server, 'GET', `/api/customers/${randomId()}`);
          times.push(performance.now() - started);
        }
        return `max id ${maxId}; one at a time: ${timings(times)}`;
      },
    },
    { name: 'policy list health + inForce', request: { method: 'GET', path: policyPath }, probe: () => total('GET', policyPath) },
  ];
}

/** autocannon against the real server (child process) on a seeded data set, authenticated with an API token. */
/** Reads the SQLite files once so every route runs against a warm page cache, as a long-running server would. */
function warmCache(dataDir: string) {
  const started = performance.now();
  const buffer = Buffer.alloc(8 * 2 ** 20);
  let bytes = 0;
  for (const file of fs.readdirSync(dataDir).filter((name) => name.startsWith('insure.db'))) {
    const handle = fs.openSync(path.join(dataDir, file), 'r');
    for (let read = fs.readSync(handle, buffer); read > 0; read = fs.readSync(handle, buffer)) bytes += read;
    fs.closeSync(handle);
  }
  line('page cache warmed', `${(bytes / 2 ** 20).toFixed(0)} MB read in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function apiBench(options: BenchOptions) {
  if (!options.databaseUrl) warmCache(options.dataDir);
  const server = await startServer({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    line('data', options.databaseUrl ?? options.dataDir);
    line('connections × duration', `${options.connections} × ${options.duration} s per route (after a 3 s warm-up)`);
    const summary: Record<string, unknown>[] = [];
    for (const route of await routes(server)) {
      if (options.only && !options.only.some((word) => route.name.includes(word))) continue;
      process.stdout.write(`\n${route.name}\n`);
      line('  probe', await route.probe());
      const common = { url: server.baseUrl, connections: options.connections, headers: { authorization: `Bearer ${server.token}` }, requests: [route.request], timeout: 10 };
      await autocannon({ ...common, duration: 3 });
      await drain(server);
      const sampler = processSampler(server.pid);
      const result = await autocannon({ ...common, duration: options.duration });
      const { cpuSeconds, peakKb } = sampler.stop();
      const backlog = await drain(server);
      if (backlog > 1000) line('  backlog after the run', `${(backlog / 1000).toFixed(1)} s to answer requests left by closed connections`);
      const figures = {
        route: route.name,
        requestsPerSecond: Math.round(result.requests.average),
        p50: result.latency.p50,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        max: result.latency.max,
        ok: result['2xx'],
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        serverCpuPercent: Math.round((cpuSeconds / result.duration) * 100),
        serverCpuMsPerRequest: Number(((cpuSeconds * 1000) / Math.max(1, result['2xx'] + result.non2xx)).toFixed(3)),
        peakRssMb: Math.round(peakKb / 1024),
      };
      line('  req/s', figures.requestsPerSecond);
      line('  latency p50 / p97.5 / p99 / max', `${figures.p50} / ${figures.p97_5} / ${figures.p99} / ${figures.max} ms`);
      line('  2xx / non-2xx / errors / timeouts', `${figures.ok} / ${figures.non2xx} / ${figures.errors} / ${figures.timeouts}`);
      line('  server CPU', `${figures.serverCpuPercent} % of one core, ${figures.serverCpuMsPerRequest} ms per request`);
      summary.push(figures);
    }
    process.stdout.write('\n| route | req/s | p50 ms | p97.5 ms | p99 ms | errors | server CPU ms/req |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n');
    for (const row of summary) {
      process.stdout.write(`| ${row.route} | ${row.requestsPerSecond} | ${row.p50} | ${row.p97_5} | ${row.p99} | ${Number(row.errors) + Number(row.timeouts) + Number(row.non2xx)} | ${row.serverCpuMsPerRequest} |\n`);
    }
  } finally {
    await server.stop();
  }
}

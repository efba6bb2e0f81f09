import http from 'node:http';
import { type BenchOptions, type RunningServer, api, line, processMemory, startServer } from './lib/common.ts';

/**
 * Soak (issue 11 item 5): `users` virtual users, each signing the same admin token (all-data scope), loop over a
 * realistic mix — lists, keyword searches, details, edits, reports, exports — with a short think time, for
 * `minutes` on a seeded data set. Reports every error (0 is the target), p50 / p99 per route, and the server's
 * memory (RSS from /proc, V8 heap from /metrics) sampled over time with a linear trend after the warm-up.
 * `--check` turns it into a gate (exit 1) for CI: any error, or heap or RSS growing past a generous bound
 * after the warm-up. Never a timing assertion.
 *
 * Edits write into the data set (each user edits only its own ids: no version conflicts): run it on a copy.
 */
export interface SoakOptions extends BenchOptions {
  users: number;
  minutes: number;
  thinkMs: number;
  check: boolean;
}

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
}

interface RouteStats {
  /** Answer times of requests started after the warm-up (the steady state). */
  times: number[];
  /** Answer times during the warm-up, while users arrive (connections are accepted as the loop allows). */
  warmupTimes: number[];
  errors: number;
}

const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡'];
const cities = ['杭州', '上海', '北京', '广州', '深圳', '成都', '南京', '武汉'];

const percentile = (sorted: number[], share: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]! : 0);

/** Least-squares slope (per minute) of value over time. */
function slopePerMinute(samples: { at: number; value: number }[]): number {
  if (samples.length < 3) return 0;
  const n = samples.length;
  const meanX = samples.reduce((total, sample) => total + sample.at, 0) / n;
  const meanY = samples.reduce((total, sample) => total + sample.value, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const sample of samples) {
    numerator += (sample.at - meanX) * (sample.value - meanY);
    denominator += (sample.at - meanX) ** 2;
  }
  return denominator ? (numerator / denominator) * 60_000 : 0;
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

async function metrics(server: RunningServer): Promise<{ rssMb: number; heapMb: number }> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20;
  return { rssMb: processMemory(server.pid) ? processMemory(server.pid)!.rssKb / 1024 : read('process_resident_memory_bytes'), heapMb: read('nodejs_heap_size_used_bytes') };
}

export async function soakBench(options: SoakOptions) {
  const server = await startServer({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const durationMs = options.minutes * 60_000;
  // Warm-up: users arriving (a busy Node process accepts new connections only as fast as its event loop turns:
  // ~5–10 per second here under full load, so 200 new connections take ~30 s to be all taken in), JIT, caches.
  const warmupMs = Math.min(120_000, durationMs * 0.25);
  const stats = new Map<string, RouteStats>();
  const errors = new Map<string, number>();
  const samples: Sample[] = [];
  const slow: string[] = [];
  let runStarted = performance.now();
  try {
    const newestCustomer = await api<{ items: { id: number }[]; total: number }>(server, 'GET', '/api/customers?pageSize=1');
    const newestPolicy = await api<{ items: { id: number }[] }>(server, 'GET', '/api/policies?pageSize=1');
    const maxCustomer = newestCustomer.items[0]!.id;
    const maxPolicy = newestPolicy.items[0]?.id ?? 1;
    const year = new Date().getUTCFullYear();
    const month = String(new Date().getUTCMonth() + 1).padStart(2, '0');
    line('data set', `${options.dataDir}${options.databaseUrl ? ` (${options.databaseUrl})` : ''}: ${newestCustomer.total.toLocaleString('en')} customers, max policy id ${maxPolicy}`);
    line('virtual users × time', `${options.users} × ${options.minutes} min, think time 0–${options.thinkMs} ms, warm-up ${(warmupMs / 1000).toFixed(0)} s`);

    const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
    const randomCustomer = () => 1 + Math.floor(Math.random() * maxCustomer);
    // One keep-alive connection per user at most, like browsers behind one proxy each (node:http, not fetch: its
    // pool's queueing would be measured instead of the server).
    // An idle connection is dropped after 30 s, before the server's keep-alive timeout (Fastify's 72 s) can close it
    // under a request just sent on it: node:http does not retry that (a browser does), and a soak at 1M reported it
    // as 3 ECONNRESETs of 21,875 requests, all on connections left idle since the arrival burst.
    const agent = new http.Agent({ keepAlive: true, maxSockets: options.users, timeout: 30_000 });
    const target = new URL(server.baseUrl);
    const send = (method: string, url: string, body?: unknown) =>
      new Promise<{ status: number; text: string; json: boolean }>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const request = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: url,
            method,
            agent,
            timeout: 120_000,
            headers: { authorization: `Bearer ${server.token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), json: String(response.headers['content-type']).includes('json') }));
            response.on('error', reject);
          },
        );
        request.on('timeout', () => request.destroy(new Error('no answer within 120 s')));
        request.on('error', reject);
        request.end(payload);
      });
    const call = async (route: string, method: string, url: string, body?: unknown): Promise<Record<string, unknown> | null> => {
      const started = performance.now();
      let failure: string | null = null;
      let parsed: Record<string, unknown> | null = null;
      try {
        const response = await send(method, url, body);
        if (response.status >= 400) failure = `${response.status} ${response.text.replace(/"requestId":"[^"]*",?/, '').slice(0, 160)}`;
        else if (response.json) parsed = JSON.parse(response.text) as Record<string, unknown>;
      } catch (error) {
        failure = `no answer: ${(error as Error).message}`;
      }
      const entry = stats.get(route) ?? { times: [], warmupTimes: [], errors: 0 };
      stats.set(route, entry);
      (started - runStarted < warmupMs ? entry.warmupTimes : entry.times).push(performance.now() - started);
      if (performance.now() - started > 10_000) slow.push(`${route} started at ${((started - runStarted) / 1000).toFixed(0)} s took ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (failure) {
        entry.errors++;
        const key = `${route}: ${failure}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      return parsed;
    };

    // The mix, weighted like a working day in the web UI: mostly lists and records, some edits, few reports and exports.
    const actions: [number, (user: number, step: number) => Promise<unknown>][] = [
      [18, () => call('customer list (city, page 1–5)', 'GET', `/api/customers?city=${encodeURIComponent(pick(cities))}&status=normal&pageSize=20&page=${1 + Math.floor(Math.random() * 5)}`)],
      [12, () => call('keyword search (surname)', 'GET', `/api/customers?q=${encodeURIComponent(pick(surnames))}&pageSize=20`)],
      [18, () => call('customer detail', 'GET', `/api/customers/${randomCustomer()}`)],
      [8, () => call('policy list (health, in force)', 'GET', '/api/policies?insuranceType=health&status=inForce&pageSize=20')],
      [8, () => call('policy detail', 'GET', `/api/policies/${1 + Math.floor(Math.random() * maxPolicy)}`)],
      [5, () => call('claim list', 'GET', '/api/claims?pageSize=20')],
      [
        8,
        async (user, step) => {
          // Each user edits only its own ids (id ≡ user mod users): no two users edit one record, so no version conflicts.
          const id = Math.min(maxCustomer, user + 1 + options.users * ((step * 7919) % Math.max(1, Math.floor(maxCustomer / options.users))));
          const current = await call('edit: open customer', 'GET', `/api/customers/${id}`);
          if (current) await call('edit: save customer (PATCH)', 'PATCH', `/api/customers/${id}`, { version: current.version, employer: `soak ${user}-${step}` });
        },
      ],
      [3, () => call('workbench', 'GET', '/api/workbench')],
      [2, () => call('report: sales this month', 'GET', `/api/reports/sales?dimension=period&granularity=month&from=${year}-${month}-01&to=${year}-${month}-28`)],
      [2, () => call('report: claims by region this year', 'GET', `/api/reports/claims?dimension=region&from=${year}-01-01&to=${year}-12-31`)],
      [2, () => call('customer analysis (region)', 'GET', '/api/customer-analysis?dimension=region')],
      [1, () => call('export CSV (city + surname)', 'GET', `/api/customers/export?format=csv&city=${encodeURIComponent(pick(cities))}&q=${encodeURIComponent(pick(surnames))}`)],
    ];
    const totalWeight = actions.reduce((total, [weight]) => total + weight, 0);
    const chooseAction = () => {
      let roll = Math.random() * totalWeight;
      for (const [weight, action] of actions) if ((roll -= weight) < 0) return action;
      return actions[0]![1];
    };

    const started = Date.now();
    runStarted = performance.now();
    const until = started + durationMs;
    const sampler = setInterval(() => {
      void metrics(server).then(
        (memory) => samples.push({ at: Date.now() - started, ...memory }),
        () => undefined,
      );
    }, Math.max(2000, Math.min(10_000, durationMs / 60)));
    const progress = setInterval(() => {
      const now = Date.now();
      const requests = [...stats.values()].reduce((total, entry) => total + entry.times.length + entry.warmupTimes.length, 0);
      const memory = samples.at(-1);
      line(`  ${((now - started) / 1000).toFixed(0)} s`, `${requests} requests, ${[...errors.values()].reduce((a, b) => a + b, 0)} errors${memory ? `, RSS ${memory.rssMb.toFixed(0)} MB, heap ${memory.heapMb.toFixed(0)} MB` : ''}`);
    }, Math.max(10_000, Math.min(60_000, durationMs / 10)));
    const user = async (index: number) => {
      // Users arrive over the first 10 s (or tenth of the run), as people sign in.
      await new Promise((resolve) => setTimeout(resolve, (index / options.users) * Math.min(10_000, durationMs / 10)));
      for (let step = 0; Date.now() < until; step++) {
        await chooseAction()(index, step);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * options.thinkMs));
      }
    };
    await Promise.all(Array.from({ length: options.users }, (_, index) => user(index)));
    clearInterval(sampler);
    clearInterval(progress);
    const elapsed = (Date.now() - started) / 1000;

    const requests = [...stats.values()].reduce((total, entry) => total + entry.times.length + entry.warmupTimes.length, 0);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    const fixed = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));
    process.stdout.write(
      `\n| route | requests (all) | errors | p50 ms | p99 ms | max ms | warm-up: p99 / max ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`,
    );
    for (const [route, entry] of [...stats].sort((a, b) => b[1].times.length - a[1].times.length)) {
      const sorted = [...entry.times].sort((a, b) => a - b);
      const warm = [...entry.warmupTimes].sort((a, b) => a - b);
      process.stdout.write(
        `| ${route} | ${sorted.length + warm.length} | ${entry.errors} | ${fixed(percentile(sorted, 0.5))} | ${fixed(percentile(sorted, 0.99))} | ${fixed(sorted.at(-1))} | ${fixed(percentile(warm, 0.99))} / ${fixed(warm.at(-1))} |\n`,
      );
    }
    const all = [...stats.values()].flatMap((entry) => entry.times).sort((a, b) => a - b);
    const allWarm = [...stats.values()].flatMap((entry) => entry.warmupTimes).sort((a, b) => a - b);
    process.stdout.write(
      `| **all** | ${requests} | ${errorCount} | ${fixed(percentile(all, 0.5))} | ${fixed(percentile(all, 0.99))} | ${fixed(all.at(-1))} | ${fixed(percentile(allWarm, 0.99))} / ${fixed(allWarm.at(-1))} |\n\n`,
    );
    line('percentiles', `of requests started after the warm-up (${(warmupMs / 1000).toFixed(0)} s); the last column is the warm-up`);
    line('requests / s', (requests / elapsed).toFixed(1));
    line('answers slower than 10 s', `${slow.length}${slow.length ? `: ${slow.slice(0, Number(process.env.SOAK_SHOW_SLOW ?? 8)).join('; ')}` : ''}`);
    // The server's own view (reply.elapsedTime per request, from /metrics): how many took over 5 s inside the server.
    const metricsText = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const sumOf = (pattern: RegExp) => [...metricsText.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
    const serverCount = sumOf(/^http_request_duration_seconds_count\{[^}]*\} (\S+)/gm);
    const serverUnder5 = sumOf(/^http_request_duration_seconds_bucket\{[^}]*le="5"[^}]*\} (\S+)/gm);
    line('server-side: answers over 5 s', `${serverCount - serverUnder5} of ${serverCount}`);
    // Mean time inside the server per route (from the request's arrival to its answer; includes waiting for the event loop).
    const perRoute = new Map<string, { sum: number; count: number }>();
    for (const [, kind, labels, value] of metricsText.matchAll(/^http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)/gm)) {
      const route = `${/method="([^"]*)"/.exec(labels!)?.[1]} ${/route="([^"]*)"/.exec(labels!)?.[1]}`;
      const entry = perRoute.get(route) ?? { sum: 0, count: 0 };
      entry[kind as 'sum' | 'count'] += Number(value);
      perRoute.set(route, entry);
    }
    line(
      'server-side mean per route',
      [...perRoute]
        .filter(([route]) => !route.includes('/metrics'))
        .sort((a, b) => b[1].sum - a[1].sum)
        .map(([route, entry]) => `${route} ${((entry.sum / entry.count) * 1000).toFixed(0)} ms × ${entry.count}`)
        .join('; '),
    );
    line('errors', errorCount === 0 ? '0' : String(errorCount));
    for (const [key, count] of errors) line(`  ${count} ×`, key);

    // Memory: the trend after the warm-up (JIT, caches and pools filled), least squares over the samples.
    const steady = samples.filter((sample) => sample.at >= warmupMs);
    const quarter = Math.max(1, Math.floor(steady.length / 4));
    const verdicts: string[] = [];
    let memoryProblem = false;
    for (const key of ['rssMb', 'heapMb'] as const) {
      const series = steady.map((sample) => ({ at: sample.at, value: sample[key] }));
      if (series.length < 4) {
        line(`memory ${key}`, `too few samples after the warm-up (${series.length})`);
        continue;
      }
      const slope = slopePerMinute(series);
      const first = median(series.slice(0, quarter).map((sample) => sample.value));
      const last = median(series.slice(-quarter).map((sample) => sample.value));
      const steadyMinutes = (series.at(-1)!.at - series[0]!.at) / 60_000;
      // "Flat" when the fitted growth over the steady part is under 10 % of the level (or 20 MB): GC sawtooth and
      // caches filling to their bounds stay under that; a leak of one object per request does not.
      const fittedGrowth = slope * steadyMinutes;
      const flat = fittedGrowth < Math.max(20, first * 0.1);
      const name = key === 'rssMb' ? 'RSS' : 'V8 heap used';
      verdicts.push(`${name} ${flat ? 'flat' : 'growing'}`);
      line(
        `memory ${name}`,
        `min ${Math.min(...series.map((s) => s.value)).toFixed(0)} / max ${Math.max(...series.map((s) => s.value)).toFixed(0)} MB after the warm-up; first quarter median ${first.toFixed(0)} MB, last quarter ${last.toFixed(0)} MB; slope ${slope >= 0 ? '+' : ''}${slope.toFixed(1)} MB/min over ${steadyMinutes.toFixed(1)} min → ${flat ? 'flat' : 'GROWING'}`,
      );
      // The CI gate is generous (a short run on a busy machine is noisy): half as much again plus 100 MB.
      if (last > first * 1.5 + 100) memoryProblem = true;
    }
    process.stdout.write(`\nmemory samples (s: RSS MB / heap MB): ${samples.map((sample) => `${(sample.at / 1000).toFixed(0)}:${sample.rssMb.toFixed(0)}/${sample.heapMb.toFixed(0)}`).join(' ')}\n`);
    line('verdict', `${errorCount} errors; ${verdicts.join(', ')}`);
    if (options.check && (errorCount > 0 || memoryProblem)) {
      process.stderr.write(`soak check failed: ${errorCount} errors${memoryProblem ? ', memory grew past the bound after the warm-up' : ''}\n`);
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}

import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type BenchOptions, type RunningServer, api, line, processSampler, seconds, startServer } from './lib/common.ts';

const benchRulePrefix = 'BENCH ';

/** Months back from the current one: 'YYYY-MM'. */
function monthsAgo(count: number): string {
  const date = new Date();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - count);
  return date.toISOString().slice(0, 7);
}

/** Earlier benchmark runs, rules and plans are removed first, so every run starts from the seeded records alone. */
async function reset(options: BenchOptions) {
  const statements = [
    'delete from incentive_payouts where period in (select period from incentive_runs)',
    'delete from incentive_lines',
    'delete from incentive_runs',
    `delete from incentive_policies where name like '${benchRulePrefix}%'`,
    `delete from sales_plans where name like '${benchRulePrefix}%'`,
  ];
  if (options.databaseUrl) {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new SQLite(path.join(options.dataDir, 'insure.db'));
  try {
    for (const statement of statements) {
      try {
        db.exec(statement);
      } catch (error) {
        // A data set seeded before these tables existed: the server's migration creates them.
        if (!String(error).includes('no such table')) throw error;
      }
    }
  } finally {
    db.close();
  }
}

async function timed<T>(label: string, work: () => Promise<T>, describe: (result: T) => string): Promise<T> {
  const started = performance.now();
  const result = await work();
  line(label, `${seconds(performance.now() - started)} — ${describe(result)}`);
  return result;
}

async function repeat(label: string, times: number, work: () => Promise<unknown>) {
  const durations: number[] = [];
  for (let n = 0; n < times; n++) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  line(label, `min ${durations[0]!.toFixed(0)} ms, median ${durations[Math.floor(durations.length / 2)]!.toFixed(0)} ms (${times} calls)`);
}

/**
 * Commission engine and performance figures on a seeded data set: rules of every kind, a month plan for every
 * salesperson, then runs of recent months (run, idempotent re-run, approval with payouts, chargebacks into
 * the next month) and the ranking / trend queries.
 */
export async function commissionBench(options: BenchOptions) {
  await reset(options);
  const server: RunningServer = await startServer({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const sampler = processSampler(server.pid);
  try {
    const head = await api<{ items: { id: number }[] }>(server, 'GET', '/api/organisations/tree');
    const headId = head.items[0]!.id;
    const rule = (name: string, values: Record<string, unknown>) => api(server, 'POST', '/api/incentive-policies', { name: `${benchRulePrefix}${name}`, effectiveFrom: '2000-01-01', orgId: headId, ...values });
    await rule('commission 10%', { ruleType: 'commission', ratePercent: 10 });
    await rule('health 15%', { ruleType: 'commission', insuranceType: 'health', ratePercent: 15 });
    await rule('life year 2 5%', { ruleType: 'commission', insuranceType: 'life', policyYear: 2, ratePercent: 5 });
    await rule('target bonus', { ruleType: 'planBonus', planLevel: 'target', thresholdPercent: 100, amount: 500 });
    await rule('stretch bonus', { ruleType: 'planBonus', planLevel: 'stretch', thresholdPercent: 100, ratePercent: 2 });
    await rule('new customer', { ruleType: 'newCustomerBonus', amount: 50 });
    await rule('override', { ruleType: 'managerOverride', ratePercent: 5 });
    await rule('chargeback 90d', { ruleType: 'chargeback', clawbackDays: 90, ratePercent: 100 });

    const months = [monthsAgo(3), monthsAgo(2), monthsAgo(1)];
    const people: { id: number; orgId: number }[] = [];
    for (let page = 1; ; page++) {
      const batch = await api<{ items: { id: number; orgId: number | { id: number } }[] }>(server, 'GET', `/api/salespeople?status=active&pageSize=200&page=${page}`);
      people.push(...batch.items.map((item) => ({ id: item.id, orgId: typeof item.orgId === 'object' ? item.orgId.id : item.orgId })));
      if (batch.items.length < 200) break;
    }
    line('active salespeople (month plans)', people.length.toLocaleString('en'));
    const planMonth = months[2]!;
    const [year, month] = planMonth.split('-').map(Number) as [number, number];
    const planEnd = `${planMonth}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`;
    await timed(
      `month plans for every salesperson (${planMonth})`,
      async () => {
        for (let index = 0; index < people.length; index += 8) {
          await Promise.all(
            people.slice(index, index + 8).map((person) =>
              api(server, 'POST', '/api/sales-plans', { name: `${benchRulePrefix}${person.id}`, periodType: 'month', periodStart: `${planMonth}-01`, periodEnd: planEnd, orgId: person.orgId, salespersonId: person.id, premiumTarget: 20_000, premiumStretch: 40_000, premiumChallenge: 80_000 }),
            ),
          );
        }
        return people.length;
      },
      (count) => `${count.toLocaleString('en')} plans through the API`,
    );

    type RunResult = { lines: number; salespeople: number; total: number };
    const describeRun = (result: RunResult) => `${result.lines.toLocaleString('en')} lines, ${result.salespeople.toLocaleString('en')} salespeople, total ${result.total.toLocaleString('en')} yuan`;
    for (const [index, period] of months.entries()) {
      await timed(`run ${period}`, () => api<RunResult>(server, 'POST', '/api/incentives/runs', { period }), describeRun);
      if (index === months.length - 1) {
        await timed(`re-run ${period} (idempotent)`, () => api<RunResult>(server, 'POST', '/api/incentives/runs', { period }), describeRun);
      }
      await timed(`approve ${period}`, () => api<{ payouts: number }>(server, 'POST', `/api/incentives/runs/${period}/approve`), (result) => `${result.payouts.toLocaleString('en')} payouts written`);
    }
    const statements = await api<{ items: { salespersonId: number; lines: number }[] }>(server, 'GET', `/api/incentives/statements?period=${months[2]}`);
    const busiest = [...statements.items].sort((a, b) => b.lines - a.lines)[0];
    await repeat(`statement totals ${months[2]} (all salespeople)`, 5, () => api(server, 'GET', `/api/incentives/statements?period=${months[2]}`));
    if (busiest) await repeat(`one statement (${busiest.lines} lines)`, 10, () => api(server, 'GET', `/api/incentives/statements/${months[2]}/${busiest.salespersonId}`));

    const yearFrom = `${new Date().getUTCFullYear() - 1}-01-01`;
    const yearTo = `${new Date().getUTCFullYear()}-12-31`;
    await repeat(`ranking by salesperson ${yearFrom}..${yearTo}`, 5, () => api(server, 'GET', `/api/sales-performance/ranking?from=${yearFrom}&to=${yearTo}&limit=100`));
    await repeat('ranking by salesperson, one month', 5, () => api(server, 'GET', `/api/sales-performance/ranking?from=${months[2]}-01&to=${planEnd}&limit=100`));
    await repeat(`ranking by branch ${yearFrom}..${yearTo}`, 5, () => api(server, 'GET', `/api/sales-performance/ranking?from=${yearFrom}&to=${yearTo}&groupBy=org&orgId=${headId}`));
    await repeat(`monthly trend, whole company ${yearFrom}..${yearTo}`, 5, () => api(server, 'GET', `/api/sales-performance/trend?from=${yearFrom}&to=${yearTo}`));
    await repeat('plan board (month plans in scope)', 3, () => api(server, 'GET', `/api/sales-plans/tree?from=${months[2]}-01&to=${planEnd}`));
  } finally {
    const { peakKb, cpuSeconds } = sampler.stop();
    line('server peak RSS', `${(peakKb / 1024).toFixed(0)} MB`);
    line('server CPU time', `${cpuSeconds.toFixed(1)} s`);
    await server.stop();
  }
}

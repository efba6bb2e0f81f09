import { type BenchOptions, type RunningServer, api, line, processSampler, startServer } from './lib/common.ts';

const reportTypes = ['settlement', 'sales', 'sumInsured', 'productPurchase', 'policyStatus', 'claims', 'salespersonPerformance', 'satisfaction'];
const analysisDimensions = ['age', 'region', 'occupation', 'intent', 'satisfaction'];

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * 报表统计 / 客户分析 / 工作台 on a seeded data set (figures, never assertions): each report for a year by
 * month, first call after the server started (cold: no statement or page cache of its own queries yet) and the
 * median of three more; the same for a dimension that joins (region) and the customer analyses; the workbench.
 * The caller is the bench token's account (all-data scope, i.e. the heaviest case).
 */
export async function reportsBench(options: BenchOptions) {
  const server: RunningServer = await startServer({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const sampler = processSampler(server.pid);
  const year = new Date().getUTCFullYear() - 1;
  const range = `from=${year}-01-01&to=${year}-12-31`;
  const measure = async (label: string, url: string, describe?: (body: Record<string, unknown>) => string) => {
    let body: Record<string, unknown> = {};
    const cold = await time(async () => (body = await api(server, 'GET', url)));
    const warm: number[] = [];
    for (let n = 0; n < 3; n++) warm.push(await time(() => api(server, 'GET', url)));
    warm.sort((a, b) => a - b);
    line(label, `cold ${cold.toFixed(0)} ms, warm median ${warm[1]!.toFixed(0)} ms${describe ? ` — ${describe(body)}` : ''}`);
  };
  try {
    await measure('workbench (first call)', '/api/workbench');
    for (const type of reportTypes) {
      await measure(`report ${type}, ${year} by month`, `/api/reports/${type}?dimension=period&granularity=month&${range}`, (body) => {
        const totals = body.totals as Record<string, number | null>;
        const primary = String(body.primary);
        return `${primary} ${Number(totals[primary] ?? 0).toLocaleString('en')}`;
      });
    }
    for (const type of ['sales', 'claims', 'satisfaction']) {
      await measure(`report ${type}, ${year} by region`, `/api/reports/${type}?dimension=region&${range}`, (body) => `${(body.rows as unknown[]).length} regions`);
      await measure(`report ${type}, ${year} by salesperson`, `/api/reports/${type}?dimension=salesperson&${range}`, (body) => `${(body.rows as unknown[]).length} salespeople`);
    }
    for (const dimension of analysisDimensions) {
      await measure(`customer analysis ${dimension}`, `/api/customer-analysis?dimension=${dimension}`, (body) => `${Number(body.total).toLocaleString('en')} customers`);
    }
    await measure('workbench', '/api/workbench');
  } finally {
    const { peakKb, cpuSeconds } = sampler.stop();
    line('server peak RSS', `${(peakKb / 1024).toFixed(0)} MB`);
    line('server CPU time', `${cpuSeconds.toFixed(1)} s`);
    await server.stop();
  }
}

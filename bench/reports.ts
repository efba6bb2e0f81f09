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
 * The caller is the bench token's account (all-data scope, i.e. the heaviest case); then the workbench and the
 * sales report for a salesperson (the busiest of last year) and a branch manager, through accounts and API
 * tokens the script creates (named bench_rep_* / bench_mgr_*).
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
    await measure('workbench (all-data admin: the whole company)', '/api/workbench');

    // The roles the workbench is for: a salesperson (own records) and a branch manager (their branch).
    const roles = await api<{ items: { id: number; builtinKey: string | null }[] }>(server, 'GET', '/api/roles?pageSize=100');
    const roleId = (key: string) => roles.items.find((role) => role.builtinKey === key)!.id;
    const busiest = await api<{ rows: { key: number | null }[] }>(server, 'GET', `/api/reports/sales?dimension=salesperson&${range}`);
    const salespersonId = busiest.rows.find((row) => row.key !== null)!.key!;
    const person = await api<{ orgId: number }>(server, 'GET', `/api/salespeople/${salespersonId}`);
    const branches = await api<{ items: { id: number; children?: { id: number }[] }[] }>(server, 'GET', '/api/organisations/tree');
    const branchId = branches.items[0]!.children?.[0]?.id ?? branches.items[0]!.id;
    const stamp = Date.now().toString(36);
    const tokenFor = async (loginName: string, orgId: number, role: string, personId: number | null) => {
      const account = await api<{ id: number }>(server, 'POST', '/api/accounts', { loginName, displayName: loginName, orgId, roleIds: [roleId(role)], salespersonId: personId });
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      return (await api<{ token: string }>(server, 'POST', '/api/api-tokens', { accountId: account.id, name: 'bench reports', expiresAt })).token;
    };
    const as = async (token: string, label: string, url: string, describe?: (body: Record<string, unknown>) => string) => {
      const caller = { ...server, token };
      let body: Record<string, unknown> = {};
      const started = performance.now();
      body = await api(caller, 'GET', url);
      const cold = performance.now() - started;
      const warm: number[] = [];
      for (let n = 0; n < 3; n++) warm.push(await time(() => api(caller, 'GET', url)));
      warm.sort((a, b) => a - b);
      line(label, `cold ${cold.toFixed(0)} ms, warm median ${warm[1]!.toFixed(0)} ms${describe ? ` — ${describe(body)}` : ''}`);
    };
    const salesToken = await tokenFor(`bench_rep_${stamp}`, person.orgId, 'salesperson', salespersonId);
    await as(salesToken, `workbench, salesperson ${salespersonId} (own records)`, '/api/workbench', (body) => `follow-ups ${(body.followUps as { count: number }).count}, renewals ${(body.renewals as { count: number }).count}`);
    await as(salesToken, `report sales by month, salesperson ${salespersonId}`, `/api/reports/sales?dimension=period&${range}`, (body) => `premium ${Number((body.totals as Record<string, number>).premium).toLocaleString('en')}`);
    const managerToken = await tokenFor(`bench_mgr_${stamp}`, branchId, 'branchManager', null);
    await as(managerToken, `workbench, branch manager of organisation ${branchId} (team)`, '/api/workbench', (body) => `follow-ups ${(body.followUps as { count: number }).count}, renewals ${(body.renewals as { count: number }).count}`);
    await as(managerToken, `report sales by month, branch ${branchId}`, `/api/reports/sales?dimension=period&${range}`, (body) => `premium ${Number((body.totals as Record<string, number>).premium).toLocaleString('en')}`);
  } finally {
    const { peakKb, cpuSeconds } = sampler.stop();
    line('server peak RSS', `${(peakKb / 1024).toFixed(0)} MB`);
    line('server CPU time', `${cpuSeconds.toFixed(1)} s`);
    await server.stop();
  }
}

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type BenchOptions, benchDir, line, repoDir } from './lib/common.ts';

const adminPassword = 'Bench-Web-Pass-2026';
const runs = 5;
const largeListRows = 10_000;

const selectors = {
  // The form takes input once the captcha has arrived (the submit button is disabled until then).
  loginUsable: '[data-testid=login-submit]:not([disabled])',
  workbench: '[data-testid=workbench-greeting]',
  virtualRows: '[data-testid=list-table] .ant-table-tbody-virtual .ant-table-row',
};

interface Script {
  url: string;
  raw: number;
  gzip: number;
}

/** Records every script the page loads (body size raw and as gzip -6 would send it). */
function recordScripts(page: Page): Script[] {
  const scripts: Script[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    void response
      .body()
      .then((body) => scripts.push({ url: new URL(response.url()).pathname, raw: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length }))
      .catch(() => undefined);
  });
  return scripts;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const sum = (scripts: Script[], key: 'raw' | 'gzip') => scripts.reduce((total, script) => total + script[key], 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The page's clock (ms since navigation start) at the first animation frame where the selector matches. */
async function waitForMark(page: Page, name: keyof typeof selectors): Promise<number> {
  const handle = await page.waitForFunction((selector) => (document.querySelector(selector) ? performance.now() : false), selectors[name], { polling: 'raf', timeout: 120_000 });
  return (await handle.jsonValue()) as number;
}

/** One cold visit (fresh browser context, empty cache): the login page, then signing in to the workbench. */
async function coldVisit(browser: Browser, baseUrl: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const scripts = recordScripts(page);
  let answer: string | undefined;
  page.on('response', (response) => {
    const header = response.url().includes('/api/auth/captcha') ? response.headers()['x-test-captcha-answer'] : undefined;
    if (header) answer = header;
  });
  await page.goto(`${baseUrl}/login`);
  const loginUsable = await waitForMark(page, 'loginUsable');
  await page.waitForLoadState('networkidle');
  const loginScripts = [...scripts];
  const navigation = await page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { domContentLoaded: entry.domContentLoadedEventEnd, load: entry.loadEventEnd };
  });

  await page.getByTestId('login-name').fill('admin');
  await page.getByTestId('login-password').fill(adminPassword);
  await page.getByTestId('login-captcha').fill(answer ?? '');
  const clicked = await page.evaluate(() => performance.now());
  await page.getByTestId('login-submit').click();
  const workbench = (await waitForMark(page, 'workbench')) - clicked;
  await page.waitForLoadState('networkidle');
  const settled = (await page.evaluate(() => performance.now())) - clicked;
  const workbenchScripts = scripts.slice(loginScripts.length);
  return { context, page, loginUsable, navigation, workbench, settled, loginScripts, workbenchScripts };
}

/**
 * Frame intervals while the virtual list's body is scrolled by a fixed step each frame for `durationMs`. The
 * page script is a string: tsx's transform would otherwise wrap named functions in a helper the page lacks.
 */
async function scrollFrames(page: Page, stepPx: number, durationMs: number, target = virtualHolder): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const holder = ${target};
    holder.scrollTop = 0;
    const intervals = [];
    let last = performance.now();
    const started = last;
    function frame(now) {
      intervals.push(now - last);
      last = now;
      holder.scrollTop += ${Number(stepPx)};
      if (now - started < ${Number(durationMs)}) requestAnimationFrame(frame);
      else resolve(intervals.slice(1));
    }
    requestAnimationFrame(frame);
  })`);
}

const virtualHolder = "document.querySelector('[data-testid=list-table] .ant-table-tbody-virtual-holder')";
const steps = [['slow (40 px/frame)', 40], ['fast (400 px/frame)', 400]] as const;

async function setPageSize(page: Page, baseUrl: string, pageSize: number) {
  const { csrfToken: csrf } = (await (await page.request.get(`${baseUrl}/api/me`)).json()) as { csrfToken: string };
  const put = await page.request.put(`${baseUrl}/api/me/lists/customer/settings`, { data: { pageSize }, headers: { 'x-csrf-token': csrf } });
  if (!put.ok()) throw new Error(`list settings: ${put.status()} ${await put.text()}`);
}

/** The same scrolling over the ordinary paged table of 100 rows (the whole page scrolls): a baseline under the same load. */
async function pagedBaseline(page: Page, baseUrl: string) {
  await setPageSize(page, baseUrl, 100);
  await page.goto(`${baseUrl}/m/customers`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=list-table] tbody tr.ant-table-row').length >= 100, undefined, { timeout: 120_000 });
  const results: Record<string, number[]> = {};
  for (const [name, step] of steps) results[name] = await scrollFrames(page, step, 3000, 'document.scrollingElement');
  return results;
}

async function largeList(page: Page, baseUrl: string) {
  await setPageSize(page, baseUrl, largeListRows);
  const listResponse = page.waitForResponse((response) => response.url().endsWith('/api/customers/query') && response.request().postDataJSON()?.pageSize === largeListRows, { timeout: 120_000 });
  await page.goto(`${baseUrl}/m/customers`);
  const response = await listResponse;
  const body = await response.body();
  const timing = response.request().timing();
  const rendered = await waitForMark(page, 'virtualRows');
  const rowsInDom = await page.locator('[data-testid=list-table] .ant-table-tbody-virtual .ant-table-row').count();
  const items = (JSON.parse(body.toString()) as { items: unknown[] }).items.length;
  const results: Record<string, number[]> = {};
  for (const [name, step] of steps) results[name] = await scrollFrames(page, step, 3000);
  return { items, bytes: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length, serverMs: timing.responseEnd - timing.requestStart, rendered, rowsInDom, results };
}

/**
 * Browser figures on localhost: JS the login page and the workbench load (raw and gzip), time until the
 * login form is usable and from "sign in" to the rendered workbench (cold cache, median of 5), and the
 * frame intervals while a 10,000-row list scrolls in scroll mode (virtualised).
 */
export async function webBench(_options: BenchOptions) {
  if (!fs.existsSync(path.join(repoDir, 'web/dist/index.html')) || process.env.BENCH_WEB_BUILD === '1') {
    execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: repoDir, stdio: 'ignore' });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-bench-web-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'web-server.ts')], {
    cwd: benchDir,
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_ADMIN_PASSWORD: adminPassword, BENCH_WEB_CUSTOMERS: String(largeListRows) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).once('line', (text) => resolve(JSON.parse(text) as { port: number }));
      child.once('exit', (code) => reject(new Error(`server exited with code ${code} before it was ready`)));
    });
    const baseUrl = `http://127.0.0.1:${ready.port}`;
    line('server', `${baseUrl} (SQLite, demo set + ${largeListRows.toLocaleString('en')} customers)`);

    const visits = [];
    for (let run = 0; run < runs; run++) {
      const visit = await coldVisit(browser, baseUrl);
      visits.push(visit);
      if (run < runs - 1) await visit.context.close();
    }
    const first = visits[0]!;
    line('login page JS (files)', String(first.loginScripts.length));
    line('login page JS raw / gzip', `${kb(sum(first.loginScripts, 'raw'))} / ${kb(sum(first.loginScripts, 'gzip'))}`);
    line('workbench added JS (files)', String(first.workbenchScripts.length));
    line('workbench added JS raw / gzip', `${kb(sum(first.workbenchScripts, 'raw'))} / ${kb(sum(first.workbenchScripts, 'gzip'))}`);
    const largest = [...first.loginScripts, ...first.workbenchScripts].sort((a, b) => b.raw - a.raw).slice(0, 5);
    for (const script of largest) line(`  ${path.basename(script.url)}`, `${kb(script.raw)} / ${kb(script.gzip)}`);
    line('login DOMContentLoaded (median)', ms(median(visits.map((visit) => visit.navigation.domContentLoaded))));
    line('login form usable (median, min–max)', `${ms(median(visits.map((visit) => visit.loginUsable)))} (${ms(Math.min(...visits.map((visit) => visit.loginUsable)))}–${ms(Math.max(...visits.map((visit) => visit.loginUsable)))})`);
    line('sign-in → workbench shown (median)', `${ms(median(visits.map((visit) => visit.workbench)))} (${ms(Math.min(...visits.map((visit) => visit.workbench)))}–${ms(Math.max(...visits.map((visit) => visit.workbench)))})`);
    line('sign-in → workbench idle (median)', ms(median(visits.map((visit) => visit.settled))));

    const list = await largeList(visits.at(-1)!.page, baseUrl);
    line('10k list: rows received', list.items.toLocaleString('en'));
    line('10k list: response raw / gzip', `${(list.bytes / 2 ** 20).toFixed(1)} MB / ${(list.gzip / 2 ** 20).toFixed(2)} MB`);
    line('10k list: request → response end', ms(list.serverMs));
    line('10k list: navigation → rows shown', ms(list.rendered));
    line('10k list: rows in the DOM', String(list.rowsInDom));
    const frames = (label: string, results: Record<string, number[]>) => {
      for (const [name, intervals] of Object.entries(results)) {
        const long = intervals.filter((interval) => interval > 50).length;
        line(`${label} ${name}`, `${intervals.length} frames in 3 s, median ${ms(median(intervals))}, p95 ${ms(percentile(intervals, 0.95))}, max ${ms(Math.max(...intervals))}, >50 ms: ${long}`);
      }
    };
    frames('10k virtual, scroll', list.results);
    frames('100 paged, scroll', await pagedBaseline(visits.at(-1)!.page, baseUrl));
    await visits.at(-1)!.context.close();
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

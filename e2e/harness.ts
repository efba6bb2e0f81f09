import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { buildApp, type App } from '@insure/server/src/app.ts';
import { bootstrap } from '@insure/server/src/bootstrap.ts';
import { configFrom } from '@insure/server/src/config.ts';
import { loadDemoData } from '@insure/server/src/seed/demo.ts';

export const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const adminPassword = 'E2e-Admin-Pass-2026';

export interface Harness {
  app: App;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A real server on a loopback port (SQLite in a temp directory, or PostgreSQL when DATABASE_URL is set),
 * built with the test-only captcha hook, and Debian's Chromium driven by playwright-core.
 */
export async function startHarness(demoCustomers = 50, mfaRequiredRoles = 'none', env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-e2e-'));
  const config = configFrom({
    DATA_DIR: dataDir,
    ADMIN_PASSWORD: adminPassword,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: process.env.E2E_DATABASE_URL,
    // Journeys about other things sign in with a password only; the MFA journey sets its own.
    MFA_REQUIRED_ROLES: mfaRequiredRoles,
    ...env,
  });
  const app = await buildApp({ config, logger: false, testHooks: { exposeCaptchaAnswer: true } });
  await bootstrap(app.services);
  await loadDemoData(app.services, demoCustomers);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the real login form; the captcha answer comes from the test-only response header. */
export async function signIn(page: Page, baseUrl: string, loginName: string, password: string): Promise<void> {
  // CI machines have two cores shared with the server under test: be patient rather than flaky.
  page.setDefaultTimeout(60_000);
  // The page may fetch a captcha more than once (a refresh, a re-render): the answer that counts is the latest.
  let answer: string | undefined;
  const onResponse = (response: import('playwright-core').Response) => {
    if (!response.url().includes('/api/auth/captcha')) return;
    const header = response.headers()['x-test-captcha-answer'];
    if (header) answer = header;
  };
  page.on('response', onResponse);
  try {
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-name').fill(loginName);
    await page.getByTestId('login-password').fill(password);
    for (let waited = 0; !answer && waited < 30_000; waited += 100) await page.waitForTimeout(100);
    if (!answer) throw new Error('captcha test hook is not enabled');
    // Let a captcha request already under way land before reading the answer.
    await page.waitForLoadState('networkidle');
    await page.getByTestId('login-captcha').fill(answer);
    await page.getByTestId('login-submit').click();
  } finally {
    page.off('response', onResponse);
  }
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, type Response, chromium } from 'playwright-core';
import { expect } from 'vitest';
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

/**
 * Picks an option of an antd Select by typing part of its label, and checks the choice took: while the options
 * are searched for on the server, the list can be replaced under the click, which then picks nothing. A multiple
 * select (its tags collapse to "+N", so the choice cannot be read back) is picked once and closed.
 */
export async function choose(page: Page, testId: string, text: string, multiple = false): Promise<void> {
  const select = page.getByTestId(testId);
  const pick = async () => {
    await select.click();
    await page.keyboard.type(text);
    // A short wait for the option: if the list closed or was replaced under a busy machine, the next attempt reopens it.
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click({ timeout: 10_000 }).catch(() => undefined);
  };
  if (multiple) {
    await pick();
    await page.keyboard.press('Escape');
    return;
  }
  const shows = () => select.innerText().then((shown) => shown.includes(text));
  // No Escape between attempts: with the list already closed it would close the form's drawer instead.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await pick();
    if (await pollUntil(shows, 5_000)) return;
  }
  await expect.poll(shows, { message: `${testId} shows ${text}` }).toBe(true);
}

/** Types a date (or date and time) into an antd picker and confirms it. */
export async function pickDate(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

/** A screenshot once the page has settled, without the success toasts over it. */
export async function quietShot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, style: '.ant-message { display: none !important; }' });
}

/** Matches the response to a POST whose URL contains `suffix`, for page.waitForResponse. */
export const posted = (suffix: string) => (response: Response) => response.url().includes(suffix) && response.request().method() === 'POST';

export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (await check()) return true;
  }
  return false;
}

/**
 * Switches the interface language through the header menu and waits until the page shows it and the choice is
 * saved; a click that lands while the menu is still opening is tried again.
 */
export async function switchLanguage(page: Page, label: string, lang: string): Promise<void> {
  const shown = () => page.evaluate(() => document.documentElement.lang).then((current) => current === lang);
  for (let attempt = 1; attempt <= 3 && !(await shown()); attempt += 1) {
    await page.getByTestId('language-switch').click();
    // The menu can close again before the item is clicked (seen on a busy machine): then the next attempt reopens it.
    await page.locator('.ant-dropdown:visible .ant-dropdown-menu-item', { hasText: label }).click({ timeout: 10_000 }).catch(() => undefined);
    if (await pollUntil(shown, 5_000)) break;
  }
  await expect.poll(shown, { message: `the page is in ${lang}` }).toBe(true);
  await page.waitForLoadState('networkidle');
}

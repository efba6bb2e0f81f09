import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { setPassword } from '@insure/server/src/domains/account/credentials.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { hashPassword } from '@insure/server/src/platform/auth/password.ts';
import { type A11yProblem, axeSource, ownChecks, runAxe } from '../a11y.ts';
import { adminPassword, artifacts, type Harness, shot, signIn, startHarness } from '../harness.ts';

/**
 * Every main page at desktop (1440×900) and phone (375×812) widths: a screenshot of each in e2e/artifacts
 * (screen-desktop-*.png, screen-phone-*.png), no sideways scrolling of the page at 375 px (tables scroll
 * inside their own container), keyboard use of a form and a table, and accessibility checks in both themes.
 */
let harness: Harness;
let desktop: Page;
let phone: Page;
let customerId = 0;
let policyId = 0;
const pageErrors: string[] = [];

interface Screen {
  name: string;
  path: () => string;
  /** Waits for the page's content; defaults to the network going quiet. */
  ready?: (page: Page) => Promise<unknown>;
  /** Opens something on the page (a form, a tab) before the screenshot. */
  open?: (page: Page) => Promise<unknown>;
}

const list = (page: Page) => page.getByTestId('list-table').waitFor();
const screens: Screen[] = [
  { name: 'workbench', path: () => '/', ready: (page) => page.getByTestId('workbench-greeting').waitFor() },
  { name: 'customers', path: () => '/m/customers', ready: list },
  { name: 'customer-form', path: () => '/m/customers', ready: list, open: async (page) => { await page.getByTestId('list-add').click(); await page.getByTestId('field-name').waitFor(); } },
  { name: 'customer-360', path: () => `/customers/${customerId}`, ready: (page) => page.getByTestId('tab-profile').waitFor() },
  { name: 'customer-profile', path: () => `/customers/${customerId}`, ready: (page) => page.getByTestId('tab-profile').waitFor(), open: async (page) => { await page.getByTestId('tab-profile').click(); await page.getByTestId('customer-profile').waitFor(); } },
  { name: 'policies', path: () => '/m/policies', ready: list },
  { name: 'policy', path: () => `/policies/${policyId}`, ready: (page) => page.getByTestId('policy-page').waitFor() },
  { name: 'opportunities', path: () => '/m/opportunities', ready: (page) => page.locator('[data-testid=list-table], .pipeline-board').first().waitFor() },
  { name: 'renewals', path: () => '/renewals', ready: (page) => page.getByTestId('renewals-page').waitFor() },
  { name: 'tickets', path: () => '/m/feedback', ready: list },
  { name: 'sms', path: () => '/sms' },
  { name: 'plan-board', path: () => '/sales/plan-board', ready: (page) => page.getByTestId('plan-board-page').waitFor() },
  { name: 'reports', path: () => '/reports', ready: (page) => page.getByTestId('reports-page').waitFor() },
  { name: 'customer-analysis', path: () => '/customer-analysis', ready: (page) => page.getByTestId('analysis-page').waitFor() },
  { name: 'backups', path: () => '/admin/backups' },
];

async function show(page: Page, screen: Screen) {
  await page.goto(`${harness.baseUrl}${screen.path()}`);
  await screen.ready?.(page);
  await page.waitForLoadState('networkidle');
  await screen.open?.(page);
  // charts animate and modals slide in
  await page.waitForTimeout(400);
}

/** Elements that stick out past the right edge of the viewport without a scrolling container around them. */
async function overflowing(page: Page): Promise<{ scrollWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1) continue;
      let clipped = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      const testId = element.closest('[data-testid]')?.getAttribute('data-testid');
      culprits.push(`${element.tagName.toLowerCase()}.${String(element.className).split(' ').slice(0, 2).join('.')} right=${Math.round(box.right)}${testId ? ` in ${testId}` : ''}`);
      if (culprits.length >= 5) break;
    }
    return { scrollWidth: document.documentElement.scrollWidth, culprits };
  });
}

const a11yPages = ['workbench', 'customers', 'customer-form', 'customer-profile', 'reports', 'plan-board'];
const axe = axeSource();

describe('main pages at desktop and phone widths', () => {
  beforeAll(async () => {
    harness = await startHarness(12);
    const { db } = harness.app.services.database;
    customerId = Number((await db.selectFrom('customers').select('id').where('status', '=', 'normal').where('deleted_at', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id);
    policyId = Number((await db.selectFrom('policies').select('id').where('deleted_at', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id);
    // A second administrator for the phone: one user has one session, a second sign-in would end the first.
    const { services } = harness.app;
    const head = await db.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const adminRole = await db.selectFrom('roles').select('id').where('builtin_key', '=', 'admin').executeTakeFirstOrThrow();
    const hash = await hashPassword(adminPassword);
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx, Number(head.id));
      const id = await createRecord(ctx, getEntity('account'), { loginName: 'phone_admin', displayName: '移动管理员', orgId: Number(head.id), roleIds: [Number(adminRole.id)] });
      await setPassword(trx, services.database.dialect, id, hash, false, ctx.now);
    });
    // axe-core is injected as an inline script, which the app's CSP rightly refuses: the test browser bypasses it.
    desktop = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', bypassCSP: true });
    phone = await harness.browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    for (const page of [desktop, phone]) page.on('pageerror', (error) => pageErrors.push(error.message));
    await phone.goto(`${harness.baseUrl}/login`);
    await phone.getByTestId('login-submit').waitFor();
    await shot(phone, 'screen-phone-login');
    expect((await overflowing(phone)).scrollWidth).toBeLessThanOrEqual(375);
    for (const [page, loginName] of [[desktop, 'admin'], [phone, 'phone_admin']] as const) {
      await signIn(page, harness.baseUrl, loginName, adminPassword);
      await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each(screens.map((screen) => [screen.name, screen]))('%s', async (name, screen) => {
    await show(desktop, screen as Screen);
    await shot(desktop, `screen-desktop-${name}`);
    await show(phone, screen as Screen);
    await shot(phone, `screen-phone-${name}`);
    const { scrollWidth, culprits } = await overflowing(phone);
    expect(scrollWidth, `${name} is ${scrollWidth}px wide at 375px: ${culprits.join('; ')}`).toBeLessThanOrEqual(375);
    expect(pageErrors).toEqual([]);
  });

  it('opens the side menu as a drawer on the phone', async () => {
    await phone.goto(`${harness.baseUrl}/`);
    await phone.getByTestId('menu-toggle').click();
    const drawer = phone.locator('.ant-drawer:has(.ant-menu)');
    await drawer.locator('.ant-menu-root').waitFor();
    expect((await drawer.locator('.ant-menu-root').boundingBox())!.width).toBeLessThanOrEqual(375);
    await phone.waitForTimeout(400);
    await shot(phone, 'screen-phone-menu');
    await drawer.locator('.ant-menu-submenu-title').first().click();
    await drawer.locator('[data-testid^="menu-"]').first().click();
    await expect.poll(() => drawer.locator('.ant-menu-root').isVisible()).toBe(false);
  });

  it('moves through the customer form and the table with the keyboard', async () => {
    await desktop.goto(`${harness.baseUrl}/m/customers`);
    await list(desktop);
    // the table: from the search button, Tab reaches the first row's link, and Enter opens the record
    await desktop.getByTestId('list-search').focus();
    let inTable = false;
    for (let step = 0; step < 40 && !inTable; step++) {
      await desktop.keyboard.press('Tab');
      inTable = await desktop.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'row-code');
    }
    expect(inTable).toBe(true);
    await desktop.keyboard.press('Enter');
    await desktop.locator('.ant-drawer-content, [data-testid=detail-fields]').first().waitFor();
    await desktop.keyboard.press('Escape');
    await desktop.locator('.ant-drawer-content').first().waitFor({ state: 'hidden' });

    // the form: Tab goes from one field to the next in reading order, and every field has a label
    await desktop.getByTestId('list-add').click();
    await desktop.getByTestId('field-name').waitFor();
    await desktop.getByTestId('field-name').focus();
    const order: string[] = [];
    for (let step = 0; step < 12; step++) {
      await desktop.keyboard.press('Tab');
      const testId = await desktop.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');
      order.push(testId);
    }
    expect(order.indexOf('field-idNumber')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('field-phone')).toBeGreaterThan(order.indexOf('field-idNumber'));
    const unlabelled = await desktop.evaluate(() =>
      [...document.querySelectorAll('.ant-modal [data-testid^="field-"]')]
        .filter((field) => !field.closest('.ant-form-item')?.querySelector('.ant-form-item-label label'))
        .map((field) => field.getAttribute('data-testid')),
    );
    expect(unlabelled).toEqual([]);
    await desktop.keyboard.press('Escape');
  });

  it.each(['light', 'dark'].map((theme) => [theme]))('passes the accessibility checks on the main pages in the %s theme', async (theme) => {
    const isDark = await desktop.evaluate(() => document.documentElement.dataset.theme === 'dark');
    if (isDark !== (theme === 'dark')) {
      await desktop.getByTestId('theme-toggle').click();
      await expect.poll(() => desktop.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await desktop.waitForLoadState('networkidle');
    }
    const problems: (A11yProblem & { page: string })[] = [];
    for (const name of a11yPages) {
      const screen = screens.find((entry) => entry.name === name)!;
      await show(desktop, screen);
      for (const problem of await ownChecks(desktop)) problems.push({ ...problem, page: name });
      if (axe) for (const problem of await runAxe(desktop, axe)) problems.push({ ...problem, page: `${name} (axe)` });
      if (theme === 'dark') await shot(desktop, `screen-desktop-dark-${name}`);
    }
    fs.writeFileSync(path.join(artifacts, `a11y-${theme}.json`), JSON.stringify(problems, null, 2));
    expect(problems.map((problem) => `${problem.page}: ${problem.rule} ${problem.target} ${problem.detail}`)).toEqual([]);
  });
});

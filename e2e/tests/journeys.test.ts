import type { Page, Response } from 'playwright-core';
import { builtinRoles, extraModules } from '@insure/model/permissions';
import { entities, getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { setPassword } from '@insure/server/src/domains/account/credentials.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { hashPassword } from '@insure/server/src/platform/auth/password.ts';
import { idNumber, prng } from '@insure/server/src/seed/generator.ts';
import { adminPassword, choose, type Harness, pickDate, posted, shot, signIn, startHarness, switchLanguage } from '../harness.ts';

/**
 * Journeys across the product in one harness (the smallest seed): a session replaced by a second sign-in,
 * each built-in role's menu, language and theme switches that persist, a new customer followed from the
 * profile to a segment, a campaign and an SMS to that segment, and a salesperson's plan progress moving
 * after a signing.
 */
let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const rolePassword = 'E2e-Role-Pass-2026';
const productName = '旅程测试意外险';
const planName = '旅程业务员年度计划';
const year = new Date().getFullYear();
const today = new Date().toISOString().slice(0, 10);
let salesOrgName = '';

/** Picks an option of an antd Select by typing part of its label. */
async function newPage(): Promise<Page> {
  const created = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  created.on('pageerror', (error) => pageErrors.push(error.message));
  return created;
}

/** The menu entries (`menu-<module>` test ids) once every group is open. */
async function menuEntries(on: Page): Promise<string[]> {
  const titles = on.locator('.app-sider .ant-menu-submenu-title');
  const count = await titles.count();
  for (let index = 0; index < count; index++) {
    const submenu = on.locator('.app-sider .ant-menu-submenu').nth(index);
    if (!(await submenu.evaluate((element) => element.classList.contains('ant-menu-submenu-open')))) await titles.nth(index).click();
  }
  await on.waitForTimeout(300); // the open animation
  return on.locator('.app-sider .ant-menu [data-testid^="menu-"]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-testid')!));
}

describe('journeys across the product', () => {
  beforeAll(async () => {
    harness = await startHarness(12, 'none', { SMS_QUIET_START_HOUR: '0', SMS_QUIET_END_HOUR: '0' });
    const { services } = harness.app;
    const { db } = services.database;
    const head = await db.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const roles = new Map((await db.selectFrom('roles').select(['id', 'builtin_key']).execute()).map((role) => [role.builtin_key, Number(role.id)]));
    const sales1 = await db.selectFrom('accounts').select(['id', 'salesperson_id']).where('login_name', '=', 'sales1').executeTakeFirstOrThrow();
    const person = await db.selectFrom('salespeople').select(['name', 'org_id']).where('id', '=', Number(sales1.salesperson_id)).executeTakeFirstOrThrow();
    salesOrgName = String((await db.selectFrom('organisations').select('name').where('id', '=', Number(person.org_id)).executeTakeFirstOrThrow()).name);
    const hash = await hashPassword(rolePassword);
    // Setup, not the subject: one account per built-in role, a product, an SMS template, a campaign and sales1's plan.
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx, Number(head.id));
      for (const role of builtinRoles) {
        if (role.key === 'admin') continue;
        const id = await createRecord(ctx, getEntity('account'), { loginName: `role_${role.key.toLowerCase()}`, displayName: role.name.zh, orgId: Number(head.id), roleIds: [roles.get(role.key)!] });
        await setPassword(trx, services.database.dialect, id, hash, false, ctx.now);
      }
      await setPassword(trx, services.database.dialect, Number(sales1.id), hash, false, ctx.now);
      await createRecord(ctx, getEntity('product'), { name: productName, insuranceType: 'accident', insurer: '本公司', sumInsuredMin: 1_000, sumInsuredMax: 1_000_000, basePremium: 100, status: 'onSale' });
      await createRecord(ctx, getEntity('smsTemplate'), { name: '旅程活动邀请', kind: 'manual', contentZh: '{customerName}，诚邀您参加客户答谢会。' });
      await createRecord(ctx, getEntity('campaign'), { name: '旅程客户答谢会', startAt: `${today}T10:00:00.000Z`, orgId: Number(head.id) });
      await createRecord(ctx, getEntity('customer'), { name: '旅程业务员客户', idNumber: idNumber(prng(13), '1979-02-03', '330106', false), phone: '13700137000', ownerId: Number(sales1.salesperson_id), orgId: Number(person.org_id) });
      await createRecord(ctx, getEntity('salesPlan'), {
        name: planName, periodType: 'year', periodStart: `${year}-01-01`, periodEnd: `${year}-12-31`,
        salespersonId: Number(sales1.salesperson_id), orgId: Number(person.org_id), premiumTarget: 100_000, policyCountTarget: 10, newCustomerTarget: 5,
      });
    });
    page = await newPage();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('tells the first browser it was signed in elsewhere when the same user signs in again', async () => {
    const first = await newPage();
    await signIn(first, harness.baseUrl, 'admin', adminPassword);
    await first.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    await first.goto(`${harness.baseUrl}/m/customers`);
    const notice = first.locator('.ant-modal-confirm');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('您的账号已在其他地方登录');
    await shot(first, 'session-replaced');
    await notice.locator('button').click();
    await first.getByTestId('login-name').waitFor();
    await first.close();
  });

  it.each(builtinRoles.map((role) => [role.key]))("shows the %s role exactly the menu entries its permissions allow", async (key) => {
    const role = builtinRoles.find((entry) => entry.key === key)!;
    const permissions = new Set(role.permissions());
    const own = key === 'admin' ? page : await newPage();
    if (key !== 'admin') {
      await signIn(own, harness.baseUrl, `role_${key.toLowerCase()}`, rolePassword);
      await own.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    }
    const shown = new Set(await menuEntries(own));
    for (const entity of entities) expect(shown.has(`menu-${entity.name}`), `${key} ${entity.name}`).toBe(permissions.has(`${entity.name}:view`));
    for (const module of extraModules.filter((entry) => ['auditLog', 'loginLog', 'apiToken', 'recycleBin', 'backup'].includes(entry.name))) {
      expect(shown.has(`menu-${module.name}`), `${key} ${module.name}`).toBe(permissions.has(`${module.name}:view`));
    }
    if (key === 'admin') expect(shown.has('menu-backup')).toBe(true);
    if (key === 'salesperson') expect([shown.has('menu-backup'), shown.has('menu-account'), shown.has('menu-customer')]).toEqual([false, false, true]);
    if (key !== 'admin') {
      await shot(own, `menu-${key}`);
      await own.close();
    }
  });

  it('switches the language from zh-CN to en-US, and keeps it after a reload', async () => {
    await page.goto(`${harness.baseUrl}/`);
    await page.getByTestId('workbench-greeting').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('.app-sider').innerText()).toContain('工作台');
    await switchLanguage(page, 'English', 'en-US');
    await expect.poll(() => page.locator('.app-sider').innerText()).toContain('Workbench');
    await page.reload();
    await page.getByTestId('workbench-greeting').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-US');
    expect(await page.locator('.app-sider').innerText()).toContain('Workbench');
    expect(await page.getByTestId('language-switch').innerText()).toContain('English');
    await shot(page, 'workbench-en-US');
    // back to Chinese for the journeys below
    await switchLanguage(page, '简体中文', 'zh-CN');
  });

  it('switches to the dark theme, and keeps it after a reload', async () => {
    await page.goto(`${harness.baseUrl}/m/customers`);
    await page.getByTestId('list-table').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const lightBackground = await page.locator('.app-content').evaluate((element) => getComputedStyle(element.closest('.ant-layout')!).backgroundColor);
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForLoadState('networkidle');
    await page.reload();
    await page.getByTestId('list-table').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const darkBackground = await page.locator('.app-content').evaluate((element) => getComputedStyle(element.closest('.ant-layout')!).backgroundColor);
    expect(darkBackground).not.toBe(lightBackground);
    await page.waitForLoadState('networkidle');
    await shot(page, 'customers-list-dark');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.waitForLoadState('networkidle');
  });

  it('creates a customer, reads the profile, puts them in a segment, invites the segment to a campaign and sends it an SMS', async () => {
    const name = '旅程新客户';
    const city = '旅程市';
    await page.goto(`${harness.baseUrl}/m/customers`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-add').click();
    await page.getByTestId('field-name').fill(name);
    await page.getByTestId('field-idNumber').fill(idNumber(prng(12), '1985-06-12', '330106', true));
    await page.getByTestId('field-phone').fill('13900139000');
    await page.getByTestId('field-city').fill(city);
    await choose(page, 'field-orgId', '总公司');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/customers') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBe(201);
    const customerId = ((await createdResponse.json()) as { id: number }).id;

    await page.goto(`${harness.baseUrl}/customers/${customerId}`);
    await page.getByTestId('tab-profile').click();
    await page.getByTestId('customer-profile').waitFor();
    expect(await page.getByTestId('customer-profile').innerText()).not.toContain('profile.');

    await page.goto(`${harness.baseUrl}/segments/builder`);
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('segment-add-condition').click();
    await choose(page, 'segment-field', '客户·城市');
    const op = page.getByTestId('segment-op');
    if (!(await op.innerText()).includes('等于')) {
      await op.click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: /^等于$/ }).first().click();
    }
    await page.getByTestId('segment-value').fill(city);
    await expect.poll(async () => (await page.getByTestId('segment-count').innerText()).replace(/\s/g, ''), { timeout: 20_000 }).toMatch(/1$/);
    await expect.poll(() => page.getByTestId('segment-preview').innerText()).toContain(name);
    await page.getByTestId('segment-name').fill('旅程市客户');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => page.url()).toContain('id=');

    await page.goto(`${harness.baseUrl}/m/campaigns`);
    const row = page.locator('[data-testid=list-table] tbody tr', { hasText: '旅程客户答谢会' });
    await row.getByTestId('row-campaign-results').click();
    await page.getByTestId('campaign-results').waitFor();
    await choose(page, 'campaign-invite-segment', '旅程市客户');
    const invited = page.waitForResponse(posted('/participants/from-audience'));
    await page.getByTestId('campaign-invite-segment-submit').click();
    const invitedResponse = await invited;
    expect(invitedResponse.status()).toBe(201);
    expect(await invitedResponse.json()).toEqual({ added: 1 });
    await page.keyboard.press('Escape');

    await page.goto(`${harness.baseUrl}/sms`);
    await page.getByTestId('sms-tab-manual').click();
    await choose(page, 'sms-manual-template', '旅程活动邀请');
    await choose(page, 'sms-manual-segment', '旅程市客户');
    const previewed = page.waitForResponse(posted('/api/sms/manual/preview'));
    await page.getByTestId('sms-manual-preview').click();
    expect(await (await previewed).json()).toMatchObject({ recipientCount: 1 });
    await expect.poll(() => page.getByTestId('sms-manual-audience').innerText()).toContain(`${name}，诚邀您参加客户答谢会`);
    const sent = page.waitForResponse(posted('/api/sms/manual/send'));
    await page.getByTestId('sms-manual-send').click();
    const sentResponse = await sent;
    expect(sentResponse.status()).toBe(201);
    expect(await sentResponse.json()).toMatchObject({ queued: 1 });
    await shot(page, 'sms-to-segment');
  });

  it("moves a salesperson's plan progress after their signing", async () => {
    const seller = await newPage();
    await signIn(seller, harness.baseUrl, 'sales1', rolePassword);
    await seller.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    const planRow = seller.locator('[data-testid=plan-board-page] tbody tr', { hasText: planName });
    const pending = () => planRow.locator('td').nth(4).innerText();
    await seller.goto(`${harness.baseUrl}/sales/plan-board`);
    await planRow.waitFor();
    const before = await pending();
    expect(before).toMatch(/^0 \//);

    await seller.goto(`${harness.baseUrl}/m/signings`);
    await seller.getByTestId('list-table').waitFor();
    await seller.getByTestId('list-add').click();
    await seller.getByTestId('field-signingNo').fill('SGJOURNEY0001');
    await pickDate(seller, 'field-signingDate', today);
    await seller.getByTestId('field-amount').fill('2400');
    await seller.getByTestId('field-sumInsured').fill('100000');
    await pickDate(seller, 'field-startDate', today);
    await choose(seller, 'field-productId', productName);
    await choose(seller, 'field-customerId', '旅程业务员客户');
    await choose(seller, 'field-orgId', salesOrgName);
    const created = seller.waitForResponse((response) => response.url().endsWith('/api/signings') && response.request().method() === 'POST');
    await seller.getByTestId('form-submit').click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBe(201);
    const signingId = ((await createdResponse.json()) as { id: number }).id;
    await seller.goto(`${harness.baseUrl}/m/signings`);
    const row = seller.locator('[data-testid=list-table] tbody tr', { hasText: 'SGJOURNEY0001' });
    await row.getByTestId('row-code').click();
    await seller.getByTestId('workflow-actions').getByTestId('action-submit').click();
    const submitted = seller.waitForResponse(posted(`/api/signings/${signingId}/actions/submit`));
    await seller.getByTestId('action-dialog').getByTestId('action-submit').click();
    expect((await submitted).status()).toBe(200);

    await seller.goto(`${harness.baseUrl}/sales/plan-board`);
    await planRow.waitFor();
    await expect.poll(pending).toMatch(/^1 \/.*2,400/);
    await shot(seller, 'plan-progress-after-signing');
    await seller.close();
    expect(pageErrors).toEqual([]);
  });
});

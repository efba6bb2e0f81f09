import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { setPassword } from '@insure/server/src/domains/account/credentials.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { hashPassword } from '@insure/server/src/platform/auth/password.ts';
import { adminPassword, type Harness, shot, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const salesPassword = 'Amber-Kettle-Route-42';
/** This month: the run covers policies starting in it. */
const period = new Date().toISOString().slice(0, 7);
let salespersonId = 0;
let salespersonName = '';

/**
 * Signs in with the answer of the last captcha the page fetched: on a loaded machine the login page may fetch a
 * second captcha (its translations arriving late), which makes the first answer stale.
 */
async function signIn(target: Page, loginName: string, password: string) {
  target.setDefaultTimeout(60_000);
  let answer = '';
  target.on('response', (response) => {
    if (response.url().includes('/api/auth/captcha')) answer = response.headers()['x-test-captcha-answer'] ?? answer;
  });
  await target.goto(`${harness.baseUrl}/login`);
  await target.waitForLoadState('networkidle');
  await expect.poll(() => answer, { timeout: 30_000 }).not.toBe('');
  await target.getByTestId('login-name').fill(loginName);
  await target.getByTestId('login-password').fill(password);
  await target.getByTestId('login-captcha').fill(answer);
  await target.getByTestId('login-submit').click();
  await target.getByTestId('workbench-greeting').waitFor();
}

describe("a salesperson's commission statement", () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    const { services } = harness.app;
    const { db } = services.database;
    const account = await db.selectFrom('accounts').select(['id', 'salesperson_id']).where('login_name', '=', 'sales1').executeTakeFirstOrThrow();
    salespersonId = Number(account.salesperson_id);
    const person = await db.selectFrom('salespeople').select(['name', 'org_id']).where('id', '=', salespersonId).executeTakeFirstOrThrow();
    salespersonName = String(person.name);
    const head = await db.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const customer = await db.selectFrom('customers').select('id').where('status', '=', 'normal').orderBy('id').executeTakeFirstOrThrow();
    // Setup, not what the test is about: a rule, a product and one policy of sales1 this month.
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      await createRecord(ctx, getEntity('incentivePolicy'), { name: '端到端佣金 12%', ruleType: 'commission', ratePercent: 12, effectiveFrom: '2020-01-01', orgId: Number(head.id) });
      const productId = await createRecord(ctx, getEntity('product'), { name: '端到端佣金险', insuranceType: 'accident', insurer: '本公司', sumInsuredMin: 1_000, sumInsuredMax: 1_000_000, basePremium: 100, status: 'onSale' });
      await createRecord(ctx, getEntity('policy'), {
        policyNo: 'PE2ECOMM0001',
        applicantId: Number(customer.id),
        productId,
        insuranceType: 'accident',
        startDate: `${period}-01`,
        premium: 2_500,
        sumInsured: 100_000,
        salespersonId,
        orgId: Number(person.org_id),
      });
      await setPassword(trx, services.database.dialect, Number(account.id), await hashPassword(salesPassword), false, ctx.now);
    });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('is computed by a run the admin starts from the commission page', async () => {
    await signIn(page, 'admin', adminPassword);
    await page.goto(`${harness.baseUrl}/sales/commission?period=${period}`);
    await page.getByTestId('commission-page').waitFor();
    const ran = page.waitForResponse((response) => response.url().endsWith('/api/incentives/runs') && response.request().method() === 'POST');
    await page.getByTestId('commission-run').click();
    expect((await ran).status()).toBe(200);
    await page.getByTestId(`statement-link-${salespersonId}`).waitFor();
    await expect.poll(() => page.getByTestId('run-status').innerText(), { timeout: 30_000 }).toBe('未审批');
  });

  it('shows the salesperson their own statement with a line explaining the amount', async () => {
    const own = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    own.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(own, 'sales1', salesPassword);
    await own.goto(`${harness.baseUrl}/sales/commission?period=${period}`);
    await own.getByTestId('commission-page').waitFor();
    const rows = own.locator('[data-testid=statement-totals] tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    // A salesperson may read statements but not run them.
    expect(await own.getByTestId('commission-run').count()).toBe(0);
    await own.getByTestId(`statement-link-${salespersonId}`).click();
    await own.getByTestId('statement-page').waitFor();
    await expect.poll(() => own.getByTestId('statement-salesperson').innerText(), { timeout: 30_000 }).toBe(salespersonName);
    await expect.poll(() => own.getByTestId('line-amount').first().innerText(), { timeout: 30_000 }).toBe('300.00');
    expect(await own.getByTestId('statement-total').innerText()).toBe('300.00');
    const explanation = await own.getByTestId('line-explanation').first().innerText();
    expect(explanation).toContain('PE2ECOMM0001');
    expect(explanation).toContain('12%');
    await shot(own, 'commission-statement');
    await own.close();
    expect(pageErrors).toEqual([]);
  });
});

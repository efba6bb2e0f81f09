import type { Page, Response } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, choose, type Harness, pickDate, quietShot, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const productName = '端到端医疗险';
const signingNo = 'SGE2E000001';
const claimNo = 'CLE2E000001';
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
let customerName = '';

const isAction = (action: string) => (response: Response) => response.url().includes(`/actions/${action}`) && response.request().method() === 'POST';

/** One workflow move through the UI: the record's action button, then the dialog's confirm button. */
async function move(action: string, fill?: () => Promise<void>): Promise<Record<string, unknown>> {
  await page.getByTestId('workflow-actions').getByTestId(`action-${action}`).click();
  const dialog = page.getByTestId('action-dialog');
  await dialog.waitFor();
  await fill?.();
  const answered = page.waitForResponse(isAction(action));
  await dialog.getByTestId('action-submit').click();
  const response = await answered;
  expect(response.status(), `${action}: ${await response.text()}`).toBe(200);
  await dialog.waitFor({ state: 'detached' });
  return (await response.json()) as Record<string, unknown>;
}

describe('a signing from draft to issued, then a claim from reported to paid', () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    const { services } = harness.app;
    const customer = await services.database.db
      .selectFrom('customers')
      .select(['id', 'name'])
      .where('status', '=', 'normal')
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    customerName = String(customer.name);
    // the product is setup, not what this test is about
    await services.database.db.transaction().execute(async (trx) => {
      await createRecord(systemContext(services, trx), getEntity('product'), {
        name: productName,
        insuranceType: 'health',
        insurer: '本公司',
        sumInsuredMin: 10_000,
        sumInsuredMax: 2_000_000,
        minAge: 0,
        maxAge: 120,
        basePremium: 800,
        status: 'onSale',
      });
    });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  let policyId = 0;

  it('creates a signing and moves it from draft to issued, which issues a policy', async () => {
    await page.goto(`${harness.baseUrl}/m/signings`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-add').click();
    await page.getByTestId('field-signingNo').fill(signingNo);
    await pickDate(page, 'field-signingDate', isoDay(0));
    await page.getByTestId('field-amount').fill('1500');
    await page.getByTestId('field-sumInsured').fill('200000');
    await pickDate(page, 'field-startDate', isoDay(-30));
    await choose(page, 'field-productId', productName);
    await choose(page, 'field-customerId', customerName);
    await choose(page, 'field-orgId', '总公司');
    expect(await page.getByTestId('field-status').count()).toBe(0);
    const created = page.waitForResponse((response) => response.url().endsWith('/api/signings') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBe(201);
    expect(((await createdResponse.json()) as { status: string }).status).toBe('draft');

    await page.getByTestId('list-keyword').fill(signingNo);
    await page.getByTestId('list-search').click();
    const row = page.locator('[data-testid=list-table] tbody tr', { hasText: signingNo });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByTestId('row-code').click();
    await page.getByTestId('workflow-actions').waitFor();
    await shot(page, 'signing-draft');

    expect((await move('submit')).status).toBe('submitted');
    expect((await move('underwrite')).status).toBe('underwriting');
    const approved = await move('approve');
    expect(approved.status).toBe('issued');
    expect(typeof approved.policyId).toBe('number');
    policyId = approved.policyId as number;
    await page.getByTestId('tab-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(4);
    await quietShot(page, 'signing-timeline');

    await page.getByTestId('tab-fields').click();
    await page.locator(`[data-testid=detail-fields] a[href="/policies/${policyId}"]`).click();
    await page.getByTestId('policy-page').waitFor();
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(1);
    await quietShot(page, 'policy-timeline');
  });

  it('files a claim on the policy and moves it from reported to paid', async () => {
    const policyNo = await page.getByTestId('record-title').innerText();
    await page.goto(`${harness.baseUrl}/m/claims`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-add').click();
    await page.getByTestId('field-claimNo').fill(claimNo);
    await choose(page, 'field-policyId', policyNo);
    await choose(page, 'field-claimType', '医疗');
    await pickDate(page, 'field-incidentAt', `${isoDay(-2)} 10:00:00`);
    await page.getByTestId('field-requestedAmount').fill('8000');
    await choose(page, 'field-orgId', '总公司');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/claims') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBe(201);
    const claimId = ((await createdResponse.json()) as { id: number }).id;

    await page.goto(`${harness.baseUrl}/claims/${claimId}`);
    await page.getByTestId('claim-page').waitFor();
    expect((await move('accept')).status).toBe('accepted');
    expect((await move('investigate')).status).toBe('investigating');
    const approved = await move('approve', async () => {
      // the approved amount starts as the requested one; the handler approves less
      await expect.poll(() => page.getByTestId('field-approvedAmount').inputValue()).toContain('8000');
      await page.getByTestId('field-approvedAmount').fill('7500');
    });
    expect(approved).toMatchObject({ status: 'approved', approvedAmount: 7500 });
    const paid = await move('pay');
    expect(paid).toMatchObject({ status: 'paid', paidAmount: 7500 });

    await expect.poll(() => page.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(5);
    await expect.poll(() => page.getByTestId('claim-amounts').innerText()).toContain('7,500.00');
    await quietShot(page, 'claim-timeline');

    await page.goto(`${harness.baseUrl}/policies/${policyId}`);
    await page.getByTestId('claim-summary').waitFor();
    await expect.poll(() => page.getByTestId('claim-summary').innerText()).toContain('7,500.00');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

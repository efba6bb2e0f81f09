import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, prng } from '@insure/server/src/seed/generator.ts';
import { adminPassword, choose, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;

describe('a user manages a customer in the browser', () => {
  beforeAll(async () => {
    harness = await startHarness(30);
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('signs in through the captcha form and lands on the workbench', async () => {
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    await shot(page, 'workbench');
  });

  it('creates, finds, edits and deletes a customer', async () => {
    const name = '测试客户甲';
    const id = idNumber(prng(7), '1990-03-07', '330106', true);
    await page.goto(`${harness.baseUrl}/m/customers`);
    await page.getByTestId('list-table').waitFor();
    await shot(page, 'customers-list');

    await page.getByTestId('list-add').click();
    await page.getByTestId('field-name').fill(name);
    await page.getByTestId('field-idNumber').fill(id);
    await page.getByTestId('field-phone').fill('13800138000');
    await page.getByTestId('field-city').fill('杭州');
    await choose(page, 'field-orgId', '总公司');
    await shot(page, 'customer-form');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/customers') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    expect((await created).status()).toBe(201);

    await page.getByTestId('list-keyword').fill(name);
    await page.getByTestId('list-search').click();
    const row = page.locator('[data-testid=list-table] tbody tr', { hasText: name });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.innerText()).toContain('330***********');
    await shot(page, 'customer-found');

    await row.getByTestId('row-edit').click();
    await expect.poll(() => page.getByTestId('field-name').inputValue()).toBe(name);
    await expect.poll(() => page.getByTestId('field-city').inputValue()).toBe('杭州');
    await page.getByTestId('field-city').fill('宁波');
    const updated = page.waitForResponse((response) => /\/api\/customers\/\d+$/.test(response.url()) && response.request().method() === 'PATCH');
    await page.getByTestId('form-submit').click();
    expect((await updated).status()).toBe(200);
    await expect.poll(() => row.innerText()).toContain('宁波');

    await row.getByTestId('row-delete').click();
    const deleted = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await page.getByTestId('confirm-delete').click();
    expect((await deleted).status()).toBe(204);
    await expect.poll(() => page.locator('[data-testid=list-table] tbody tr', { hasText: name }).count()).toBe(0);
    await shot(page, 'customer-deleted');
  });
});

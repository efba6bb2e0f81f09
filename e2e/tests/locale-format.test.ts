import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, signIn, startHarness, switchLanguage } from '../harness.ts';

let harness: Harness;
let page: Page;

const firstRow = () => page.locator('[data-testid=list-table] tbody tr.ant-table-row').first();

describe('dates, numbers and amounts follow the user’s language', () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(60_000);
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('shows a policy list’s dates, times and CNY amounts in the zh-CN form, then in the en-US form', async () => {
    await page.goto(`${harness.baseUrl}/m/policies`);
    await firstRow().waitFor();
    const zh = await firstRow().innerText();
    expect(zh).toMatch(/\b20\d\d\/\d\d\/\d\d\b/);
    expect(zh).toMatch(/¥\d{1,3}(,\d{3})*\.\d\d/);
    expect(zh).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);

    await switchLanguage(page, 'English', 'en-US');
    await expect.poll(() => page.locator('[data-testid=list-table] thead').innerText()).toContain('Premium');
    const en = await firstRow().innerText();
    expect(en).toMatch(/\b\d\d\/\d\d\/20\d\d\b/);
    expect(en).toMatch(/CN¥\d{1,3}(,\d{3})*\.\d\d/);

    // The API answers in the account's saved language too, whatever the request's Accept-Language says.
    const missing = await page.request.get(`${harness.baseUrl}/api/policies/999999999`, { headers: { 'accept-language': 'zh-CN' } });
    expect(missing.status()).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('Not found');
  });
});

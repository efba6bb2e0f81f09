import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScale } from '@insure/server/src/seed/scale.ts';
import { adminPassword, artifacts, type Harness, pollUntil, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
let last = '';

const renderedRows = () => page.locator('[data-testid=list-table] .ant-table-tbody-virtual .ant-table-row');
const holder = () => page.locator('[data-testid=list-table] .ant-table-tbody-virtual-holder');

describe('a list of 10,000 rows in scroll mode', () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    await seedScale(harness.app.services, 10_000, 7, () => {}, { workers: 0 });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(60_000);
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('loads one page of 10,000 rows but keeps only the visible ones in the page, down to the last', async () => {
    await page.goto(`${harness.baseUrl}/m/customers`);
    await page.getByTestId('list-table').waitFor();
    await expect.poll(() => page.locator('[data-testid=list-table] tbody tr.ant-table-row').count()).toBeGreaterThan(0);

    const large = page.waitForResponse((response) => response.url().endsWith('/api/customers/query') && response.request().postDataJSON()?.pageSize === 10_000);
    await page.locator('.ant-pagination-options .ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '10000' }).click();
    const response = await large;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { items: { id: number; code: string }[]; total: number };
    expect(body.items).toHaveLength(10_000);
    expect(body.total).toBeGreaterThanOrEqual(10_000);

    await holder().waitFor();
    await expect.poll(() => renderedRows().count()).toBeGreaterThan(5);
    expect(await renderedRows().count()).toBeLessThan(200);
    await expect(renderedRows().first().innerText()).resolves.toContain(body.items[0]!.code);

    last = body.items.at(-1)!.code;
    // Scroll in steps, as a wheel would: the virtual list renders each window as it comes into view.
    for (let step = 0; step < 40; step++) {
      const atEnd = await holder().evaluate((element) => {
        element.scrollTop += element.clientHeight * 40;
        return element.scrollTop + element.clientHeight >= element.scrollHeight - 2;
      });
      if (atEnd) break;
    }
    await expect.poll(() => page.locator('[data-testid=list-table] .ant-table-tbody-virtual').innerText()).toContain(last);
    expect(await renderedRows().count()).toBeLessThan(200);
    // The viewport as it is (a full-page capture resizes the window, which re-renders the virtual list from the top).
    await page.screenshot({ path: path.join(artifacts, 'large-list-end.png') });
  });

  it('keeps row selection, the fixed code column and the detail drawer working in scroll mode', async () => {
    // By its code, not its place: the virtual list may still re-render the window it scrolled to.
    const row = renderedRows().filter({ hasText: last });
    const selected = () => page.locator('[data-testid=list-table] .ant-table-tbody-virtual .ant-table-row-selected').count();
    // A click landing while the window re-renders can miss the checkbox: tried again while nothing is selected.
    for (let attempt = 1; attempt <= 3 && (await selected()) === 0; attempt += 1) {
      await row.locator('.ant-checkbox-input').click();
      await pollUntil(async () => (await selected()) > 0, 5_000);
    }
    await expect.poll(selected).toBe(1);
    await expect.poll(() => row.locator('.ant-table-cell-fix-start').count()).toBeGreaterThan(0);
    const code = await row.getByTestId('row-code').innerText();
    await row.getByTestId('row-code').click();
    await expect.poll(() => page.locator('.ant-drawer-open').innerText()).toContain(code);
  });
});

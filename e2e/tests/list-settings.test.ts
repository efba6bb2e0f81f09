import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;

const headers = () => page.locator('[data-testid=list-table] thead th').allInnerTexts();
const rows = () => page.locator('[data-testid=list-table] tbody tr.ant-table-row');
const total = async () => Number((await page.locator('.ant-pagination-total-text').innerText()).replace(/\D+/g, ''));
const settingsSaved = () => page.waitForResponse((response) => /\/api\/me\/lists\/customer\/settings$/.test(response.url()) && response.request().method() === 'PUT');

async function openCustomers() {
  await page.goto(`${harness.baseUrl}/m/customers`);
  await page.getByTestId('list-table').waitFor();
  await expect.poll(() => rows().count()).toBeGreaterThan(0);
}

describe('a user keeps their list settings and saved views', () => {
  beforeAll(async () => {
    harness = await startHarness(60);
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(20_000);
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('reorders and hides columns and changes the page size, and finds them again after a reload', async () => {
    await openCustomers();
    const before = await headers();
    expect(before.indexOf('姓名')).toBeGreaterThan(-1);
    await page.getByTestId('list-columns').click();
    let saved = settingsSaved();
    await page.getByTestId('column-down-name').click();
    expect((await saved).status()).toBe(200);
    saved = settingsSaved();
    await page.getByTestId('column-settings').getByRole('checkbox', { name: '城市' }).click();
    expect((await saved).status()).toBe(200);
    await page.keyboard.press('Escape');
    const after = await headers();
    expect(after.indexOf('姓名')).toBe(before.indexOf('姓名') + 1);
    expect(after).not.toContain('城市');

    saved = settingsSaved();
    await page.locator('.ant-pagination-options .ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '50' }).click();
    expect((await saved).status()).toBe(200);

    await page.reload();
    await page.getByTestId('list-table').waitFor();
    await expect.poll(headers).toEqual(after);
    await expect.poll(() => rows().count()).toBe(Math.min(50, await total()));
    await shot(page, 'list-settings-columns');
  });

  it('saves the current filters as a view shared with a role, and applies it after a reset', async () => {
    const all = await total();
    await page.getByTestId('list-expand').click();
    await page.getByTestId('filter-category').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '个人' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('list-search').click();
    await expect.poll(async () => (await page.locator('[data-testid=list-table] tbody').innerText()).includes('企业')).toBe(false);
    const individuals = await total();
    expect(individuals).toBeLessThanOrEqual(all);

    await page.getByTestId('saved-views').click();
    await page.getByTestId('saved-view-save').click();
    await page.getByTestId('saved-view-name').fill('个人客户');
    await page.getByTestId('saved-view-share').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('saved-view-share').innerText()).toContain('系统管理员');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/me/lists/customer/views') && response.request().method() === 'POST');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await created).status()).toBe(201);
    await expect.poll(() => page.getByTestId('saved-views').innerText()).toContain('个人客户');

    await page.getByTestId('list-reset').click();
    await expect.poll(total).toBe(all);
    await expect.poll(() => page.getByTestId('filter-category').innerText()).not.toContain('个人');
    await page.getByTestId('saved-views').click();
    await shot(page, 'list-saved-views-menu');
    await page.getByTestId('saved-view').filter({ hasText: '个人客户' }).click();
    await expect.poll(total).toBe(individuals);
    await expect.poll(() => page.getByTestId('filter-category').innerText()).toContain('个人');
  });

  it('opens the list with the default filters the user chose', async () => {
    const individuals = await total();
    const saved = settingsSaved();
    await page.getByTestId('saved-views').click();
    await page.getByTestId('saved-view-default').click();
    expect((await saved).status()).toBe(200);
    await page.reload();
    await page.getByTestId('list-table').waitFor();
    await expect.poll(total).toBe(individuals);
    await expect.poll(() => page.getByTestId('filter-category').innerText()).toContain('个人');
    await shot(page, 'list-default-filters');
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;

describe('an administrator backs up and restores from the 数据备份 page', () => {
  beforeAll(async () => {
    harness = await startHarness(5);
    page = await harness.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('takes a backup, is refused with a wrong password, restores with the right one and is signed out', async () => {
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor();
    await page.goto(`${harness.baseUrl}/admin/backups`);
    await page.getByTestId('backup-policy').waitFor();
    await page.getByTestId('backup-take').click();
    const row = page.getByTestId('backup-table').locator('tbody tr').filter({ hasText: '成功' });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    await expect.poll(async () => page.getByTestId('backup-download').first().getAttribute('href')).toMatch(/^\/api\/backups\/BAK-[\w-]+\/download$/);
    await shot(page, 'backup-list');

    await page.getByTestId('backup-restore').first().click();
    await page.getByTestId('backup-password').fill('Wrong-Password-123');
    await page.getByRole('button', { name: '恢 复' }).or(page.getByRole('button', { name: '恢复' })).last().click();
    await page.getByText('当前密码不正确').waitFor();
    await shot(page, 'backup-restore-dialog');

    await page.getByTestId('backup-password').fill(adminPassword);
    await page.getByRole('button', { name: '恢 复' }).or(page.getByRole('button', { name: '恢复' })).last().click();
    await page.locator('.ant-modal-confirm-title', { hasText: '恢复完成' }).waitFor();
    await shot(page, 'backup-restored');
    await page.locator('.ant-modal-confirm-btns button').click();
    await page.getByTestId('login-name').waitFor();
  });
});

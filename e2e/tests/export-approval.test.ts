import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '@insure/server/src/domains/account/credentials.ts';
import { hashPassword } from '@insure/server/src/platform/auth/password.ts';
import { type Harness, shot, signIn, startHarness } from '../harness.ts';

const password = 'Export-Journey-Pass-31';
let harness: Harness;
let seller: Page;
let manager: Page;

/** Gives a demo account a known password (demo accounts have none) and returns its login name. */
async function withPassword(loginName: string) {
  const { db, dialect } = harness.app.services.database;
  const account = await db.selectFrom('accounts').select(['id', 'org_id', 'salesperson_id']).where('login_name', '=', loginName).executeTakeFirstOrThrow();
  await setPassword(db, dialect, Number(account.id), await hashPassword(password), false, new Date());
  return account;
}

describe('an export above the row limit goes through a manager', () => {
  beforeAll(async () => {
    harness = await startHarness(30, 'none', { EXPORT_APPROVAL_ROWS: '2' });
    const sales = await withPassword('sales1');
    const { db } = harness.app.services.database;
    // sales1 works in a team; its branch's manager approves.
    const team = await db.selectFrom('organisations').select('parent_id').where('id', '=', Number(sales.org_id)).executeTakeFirstOrThrow();
    const branch = await db.selectFrom('organisations').select('org_code').where('id', '=', Number(team.parent_id)).executeTakeFirstOrThrow();
    await withPassword(`${String(branch.org_code).toLowerCase()}_manager`);
    // Five customers of the salesperson's own, so their export is above the limit of two.
    const someIds = (await db.selectFrom('customers').select('id').where('deleted_at', 'is', null).limit(5).execute()).map((row) => Number(row.id));
    await db.updateTable('customers').set({ owner_id: Number(sales.salesperson_id), org_id: Number(sales.org_id) }).where('id', 'in', someIds).execute();
    seller = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    manager = await (await harness.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
    await signIn(seller, harness.baseUrl, 'sales1', password);
    await seller.getByTestId('workbench-greeting').waitFor();
    await signIn(manager, harness.baseUrl, `${String(branch.org_code).toLowerCase()}_manager`, password);
    await manager.getByTestId('workbench-greeting').waitFor();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('asks the salesperson for a purpose instead of downloading', async () => {
    await seller.goto(`${harness.baseUrl}/m/customers`);
    await seller.getByTestId('list-table').waitFor();
    await seller.getByTestId('list-export').click();
    await seller.getByTestId('export-xlsx').click();
    await expect.poll(() => seller.getByTestId('export-request-intro').innerText()).toContain('超过了 2 条');
    await seller.getByTestId('export-request-submit').click();
    await seller.getByText('请说明导出用途').first().waitFor();
    await seller.getByTestId('export-request-reason').fill('本月续保回访名单');
    await shot(seller, 'export-request-dialog');
    const sent = seller.waitForResponse((response) => response.url().endsWith('/api/export-requests') && response.request().method() === 'POST');
    await seller.getByTestId('export-request-submit').click();
    expect((await sent).status()).toBe(201);
    await seller.getByTestId('export-request-sent').waitFor();
  });

  it('lets the branch manager approve it', async () => {
    await manager.goto(`${harness.baseUrl}/admin/export-requests`);
    const approve = manager.locator('[data-testid^=export-request-approve-]').first();
    await approve.waitFor();
    await shot(manager, 'export-requests-manager');
    await approve.click();
    await manager.locator('[data-testid^=export-request-status-]', { hasText: '已批准' }).first().waitFor();
  });

  it('lets the salesperson download it once', async () => {
    await seller.goto(`${harness.baseUrl}/admin/export-requests`);
    const button = seller.locator('[data-testid^=export-request-download-]').first();
    await button.waitFor();
    await shot(seller, 'export-requests-seller');
    const download = seller.waitForEvent('download');
    await button.click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^customers-.*\.xlsx$/);
    expect(await file.failure()).toBeNull();
    await seller.locator('[data-testid^=export-request-status-]', { hasText: '已下载' }).first().waitFor({ timeout: 20_000 });
  });
});

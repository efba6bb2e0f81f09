import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
let parentId = 0;
const pageErrors: string[] = [];

describe('customer profiles and segments in the browser', () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    const { services } = harness.app;
    // Setup, not the subject: a parent with a minor child in the household and a rule tag.
    parentId = await services.database.db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
      const ctx = systemContext(services, trx, Number(head.id));
      const customers = await trx.selectFrom('customers').select(['id', 'org_id']).where('deleted_at', 'is', null).orderBy('id').limit(2).execute();
      const [parent, child] = customers.map((row) => Number(row.id));
      await trx.updateTable('customers').set({ birth_date: '2019-05-01' }).where('id', '=', child!).execute();
      await createRecord(ctx, getEntity('customerRelation'), { customerId: parent, relatedId: child, relation: 'child' });
      await createRecord(ctx, getEntity('product'), { name: '百万医疗E2E', insuranceType: 'health', insurer: '测试保险公司', minAge: 0, maxAge: 80, basePremium: 600, status: 'onSale' });
      await createRecord(ctx, getEntity('customerTag'), { name: '缺医疗保障', rule: JSON.stringify({ op: 'and', items: [{ field: 'profile.gaps', op: 'contains', value: 'no_medical' }] }) });
      return parent!;
    });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the customer 360 shows the profile with the why of every value', async () => {
    await page.goto(`${harness.baseUrl}/customers/${parentId}`);
    await page.getByTestId('tab-profile').click();
    await page.getByTestId('customer-profile').waitFor();
    expect(await page.getByTestId('profile-lifeStage').innerText()).toContain('有未成年子女');
    expect(await page.getByTestId('profile-lifeStage').innerText()).toContain('家庭中有 1 名未成年子女');
    expect(await page.getByTestId('profile-gaps').innerText()).toContain('缺少医疗保障');
    expect(await page.getByTestId('profile-tags').innerText()).toContain('缺医疗保障');
    // no untranslated rule keys
    expect(await page.getByTestId('customer-profile').innerText()).not.toContain('profile.');
    await shot(page, 'customer-profile');
    // next-best-product: the medical product is suggested for the medical gap; skipping needs a reason
    const suggestion = page.getByTestId('profile-suggestions');
    expect(await suggestion.innerText()).toContain('百万医疗E2E');
    await suggestion.locator('[data-testid^="suggestion-skip-"]').first().click();
    await page.getByTestId('suggestion-skip-reason').fill('客户暂无预算');
    await page.getByTestId('suggestion-skip-confirm').click();
    await expect.poll(async () => page.getByTestId('suggestion-rate').innerText()).toContain('0/1');
  });

  it('the segment builder counts live and previews the members', async () => {
    await page.goto(`${harness.baseUrl}/segments/builder`);
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('segment-add-condition').click();
    await page.getByTestId('segment-field').click();
    await page.keyboard.type('人生阶段');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '画像·人生阶段' }).first().click();
    await page.getByTestId('segment-value').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '有未成年子女' }).first().click();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await page.getByTestId('segment-count').innerText()).replace(/\s/g, ''), { timeout: 15_000 }).toContain('1');
    expect(await page.getByTestId('segment-preview').innerText()).toContain('有未成年子女');
    await page.getByTestId('segment-name').fill('有孩家庭');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => page.url()).toContain('id=');
    await shot(page, 'segment-builder');
    expect(pageErrors).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, choose, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
let parentId = 0;
let channelCustomers: number[] = [];
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
      // A searchable custom select with a value on the first four owned customers (the segment with a custom condition).
      await createRecord(ctx, getEntity('customFieldDefinition'), { entityName: 'customer', key: 'channel', labelZh: '偏好渠道', labelEn: 'Preferred channel', kind: 'select', options: '微信\n电话' });
      const owned = await trx.selectFrom('customers').select('id').where('deleted_at', 'is', null).where('owner_id', 'is not', null).orderBy('id').limit(4).execute();
      channelCustomers = owned.map((row) => Number(row.id));
      await trx.updateTable('customers').set({ custom: JSON.stringify({ channel: '微信' }) }).where('id', 'in', channelCustomers).execute();
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
    await choose(page, 'segment-field', '画像·人生阶段');
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

  it('a segment on a custom field creates opportunities after showing the count', async () => {
    await page.goto(`${harness.baseUrl}/segments/builder`);
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('segment-add-condition').click();
    await page.getByTestId('segment-field').click();
    await page.keyboard.type('偏好渠道');
    // custom fields have their own group in the picker
    expect(await page.locator('.ant-select-dropdown:visible').innerText()).toContain('自定义字段');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '偏好渠道' }).first().click();
    await page.getByTestId('segment-value').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '微信' }).first().click();
    await expect.poll(async () => (await page.getByTestId('segment-count').innerText()).replace(/\s/g, ''), { timeout: 15_000 }).toContain(String(channelCustomers.length));
    await page.getByTestId('segment-name').fill('偏好微信');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => page.url()).toContain('id=');
    await shot(page, 'segment-builder-custom-field');

    await page.getByTestId('segment-opportunities').click();
    await choose(page, 'segment-opportunities-product', '百万医疗E2E');
    await page.getByTestId('segment-opportunities-count').click();
    await expect.poll(async () => page.getByTestId('segment-opportunities-counted').innerText()).toContain(`将创建 ${channelCustomers.length} 条`);
    await shot(page, 'segment-opportunities-count');
    await page.getByTestId('segment-opportunities-create').click();
    await expect.poll(async () => page.getByTestId('segment-opportunities-done').innerText()).toContain(`已创建 ${channelCustomers.length} 条`);
    await shot(page, 'segment-opportunities-done');
    const rows = await harness.app.services.database.db
      .selectFrom('opportunities')
      .innerJoin('products', 'products.id', 'opportunities.product_id')
      .select(['opportunities.customer_id'])
      .where('products.name', '=', '百万医疗E2E')
      .where('opportunities.deleted_at', 'is', null)
      .orderBy('opportunities.customer_id')
      .execute();
    expect(rows.map((row) => Number(row.customer_id))).toEqual(channelCustomers);
    // counting again: everyone already has an open opportunity for the product
    await page.getByTestId('segment-opportunities-count').click();
    await expect.poll(async () => page.getByTestId('segment-opportunities-counted').innerText()).toContain(`跳过 ${channelCustomers.length} 名`);
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  });

  it('the profile settings page names a bad field and recomputes the profiles after saving', async () => {
    await page.goto(`${harness.baseUrl}/profiles/settings`);
    await page.getByTestId('profile-settings').waitFor();
    await page.getByTestId('menu-profile-settings').waitFor();
    const highFrom = page.getByTestId('settings-risk-highFrom');
    await highFrom.fill('20');
    await page.getByTestId('settings-save').click();
    await expect.poll(async () => page.getByTestId('settings-risk').innerText()).toContain('须大于前一项');
    await shot(page, 'profile-settings-error');
    await highFrom.fill('70');
    await highFrom.press('Tab');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-message', { hasText: '设置已保存' }).waitFor();
    await expect.poll(async () => page.getByTestId('settings-rebuild-status').innerText(), { timeout: 30_000 }).toContain('已完成');
    await shot(page, 'profile-settings');
    expect(await page.getByTestId('settings-risk').innerText()).not.toContain('须大于前一项');
    const saved = await harness.app.services.database.db.selectFrom('profile_settings').select('value').where('key', '=', 'rules').executeTakeFirstOrThrow();
    expect(JSON.parse(String(saved.value)).risk.highFrom).toBe(70);
    expect(pageErrors).toEqual([]);
  });
});

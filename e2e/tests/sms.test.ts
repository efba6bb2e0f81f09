import type { Page, Response } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { dispatchDue } from '@insure/server/src/domains/notification/dispatch.ts';
import { LogProvider } from '@insure/server/src/domains/notification/providers.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, choose, type Harness, posted, quietShot, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const policyNo = 'PTSMSE2E0001';
const productName = '短信测试医疗险';
let customers: { id: number; name: string }[] = [];

describe('SMS notifications in the browser', () => {
  beforeAll(async () => {
    // No quiet hours: the journey sends at whatever hour the machine runs it.
    harness = await startHarness(12, 'none', { SMS_QUIET_START_HOUR: '0', SMS_QUIET_END_HOUR: '0' });
    const { services } = harness.app;
    const { db } = services.database;
    customers = (await db.selectFrom('customers').select(['id', 'name']).where('status', '=', 'normal').where('deleted_at', 'is', null).orderBy('id').limit(3).execute()).map((row) => ({ id: Number(row.id), name: String(row.name) }));
    // Setup, not the subject: a product and a policy of the first customer, and the third customer opted out.
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      const productId = await createRecord(ctx, getEntity('product'), { name: productName, insuranceType: 'health', insurer: '本公司', sumInsuredMin: 10_000, sumInsuredMax: 2_000_000, minAge: 0, maxAge: 120, basePremium: 800, status: 'onSale' });
      const customer = await trx.selectFrom('customers').select('org_id').where('id', '=', customers[0]!.id).executeTakeFirstOrThrow();
      await createRecord(ctx, getEntity('policy'), {
        policyNo,
        productId,
        applicantId: customers[0]!.id,
        insuranceType: 'health',
        startDate: '2026-01-01',
        endDate: '2026-12-31',
        premium: 3_600,
        sumInsured: 100_000,
        paymentFrequency: 'annual',
        nextDueDate: '2027-01-01',
        orgId: Number(customer.org_id),
      });
      const optedOut = services.database.dialect === 'postgres' ? true : 1;
      await trx.insertInto('sms_opt_outs').values({ customer_id: customers[2]!.id, opted_out: optedOut as boolean, source: 'customerRequest', note: '电话要求退订', actor_id: null, at: new Date().toISOString() }).execute();
    });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('writes a template with variables and previews it with a real policy', async () => {
    await page.goto(`${harness.baseUrl}/m/sms-templates`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-add').click();
    await page.getByTestId('field-name').fill('到期关怀');
    await choose(page, 'field-kind', '保险到期提醒');
    await page.getByTestId('field-contentZh').fill('{customerName}您好，您的保单{policyNo}（{productName}）将于{date}到期，保费{amount}元。');
    await page.getByTestId('field-providerTemplateId').fill('SMS_100001');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/sms-templates') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    expect((await created).status()).toBe(201);

    await page.goto(`${harness.baseUrl}/sms`);
    await page.getByTestId('sms-tab-preview').click();
    await choose(page, 'sms-preview-template', '到期关怀');
    await choose(page, 'sms-preview-policy', policyNo);
    const previewed = page.waitForResponse(posted('/preview'));
    await page.getByTestId('sms-preview-run').click();
    expect((await previewed).status()).toBe(200);
    const result = page.getByTestId('sms-preview-result');
    await result.waitFor();
    const text = await result.innerText();
    // {date} is the policy's end date, as the expiry reminder would send it.
    expect(text).toContain(`${customers[0]!.name}您好，您的保单${policyNo}（${productName}）将于2026-12-31到期`);
    expect(text).toContain('保费3600.00元');
    expect(text).toContain('SMS_100001');
    expect(text).not.toContain('{');
    await quietShot(page, 'sms-template-preview');
  });

  it('a manual send previews its recipients and cost, leaves the opted-out customer out, and queues the rest', async () => {
    await page.goto(`${harness.baseUrl}/m/sms-templates`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-add').click();
    await page.getByTestId('field-name').fill('感谢来访');
    await choose(page, 'field-kind', '人工群发');
    await page.getByTestId('field-contentZh').fill('{customerName}，感谢您今天来访，祝您生活愉快！');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/sms-templates') && response.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    expect((await created).status()).toBe(201);

    await page.goto(`${harness.baseUrl}/sms`);
    await page.getByTestId('sms-tab-manual').click();
    await choose(page, 'sms-manual-template', '感谢来访');
    for (const customer of customers) await choose(page, 'sms-manual-customers', customer.name, true);
    const previewed = page.waitForResponse(posted('/api/sms/manual/preview'));
    await page.getByTestId('sms-manual-preview').click();
    const preview = (await (await previewed).json()) as { recipientCount: number; costCents: number; excluded: { customerId: number; reason: string }[] };
    expect(preview.recipientCount).toBe(2);
    expect(preview.costCents).toBe(10);
    expect(preview.excluded).toEqual([{ customerId: customers[2]!.id, name: customers[2]!.name, reason: 'opted_out' }]);
    const audience = page.getByTestId('sms-manual-audience');
    await audience.waitFor();
    const shown = await audience.innerText();
    expect(shown).toContain('2');
    expect(shown).toContain('0.10');
    expect(shown).toContain(`${customers[0]!.name}，感谢您今天来访`);
    expect(shown).toContain(customers[2]!.name);
    await quietShot(page, 'sms-manual-preview');

    const sent = page.waitForResponse(posted('/api/sms/manual/send'));
    await page.getByTestId('sms-manual-send').click();
    const answer = await sent;
    expect(answer.status()).toBe(201);
    expect(await answer.json()).toMatchObject({ queued: 2, costCents: 10 });
  });

  it('the log provider sends them and the outbox lists each with its gateway and status', async () => {
    const provider = new LogProvider();
    const result = await dispatchDue(harness.app.services, provider, 100);
    expect(result).toMatchObject({ sent: 2, deferred: 0, failed: 0 });
    expect(provider.sent.map((message) => message.content).sort()).toEqual(customers.slice(0, 2).map((customer) => `${customer.name}，感谢您今天来访，祝您生活愉快！`).sort());
    await page.goto(`${harness.baseUrl}/m/sms-messages`);
    await page.getByTestId('list-table').waitFor();
    const table = page.getByTestId('list-table');
    for (const customer of customers.slice(0, 2)) await expect.poll(() => table.innerText()).toContain(customer.name);
    const body = await table.innerText();
    expect(body).not.toContain(customers[2]!.name);
    expect(body).toContain('已送达');
    expect(body).toContain('log');
    expect(body).toContain('人工群发');
    // Sent messages are no longer editable: no edit button on their rows.
    expect(await table.getByTestId('row-edit').count()).toBe(0);
    await quietShot(page, 'sms-outbox');

    // The reminder rules, licence expiry (to the salesperson) among them: on, 30 days before.
    await page.goto(`${harness.baseUrl}/sms`);
    await page.getByTestId('sms-tab-rules').click();
    const licence = page.getByTestId('sms-rule-licenceExpiry');
    await licence.waitFor();
    expect(await page.getByTestId('sms-rule-switch-licenceExpiry').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('sms-rule-switch-licenceExpiry').isDisabled()).toBe(false);
    expect(await licence.innerText()).toContain('资格证到期提醒');
    await quietShot(page, 'sms-rules');

    await page.getByTestId('sms-tab-stats').click();
    await page.waitForLoadState('networkidle');
    await quietShot(page, 'sms-stats');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

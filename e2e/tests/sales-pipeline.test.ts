import type { Page, Response } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const ids = { won: 0, lost: 0, lead: 0, customer: 0, product: 0 };
let customerName = '';
let wonCode = '';

const isMove = (id: number) => (response: Response) => response.url().endsWith(`/api/opportunities/${id}/move`) && response.request().method() === 'POST';

describe('the opportunity kanban', () => {
  beforeAll(async () => {
    harness = await startHarness(20);
    const { services } = harness.app;
    const customer = await services.database.db.selectFrom('customers').select(['id', 'name', 'org_id']).where('deleted_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    customerName = String(customer.name);
    ids.customer = Number(customer.id);
    // setup records, not what this test is about
    await services.database.db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      ids.product = await createRecord(ctx, getEntity('product'), { name: '看板测试医疗险', insuranceType: 'health', insurer: '本公司', sumInsuredMin: 10_000, sumInsuredMax: 2_000_000, minAge: 0, maxAge: 120, basePremium: 800, status: 'onSale' });
      const base = { customerId: ids.customer, productId: ids.product, orgId: Number(customer.org_id), source: 'referral', expectedCloseDate: '2099-01-31' };
      ids.won = await createRecord(ctx, getEntity('opportunity'), { ...base, title: '看板赢单机会', stage: 'negotiation', expectedAmount: 4200 });
      ids.lost = await createRecord(ctx, getEntity('opportunity'), { ...base, title: '看板输单机会', stage: 'proposal', expectedAmount: 1300 });
      ids.lead = await createRecord(ctx, getEntity('opportunity'), { ...base, title: '表格推进机会', expectedAmount: 900 });
    });
    wonCode = String((await services.database.db.selectFrom('opportunities').select('code').where('id', '=', ids.won).executeTakeFirstOrThrow()).code);
    page = await harness.browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function openBoard() {
    await page.goto(`${harness.baseUrl}/m/opportunities`);
    await page.getByTestId('list-view').getByText('看板').click();
    await page.getByTestId('kanban').waitFor();
  }

  it('the table view moves a stage with its row action', async () => {
    await page.goto(`${harness.baseUrl}/m/opportunities`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId(`row-move-${ids.lead}`).click();
    const answered = page.waitForResponse(isMove(ids.lead));
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '已联系' }).click();
    const response = await answered;
    expect(response.status(), await response.text()).toBe(200);
    expect(((await response.json()) as { opportunity: { stage: string; probability: number } }).opportunity).toMatchObject({ stage: 'contacted', probability: 20 });
  });

  it('a lost move from the keyboard-friendly select asks for the reason', async () => {
    await openBoard();
    const card = page.getByTestId(`kanban-card-${ids.lost}`);
    await page.getByTestId('kanban-column-proposal').getByTestId(`kanban-card-${ids.lost}`).waitFor();
    await card.getByTestId(`kanban-move-${ids.lost}`).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '输单' }).click();
    await page.getByTestId('lost-form').waitFor();
    await page.getByTestId('lost-confirm').click();
    await expect.poll(() => page.getByTestId('lost-form').innerText()).toContain('请填写输单原因');
    await page.getByTestId('lost-reason').fill('客户预算不足');
    const answered = page.waitForResponse(isMove(ids.lost));
    await page.getByTestId('lost-confirm').click();
    const response = await answered;
    expect(response.status(), await response.text()).toBe(200);
    expect(((await response.json()) as { opportunity: { stage: string; lostReason: string } }).opportunity).toMatchObject({ stage: 'lost', lostReason: '客户预算不足' });
    await page.getByTestId('kanban-column-lost').getByTestId(`kanban-card-${ids.lost}`).waitFor();
  });

  it('dragging to won opens the signing form prefilled from the opportunity', async () => {
    await openBoard();
    const card = page.getByTestId('kanban-column-negotiation').getByTestId(`kanban-card-${ids.won}`);
    await card.waitFor();
    await expect.poll(() => page.getByTestId('kanban-amount-negotiation').innerText()).toContain('4,200.00');
    await shot(page, 'opportunity-kanban');
    const answered = page.waitForResponse(isMove(ids.won));
    await card.dragTo(page.getByTestId('kanban-column-won'));
    const response = await answered;
    expect(response.status(), await response.text()).toBe(200);
    const body = (await response.json()) as { signingPrefill: Record<string, unknown> };
    expect(body.signingPrefill).toMatchObject({ customerId: ids.customer, productId: ids.product, amount: 4200 });

    await page.waitForURL(/\/m\/signings/);
    const form = page.getByTestId('entity-form');
    await form.waitFor();
    await expect.poll(() => page.getByTestId('field-amount').inputValue()).toMatch(/4,?200/);
    await expect.poll(() => form.innerText()).toContain(customerName);
    await expect.poll(() => form.innerText()).toContain('看板测试医疗险');
    await expect.poll(() => page.getByTestId('field-remarks').inputValue()).toContain(wonCode);
    await shot(page, 'signing-prefilled-from-opportunity');

    // the salesperson completes what the opportunity did not know and saves the draft
    await page.getByTestId('field-signingNo').fill('SGKANBAN0001');
    await page.getByTestId('field-sumInsured').fill('200000');
    const created = page.waitForResponse((answer) => answer.url().endsWith('/api/signings') && answer.request().method() === 'POST');
    await page.getByTestId('form-submit').click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBe(201);
    expect(await createdResponse.json()).toMatchObject({ status: 'draft', customerId: ids.customer, productId: ids.product, amount: 4200 });
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });

  it('the funnel, pool and competitor pages show their figures', async () => {
    await page.goto(`${harness.baseUrl}/sales/pipeline-statistics`);
    await page.getByTestId('funnel-table').waitFor();
    // this year's opportunities include the two the kanban tests closed: the funnel reaches won
    await expect.poll(() => page.getByTestId('funnel-table').innerText()).toMatch(/赢单\s+[1-9]/);
    await shot(page, 'pipeline-statistics');
    await page.goto(`${harness.baseUrl}/customer-pool`);
    await page.getByTestId('pool-table').waitFor();
    await page.goto(`${harness.baseUrl}/sales/competitor-report`);
    await page.getByTestId('competitor-report').waitFor();
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

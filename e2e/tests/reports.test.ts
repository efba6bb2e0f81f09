import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const year = new Date().getUTCFullYear();

describe('report dashboards and customer analysis', () => {
  beforeAll(async () => {
    harness = await startHarness(60);
    const { services } = harness.app;
    const { db } = services.database;
    const customers = await db.selectFrom('customers').select(['id', 'org_id', 'owner_id']).where('deleted_at', 'is', null).orderBy('id').limit(24).execute();
    // Setup, not what the test is about: policies of two types spread over the year.
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      const products = [
        { id: await createRecord(ctx, getEntity('product'), { name: '端到端报表医疗险', insuranceType: 'health', insurer: '本公司', sumInsuredMin: 1_000, sumInsuredMax: 2_000_000, basePremium: 100, status: 'onSale' }), type: 'health' },
        { id: await createRecord(ctx, getEntity('product'), { name: '端到端报表寿险', insuranceType: 'life', insurer: '本公司', sumInsuredMin: 1_000, sumInsuredMax: 2_000_000, basePremium: 100, status: 'onSale' }), type: 'life' },
      ];
      const head = await trx.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
      await createRecord(ctx, getEntity('reportDefinition'), { name: '端到端理赔按险种', reportType: 'claims', dimension: 'productType', periodFrom: `${year}-01-01`, periodTo: `${year}-12-31`, orgId: Number(head.id) });
      for (const [index, customer] of customers.entries()) {
        const product = products[index % 2]!;
        await createRecord(ctx, getEntity('policy'), {
          policyNo: `PE2EREP${String(index).padStart(4, '0')}`,
          applicantId: Number(customer.id),
          productId: product.id,
          insuranceType: product.type,
          startDate: `${year}-${String((index % 12) + 1).padStart(2, '0')}-05`,
          premium: 1_000 + index * 250,
          sumInsured: 100_000 + index * 10_000,
          salespersonId: customer.owner_id == null ? null : Number(customer.owner_id),
          orgId: Number(customer.org_id),
        });
      }
    });
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`console: ${message.text()}\n`);
    });
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const tableRows = () => page.locator('[data-testid=report-table] tbody tr.ant-table-row');

  it('shows the sales report by product type with chart, trend and table', async () => {
    await page.goto(`${harness.baseUrl}/reports?type=sales&dimension=productType&from=${year}-01-01&to=${year}-12-31`);
    await page.getByTestId('reports-page').waitFor();
    await expect.poll(() => tableRows().count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(await tableRows().first().innerText()).toMatch(/健康险|寿险/);
    await page.locator('[data-testid=report-chart] canvas').waitFor();
    await page.locator('[data-testid=report-trend] canvas').waitFor();
    await page.waitForTimeout(800); // chart animation
    await shot(page, 'report-sales-by-product-type');
  });

  it('shows the policy status report by month and exports it', async () => {
    await page.goto(`${harness.baseUrl}/reports?type=policyStatus&dimension=period&granularity=quarter&from=${year}-01-01&to=${year}-12-31`);
    await expect.poll(() => tableRows().count(), { timeout: 30_000 }).toBe(4);
    const download = page.waitForEvent('download');
    await page.getByTestId('report-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^report-policyStatus-period-.*\.xlsx$/);
    // the downloaded workbook has the header row and a row per quarter (and the totals)
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await file.path())!);
    expect(workbook.worksheets[0]!.actualRowCount).toBeGreaterThanOrEqual(5);
    await page.waitForTimeout(800);
    await shot(page, 'report-policy-status-by-quarter');
  });

  it('shows the customers by region on the China map and drills down to the customer list', async () => {
    await page.goto(`${harness.baseUrl}/customer-analysis?dimension=region`);
    await page.getByTestId('analysis-page').waitFor();
    const rows = page.locator('[data-testid=analysis-table] tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await page.locator('[data-testid=analysis-chart] canvas').waitFor();
    await page.waitForTimeout(1_500);
    await shot(page, 'analysis-region-map');
    const province = (await rows.first().locator('td').first().innerText()).trim();
    const count = Number((await rows.first().locator('td').nth(1).innerText()).trim());
    await rows.first().getByRole('button').click();
    await page.waitForURL(/\/m\/customers/);
    await page.getByTestId('list-query-form').waitFor();
    const listRows = page.locator('tbody tr.ant-table-row');
    await expect.poll(() => listRows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const cells = await listRows.allInnerTexts();
    // Every listed customer is from the province clicked, and as many as the analysis counted.
    expect(cells.every((text) => text.includes(province))).toBe(true);
    expect(cells.length).toBe(count);
    await shot(page, 'analysis-drill-customers');
    await page.goto(`${harness.baseUrl}/customer-analysis?dimension=age`);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(8);
    await page.waitForTimeout(800);
    await shot(page, 'analysis-age');
    // value tiers from the computed profiles: every demo customer counted once
    await page.goto(`${harness.baseUrl}/customer-analysis?dimension=value`);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    const counts = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[1]?.textContent ?? 0))));
    const total = Number((await page.locator('[data-testid=analysis-page]').innerText()).match(/共\s*([\d,]+)\s*位客户/)?.[1]?.replace(/,/g, '') ?? -1);
    expect(counts.reduce((sum, value) => sum + value, 0)).toBe(total);
    await page.waitForTimeout(800);
    await shot(page, 'analysis-value-tiers');
  });

  it('opens a saved report definition on the dashboard with its parameters', async () => {
    await page.goto(`${harness.baseUrl}/m/report-definitions`);
    await page.getByTestId('open-report').first().click();
    await page.waitForURL(/\/reports\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ type: 'claims', dimension: 'productType', from: `${year}-01-01`, to: `${year}-12-31` });
    await page.getByTestId('report-table').waitFor();
    expect(await page.getByTestId('report-type').innerText()).toContain('理赔情况统计');
  });

  it('shows the workbench panels', async () => {
    await page.goto(`${harness.baseUrl}/`);
    await page.getByTestId('workbench-plan').waitFor();
    await page.getByTestId('workbench-recent').waitFor();
    await shot(page, 'workbench');
    expect(pageErrors).toEqual([]);
  });
});

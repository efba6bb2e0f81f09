import type { Page } from 'playwright-core';
import { entities } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];

describe('every module has a working list page', () => {
  beforeAll(async () => {
    harness = await startHarness(40);
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${response.url()} ${response.request().postData() ?? ''}`);
    });
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each(entities.map((entity) => [entity.plural]))('%s renders its table without errors', async (plural) => {
    pageErrors.length = 0;
    await page.goto(`${harness.baseUrl}/m/${plural}`);
    await page.getByTestId('list-table').waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    await shot(page, `module-${plural}`);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

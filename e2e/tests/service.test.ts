import type { Page, Response } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { createSurvey, issueLink } from '@insure/server/src/domains/service/survey.service.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { adminPassword, choose, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
const pageErrors: string[] = [];
let customerId = 0;
let headId = 0;

const questions = [
  { key: 'overall', type: 'rating', label: '您对本次服务的总体满意度' },
  { key: 'recommend', type: 'nps', label: '您向亲友推荐我们的可能性（0-10）' },
  { key: 'channel', type: 'choice', label: '您更希望的联系方式', options: ['电话', '微信', '短信'] },
  { key: 'comment', type: 'text', label: '其他意见' },
];

describe('service processes in the browser', () => {
  beforeAll(async () => {
    harness = await startHarness(10);
    const { db } = harness.app.services.database;
    customerId = Number((await db.selectFrom('customers').select('id').where('deleted_at', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id);
    headId = Number((await db.selectFrom('organisations').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow()).id);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('a customer answers a survey through its one-time link on a 375 px phone, once', async () => {
    const { services } = harness.app;
    // Setup, not the subject: a template and a sent survey with its link.
    const token = await services.database.db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx, headId);
      const templateId = await createRecord(ctx, getEntity('surveyTemplate'), { name: '理赔服务回访', trigger: 'manual', questions: JSON.stringify(questions), orgId: headId, status: 'active' });
      const surveyId = await createSurvey(ctx, { templateId, customerId, trigger: 'manual' });
      return (await issueLink(ctx, surveyId)).token;
    });
    const phone = await harness.browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await phone.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${harness.baseUrl}/s/${token}`);
    await page.getByTestId('survey-title').waitFor();
    expect(await page.getByTestId('survey-title').innerText()).toBe('理赔服务回访');
    // Fits the phone: nothing wider than the viewport, and no sign-in or menu.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.getByTestId('login-name').count()).toBe(0);
    await shot(page, 'survey-phone-empty');

    // Submitting with nothing answered names the missing answers and sends nothing.
    await page.getByTestId('survey-submit').click();
    await expect.poll(() => page.locator('.ant-form-item-explain-error').count()).toBeGreaterThanOrEqual(3);

    await page.getByTestId('question-overall').locator('li').nth(3).click();
    await page.locator('label', { has: page.getByTestId('nps-recommend-9') }).click();
    await page.getByText('微信', { exact: true }).click();
    await page.getByTestId('question-comment').fill('理赔很快，谢谢');
    const answered = page.waitForResponse((response: Response) => response.url().includes('/api/public/surveys/') && response.request().method() === 'POST');
    await page.getByTestId('survey-submit').click();
    expect((await answered).status()).toBe(200);
    await page.getByTestId('survey-thanks').waitFor();
    await shot(page, 'survey-phone-thanks');

    const stored = await services.database.db.selectFrom('surveys').select(['status', 'csat', 'nps', 'answers', 'answered_via']).where('customer_id', '=', customerId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'answered', answered_via: 'link' });
    expect(Number(stored.csat)).toBe(4);
    expect(Number(stored.nps)).toBe(9);
    expect(JSON.parse(String(stored.answers))).toEqual({ overall: 4, recommend: 9, channel: '微信', comment: '理赔很快，谢谢' });

    // The same link again: not available, and it shows nothing of the survey.
    await page.goto(`${harness.baseUrl}/s/${token}`);
    await page.getByTestId('survey-unavailable').waitFor();
    expect(await page.getByTestId('survey-form').count()).toBe(0);
    await phone.close();
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });

  it('a ticket goes from new to closed through its workflow actions, with its timeline', async () => {
    const { services } = harness.app;
    const ticketId = await services.database.db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx, headId);
      await createRecord(ctx, getEntity('ticketSla'), { type: 'complaint', priority: 'high', responseHours: 2, resolutionHours: 24 });
      return createRecord(ctx, getEntity('feedback'), { subject: '端到端投诉工单', customerId, type: 'complaint', priority: 'high', content: '理赔进度慢', orgId: headId });
    });
    const code = String((await services.database.db.selectFrom('feedback').select('code').where('id', '=', ticketId).executeTakeFirstOrThrow()).code);
    const page: Page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 15_000 });
    await page.goto(`${harness.baseUrl}/m/feedback`);
    await page.getByTestId('list-table').waitFor();
    await page.getByTestId('list-keyword').fill(code);
    await page.getByTestId('list-search').click();
    const row = page.locator('[data-testid=list-table] tbody tr', { hasText: code });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByTestId('row-code').click();
    await page.getByTestId('workflow-actions').waitFor();

    const move = async (action: string, fill?: () => Promise<void>) => {
      await page.getByTestId('workflow-actions').getByTestId(`action-${action}`).click();
      const dialog = page.getByTestId('action-dialog');
      await dialog.waitFor();
      await fill?.();
      const answered = page.waitForResponse((response) => response.url().includes(`/actions/${action}`) && response.request().method() === 'POST');
      await dialog.getByTestId('action-submit').click();
      const response = await answered;
      expect(response.status(), `${action}: ${await response.text()}`).toBe(200);
      await dialog.waitFor({ state: 'detached' });
      return (await response.json()) as Record<string, unknown>;
    };
    const assigned = await move('assign', async () => {
      await choose(page, 'field-teamId', '总公司');
    });
    expect(assigned).toMatchObject({ status: 'assigned', teamId: headId });
    expect((await move('start')).status).toBe('inProgress');
    expect((await move('resolve', () => page.getByTestId('field-handlingResult').fill('已加急赔付并致电客户'))).status).toBe('resolved');
    const closed = await move('close', () => page.getByTestId('field-satisfaction').fill('5'));
    expect(closed).toMatchObject({ status: 'closed', satisfaction: 5 });
    await page.getByTestId('tab-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(5);
    await page.waitForLoadState('networkidle');
    await shot(page, 'ticket-closed-timeline');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

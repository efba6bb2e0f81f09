import type { Page } from 'playwright-core';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@insure/server/src/bootstrap.ts';
import { setPassword } from '@insure/server/src/domains/account/credentials.ts';
import { createRecord } from '@insure/server/src/entities/write.ts';
import { hashPassword } from '@insure/server/src/platform/auth/password.ts';
import { type Harness, shot, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
const pageErrors: string[] = [];
const salesPassword = 'Amber-Kettle-Route-42';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Signs in with the answer of the last captcha the page fetched (a loaded machine may fetch a second one). */
async function signIn(target: Page, loginName: string, password: string) {
  target.setDefaultTimeout(60_000);
  let answer = '';
  target.on('response', (response) => {
    if (response.url().includes('/api/auth/captcha')) answer = response.headers()['x-test-captcha-answer'] ?? answer;
  });
  await target.goto(`${harness.baseUrl}/login`);
  await target.waitForLoadState('networkidle');
  await expect.poll(() => answer, { timeout: 30_000 }).not.toBe('');
  await target.getByTestId('login-name').fill(loginName);
  await target.getByTestId('login-password').fill(password);
  await target.getByTestId('login-captcha').fill(answer);
  await target.getByTestId('login-submit').click();
  await target.getByTestId('workbench-greeting').waitFor();
}

describe("a salesperson's own training page", () => {
  beforeAll(async () => {
    harness = await startHarness(5);
    const { services } = harness.app;
    const { db } = services.database;
    const account = await db.selectFrom('accounts').select(['id', 'salesperson_id']).where('login_name', '=', 'sales1').executeTakeFirstOrThrow();
    const salespersonId = Number(account.salesperson_id);
    const person = await db.selectFrom('salespeople').select(['org_id']).where('id', '=', salespersonId).executeTakeFirstOrThrow();
    const orgId = Number(person.org_id);
    // Setup, not what the test is about: a course with two sessions, sales1 enrolled in both (one held and passed), and a licence running out.
    await db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      const courseId = await createRecord(ctx, getEntity('trainingCourse'), { name: '健康险核保实务', passMark: 60, durationHours: 6, orgId });
      const held = await createRecord(ctx, getEntity('trainingSession'), { courseId, name: '第一期', startsAt: `${day(-7)}T01:00:00.000Z`, endsAt: `${day(-7)}T04:00:00.000Z`, location: '总部 3 楼培训室', trainer: '王讲师', capacity: 30, orgId, status: 'held' });
      const next = await createRecord(ctx, getEntity('trainingSession'), { courseId, name: '第二期（进阶）', startsAt: `${day(7)}T06:00:00.000Z`, endsAt: `${day(7)}T09:00:00.000Z`, location: '线上会议', trainer: '李讲师', orgId });
      await createRecord(ctx, getEntity('trainingEnrolment'), { courseId, sessionId: held, salespersonId, attended: true, score: 85, feedbackRating: 5, feedback: '案例很实用', orgId });
      await createRecord(ctx, getEntity('trainingEnrolment'), { courseId, sessionId: next, salespersonId, orgId });
      await createRecord(ctx, getEntity('qualification'), { salespersonId, type: 'health', certificateNo: 'HLT-2024-001', issuedOn: day(-700), expiresOn: day(20), orgId });
      await setPassword(trx, services.database.dialect, Number(account.id), await hashPassword(salesPassword), false, ctx.now);
    });
    // Times on the page are the browser's local time: pinned to UTC so the expected text does not depend on the machine.
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'UTC' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('lists each session with time, place, trainer, attendance, score against the pass mark, result and rating, and the licence running out', async () => {
    await signIn(page, 'sales1', salesPassword);
    await page.goto(`${harness.baseUrl}/my-training`);
    await page.getByTestId('my-training-page').waitFor();
    const rows = page.getByTestId('my-training-page').locator('.ant-table-tbody tr.ant-table-row');
    const row = (text: string) => rows.filter({ hasText: text });
    await row('第一期').waitFor();
    // The held session: place, trainer, attended, score against the pass mark, completed, five stars.
    const held = await row('第一期').innerText();
    for (const expected of ['健康险核保实务', '总部 3 楼培训室', '王讲师', '已出勤', '85 / 60', '已完成']) expect(held).toContain(expected);
    expect(await row('第一期').locator('.ant-rate-star-full').count()).toBe(5);
    // The coming session: its time window, place and trainer; still only enrolled.
    const coming = await row('第二期（进阶）').innerText();
    for (const expected of [`${day(7).replaceAll('-', '/')} 06:00 – 09:00`, '线上会议', '李讲师', '已报名']) expect(coming).toContain(expected);
    const all = await page.getByTestId('my-training-page').innerText();
    expect(all).toContain('HLT-2024-001');
    expect(all).toContain('20 天');
    expect(all).not.toContain('myTraining.');
    await page.waitForLoadState('networkidle');
    await shot(page, 'my-training-sessions');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});

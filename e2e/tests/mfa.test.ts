import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

let harness: Harness;
let page: Page;
let secret: string;

const currentCode = () => generate({ secret, epoch: Math.floor(Date.now() / 1000) });

describe('an administrator sets up and uses two-factor sign-in', () => {
  beforeAll(async () => {
    harness = await startHarness(5, 'admin');
    page = await harness.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('is taken to the authenticator setup after the password, and reaches the workbench once it is on', async () => {
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('mfa-qr').waitFor();
    secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shot(page, 'mfa-setup');
    await page.getByTestId('mfa-enrol-code').fill(await currentCode());
    await page.getByTestId('mfa-enable').click();
    await page.getByTestId('mfa-recovery-codes').waitFor();
    await shot(page, 'mfa-recovery-codes');
    await page.getByTestId('mfa-done').click();
    await page.getByTestId('workbench-greeting').waitFor();
  });

  it('asks for the authenticator code at the next sign-in', async () => {
    await page.context().clearCookies();
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('login-mfa-code').waitFor();
    await shot(page, 'mfa-sign-in');
    // A code is good once: wait for the next 30-second step before using a fresh one.
    const used = await currentCode();
    await expect.poll(async () => (await currentCode()) !== used, { timeout: 35_000, interval: 1000 }).toBe(true);
    await page.getByTestId('login-mfa-code').fill(await currentCode());
    await page.getByTestId('login-mfa-submit').click();
    await page.getByTestId('workbench-greeting').waitFor();
  });
});

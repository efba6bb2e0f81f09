import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, createSalesperson, grantConsent, headOfficeId } from './factories.ts';
import { type Client, type TestApp, accountClient, buildTestApp, login, loginAdmin, rawRows, userPassword } from './test-app.ts';

// PIPL art. 29: revealing health or ID data needs the customer's active consent for that category.
let app: TestApp;
let admin: Client;
let sellerA: Client;
let sellerB: Client;
let customerId: number;
const clock = new ManualClock(new Date('2026-05-10T03:00:00.000Z'));

// Moving the clock by days ends sessions (idle timeout): sign in again after each jump.
const signInAgain = async () => {
  sellerA = await login(app, 'consent_a', userPassword);
  sellerB = await login(app, 'consent_b', userPassword);
};
const reveal = (client: Client, fields: string[]) => client.request('POST', `/api/customers/${customerId}/reveal`, { fields, reason: '核保核对' });
const reveals = async () => (await rawRows(app, `select id from audit_logs where module = 'customer' and action = 'reveal' and record_id = ${customerId}`)).length;

beforeAll(async () => {
  app = await buildTestApp({ clock });
  admin = await loginAdmin(app);
  const head = await headOfficeId(admin);
  const ownerA = (await createSalesperson(admin, { orgId: head })).id as number;
  const ownerB = (await createSalesperson(admin, { orgId: head })).id as number;
  sellerA = await accountClient(app, admin, { loginName: 'consent_a', orgId: head, roles: ['salesperson'], salespersonId: ownerA });
  sellerB = await accountClient(app, admin, { loginName: 'consent_b', orgId: head, roles: ['salesperson'], salespersonId: ownerB });
  customerId = (await createCustomer(admin, { orgId: head, ownerId: ownerA, healthStatus: '高血压' })).id as number;
});
afterAll(() => app.close());

describe('consent to sensitive personal information', () => {
  it('is required to reveal health and ID data, not other personal data; a refusal reveals and logs nothing', async () => {
    const refused = await reveal(sellerA, ['idNumber', 'healthStatus']);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONSENT_REQUIRED');
    expect(refused.body.params).toEqual({ categories: ['idNumber', 'health'] });
    expect(refused.text).not.toContain('高血压');
    expect(await reveals()).toBe(0);
    expect((await reveal(sellerA, ['phone'])).status).toBe(200);
  });

  it('covers only its own category, from its start date to its end date', async () => {
    const health = await grantConsent(sellerA, customerId, 'health', { grantedAt: '2026-05-01', expiresAt: '2026-05-31' });
    // The consent follows its customer: organisation and owner are copied, whatever the form says.
    expect(health).toMatchObject({ status: 'active', ownerId: expect.any(Number), orgId: expect.any(Number) });
    expect((await reveal(sellerA, ['healthStatus'])).body.values).toEqual({ healthStatus: '高血压' });
    expect((await reveal(sellerA, ['idNumber'])).body.params).toEqual({ categories: ['idNumber'] });

    await grantConsent(sellerA, customerId, 'idNumber', { grantedAt: '2026-05-11' });
    expect((await reveal(sellerA, ['idNumber'])).status).toBe(409);
    clock.advance(86_400_000);
    await signInAgain();
    expect((await reveal(sellerA, ['idNumber'])).status).toBe(200);

    clock.set(new Date('2026-06-01T03:00:00.000Z'));
    await signInAgain();
    expect((await reveal(sellerA, ['healthStatus'])).body.params).toEqual({ categories: ['health'] });
  });

  it('ends when withdrawn (with a note and a date)', async () => {
    const [active] = await rawRows<{ id: number; version: number }>(app, `select id, version from consents where customer_id = ${customerId} and category = 'idNumber'`);
    const noNote = await sellerA.request('POST', `/api/consents/${active!.id}/actions/withdraw`, { version: Number(active!.version), values: { withdrawnAt: '2026-06-01' } });
    expect(noNote.status).toBe(400);
    const withdrawn = await sellerA.request('POST', `/api/consents/${active!.id}/actions/withdraw`, { version: Number(active!.version), note: '客户电话撤回授权', values: { withdrawnAt: '2026-06-01' } });
    expect(withdrawn.status).toBe(200);
    expect((await reveal(sellerA, ['idNumber'])).status).toBe(409);
  });

  it('is visible only where its customer is, and checks its dates', async () => {
    const mine = await sellerA.request('GET', `/api/consents?customerId=${customerId}`);
    expect(mine.body.total).toBe(2);
    const others = await sellerB.request('GET', `/api/consents?customerId=${customerId}`);
    expect(others.body.total).toBe(0);
    const backwards = await sellerA.request('POST', '/api/consents', { customerId, category: 'financial', purpose: 'service', channel: 'online', grantedAt: '2026-06-01', expiresAt: '2026-01-01' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.reasons).toEqual({ expiresAt: 'ends_before_start' });
  });
});

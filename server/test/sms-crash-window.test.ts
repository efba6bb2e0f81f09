import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDue } from '../src/domains/notification/dispatch.ts';
import { AliyunProvider, type OutgoingSms, type SendOutcome, type SmsProvider, TENCENT_REPORT_WAIT_SECONDS, TencentProvider } from '../src/domains/notification/providers.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { buildCustomer, headOfficeId } from './factories.ts';
import { expectStatus } from './insurance-factories.ts';
import { FakeSmsGateway, fakeAliyun, fakeTencent } from './support/fake-sms-gateway.ts';
import { type Client, type TestApp, buildTestApp, loginAdmin, rawRows } from './test-app.ts';

/**
 * The crash window of dispatch: the process dies after the gateway accepted a message but before the
 * answer is stored (or before the gateway got it at all). Recovery asks the gateway for the message by our
 * reference and sends it again only when the gateway never had it: each message reaches the phone once.
 */
let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let templateId: number;
let gateway: FakeSmsGateway;
const receiptToken = 'receipt-token-crash-0123456789';

beforeAll(async () => {
  gateway = await new FakeSmsGateway().start();
  clock = new ManualClock(new Date('2026-09-20T02:00:00.000Z'));
  app = await buildTestApp({ clock, env: { SMS_RECEIPT_TOKEN: receiptToken } });
  admin = await loginAdmin(app);
  headId = (await headOfficeId(admin)) as number;
  templateId = expectStatus(await admin.request('POST', '/api/sms-templates', { name: '关怀', kind: 'manual', contentZh: '{customerName}，感谢您的信任。', providerTemplateId: 'SMS_1', enabled: true }), 201, 'template').body.id;
});
afterAll(async () => {
  await app.close();
  await gateway.close();
});

const vendors = {
  aliyun: () => new AliyunProvider({ accessKeyId: fakeAliyun.accessKeyId, accessKeySecret: fakeAliyun.secret, signName: '测试签名', endpoint: `${gateway.base}/aliyun/` }, () => clock.now()),
  tencent: () => new TencentProvider({ secretId: fakeTencent.secretId, secretKey: fakeTencent.secretKey, sdkAppId: fakeTencent.sdkAppId, signName: '测试签名', region: 'ap-guangzhou', endpoint: `${gateway.base}/tencent/` }, () => clock.now()),
};

/** Moves the clock (sessions expire with it, so signs in again). */
async function at(instant: string) {
  clock.set(new Date(instant));
  admin = await loginAdmin(app);
}

/** One queued message to a new customer; its code is the reference the gateway sees. */
async function queueOne(): Promise<{ id: number; code: string }> {
  const customerId = expectStatus(await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId })), 201, 'customer').body.id;
  expectStatus(await admin.request('POST', '/api/sms/manual/send', { templateId, customerIds: [customerId] }), 201, 'send');
  const [row] = await rawRows<{ id: number; code: string }>(app, `select id, code from sms_messages where customer_id = ${customerId}`);
  return row!;
}
const message = async (id: number) =>
  (await rawRows<{ status: string; attempts: number; provider_message_id: string | null; error: string | null; claimed_at: string | null }>(app, `select status, attempts, provider_message_id, error, claimed_at from sms_messages where id = ${id}`))[0]!;

/** The real adapter, in a process that dies at `when`: the call never returns and nothing after it runs. */
function dyingAfterAck(real: SmsProvider): SmsProvider {
  return { name: real.name, lookup: real.lookup?.bind(real), send: async (outgoing: OutgoingSms) => { await real.send(outgoing); return new Promise<SendOutcome>(() => {}); } };
}
function dyingBeforeCall(real: SmsProvider): SmsProvider {
  return { name: real.name, lookup: real.lookup?.bind(real), send: () => new Promise<SendOutcome>(() => {}) };
}
const until = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; tries < 200 && !(await condition()); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
};
/** A second app node on the same database (PostgreSQL); SQLite serves one node, so there the runs share the app. */
const secondNode = async () => (app.dialect === 'postgres' ? buildTestApp({ nodeOf: app, clock }) : app);

describe.each(['aliyun', 'tencent'] as const)('%s: crash between the gateway acknowledging and the status write', (vendor) => {
  it('is reconciled from the gateway’s records, not sent again: exactly one delivery, even with two nodes recovering', async () => {
    await at('2026-09-20T02:00:00.000Z');
    gateway.aliyunSendStatus = 1;
    const real = vendors[vendor]();
    const { id, code } = await queueOne();
    void dispatchDue(app.services, dyingAfterAck(real));
    await until(() => gateway.count(code) === 1);
    expect(gateway.count(code)).toBe(1);
    expect(await message(id)).toMatchObject({ status: 'sending', attempts: 1, provider_message_id: null });

    // Inside the lease nobody touches it.
    expect(await dispatchDue(app.services, real)).toMatchObject({ reconciled: 0, recovered: 0, sent: 0 });
    clock.advance(121_000);
    const other = await secondNode();
    try {
      const results = await Promise.all([dispatchDue(app.services, real), dispatchDue(other.services, vendors[vendor]())]);
      expect(results.reduce((sum, result) => sum + result.reconciled, 0)).toBe(1);
      expect(results.reduce((sum, result) => sum + result.sent + result.recovered, 0)).toBe(0);
    } finally {
      if (other !== app) await other.close();
    }
    clock.advance(3_600_000);
    expect(await dispatchDue(app.services, real)).toMatchObject({ reconciled: 0, recovered: 0, sent: 0 });
    expect(gateway.count(code)).toBe(1);
    const row = await message(id);
    expect(row).toMatchObject({ attempts: 1, claimed_at: null });
    expect(row.error).toContain('reconciled');
    if (vendor === 'aliyun') {
      // Aliyun's send record has the OutId but no BizId: it stays "sent" until the receipt, matched on OutId.
      expect(row).toMatchObject({ status: 'sent', provider_message_id: null });
      const receipt = await app.app.inject({ method: 'POST', url: `/api/sms/receipts/aliyun?token=${receiptToken}`, payload: [{ phone_number: '13800000000', success: true, biz_id: 'BIZ-unknown', out_id: code, err_code: 'DELIVERED', err_msg: '用户接收成功' }] });
      expect(receipt.statusCode).toBe(200);
      expect((await message(id)).status).toBe('delivered');
    } else {
      // Tencent's report carries the serial number and the delivery status.
      expect(row).toMatchObject({ status: 'delivered', provider_message_id: gateway.delivered.find((entry) => entry.reference === code)!.providerId });
    }
  });
});

describe.each(['aliyun', 'tencent'] as const)('%s: crash before the gateway got the message', (vendor) => {
  it('is sent again with the same reference once the gateway confirms it never had it: exactly one delivery', async () => {
    await at('2026-09-21T02:00:00.000Z');
    gateway.aliyunSendStatus = 3;
    const real = vendors[vendor]();
    const { id, code } = await queueOne();
    void dispatchDue(app.services, dyingBeforeCall(real));
    // The attempt stamp (attempts 1) is written after the claim: the lease counts from it, so wait for it
    // before moving the clock (a stamp taken after the move would still be inside the lease).
    await until(async () => (await message(id)).attempts === 1);
    expect(await message(id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(gateway.count(code)).toBe(0);
    clock.advance(121_000);
    if (vendor === 'tencent') {
      // Tencent lists a message only once its delivery report is in: before the wait, absence proves nothing.
      expect(await dispatchDue(app.services, real)).toMatchObject({ unresolved: 1, recovered: 0, sent: 0 });
      expect(gateway.count(code)).toBe(0);
      clock.advance(TENCENT_REPORT_WAIT_SECONDS * 1000);
    }
    const other = await secondNode();
    try {
      const results = await Promise.all([dispatchDue(app.services, real), dispatchDue(other.services, vendors[vendor]())]);
      expect(results.reduce((sum, result) => sum + result.recovered, 0)).toBe(1);
      expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(1);
    } finally {
      if (other !== app) await other.close();
    }
    expect(gateway.count(code)).toBe(1);
    expect(gateway.delivered.filter((entry) => entry.reference === code).map((entry) => entry.vendor)).toEqual([vendor]);
    expect(await message(id)).toMatchObject({ status: 'sent', attempts: 2 });
    clock.advance(3_600_000);
    expect(await dispatchDue(app.services, real)).toMatchObject({ reconciled: 0, recovered: 0, sent: 0 });
    expect(gateway.count(code)).toBe(1);
  });
});

describe('a gateway that cannot be asked', () => {
  it('leaves the unacknowledged message alone (never a blind resend) until it answers', async () => {
    await at('2026-09-22T02:00:00.000Z');
    gateway.aliyunSendStatus = 3;
    const real = vendors.aliyun();
    const { id, code } = await queueOne();
    void dispatchDue(app.services, dyingAfterAck(real));
    await until(() => gateway.count(code) === 1);
    clock.advance(121_000);
    gateway.queriesFail = true;
    try {
      expect(await dispatchDue(app.services, real)).toMatchObject({ unresolved: 1, reconciled: 0, recovered: 0, sent: 0 });
      clock.advance(600_000);
      expect(await dispatchDue(app.services, real)).toMatchObject({ unresolved: 1, sent: 0 });
      const row = await message(id);
      expect(row.status).toBe('sending');
      expect(row.error).toContain('gateway not answering yet');
    } finally {
      gateway.queriesFail = false;
    }
    expect(await dispatchDue(app.services, real)).toMatchObject({ reconciled: 1, sent: 0 });
    expect(await message(id)).toMatchObject({ status: 'delivered' });
    expect(gateway.count(code)).toBe(1);
  });

  it('a held message can be settled by hand once its lease has passed: confirmed as sent, or sent again', async () => {
    await at('2026-09-24T02:00:00.000Z');
    const real = vendors.aliyun();
    // Two interrupted sends (the dispatcher sends one at a time, so one dying pass each).
    const confirmed = await queueOne();
    void dispatchDue(app.services, dyingAfterAck(real));
    await until(() => gateway.count(confirmed.code) === 1);
    const retried = await queueOne();
    void dispatchDue(app.services, dyingAfterAck(real));
    await until(() => gateway.count(retried.code) === 1);
    expect([gateway.count(confirmed.code), gateway.count(retried.code)]).toEqual([1, 1]);
    // Still inside the lease: nothing to settle yet.
    const early = await admin.request('POST', `/api/sms/messages/${confirmed.id}/resolve`, { outcome: 'sent' });
    expect(early.status).toBe(409);
    clock.advance(121_000);
    admin = await loginAdmin(app);
    gateway.queriesFail = true;
    try {
      expect(await dispatchDue(app.services, real)).toMatchObject({ unresolved: 2, sent: 0 });
      const settled = await admin.request('POST', `/api/sms/messages/${confirmed.id}/resolve`, { outcome: 'sent', note: '控制台已查到发送记录' });
      expect(settled.status).toBe(200);
      expect(await message(confirmed.id)).toMatchObject({ status: 'sent', error: 'confirmed sent by staff: 控制台已查到发送记录', claimed_at: null });
      expect((await admin.request('POST', `/api/sms/messages/${confirmed.id}/resolve`, { outcome: 'resend' })).status).toBe(409);
      expect((await admin.request('POST', `/api/sms/messages/${retried.id}/resolve`, { outcome: 'maybe' })).status).toBe(400);
      expectStatus(await admin.request('POST', `/api/sms/messages/${retried.id}/resolve`, { outcome: 'resend' }), 200, 'resend');
      expect(await dispatchDue(app.services, real)).toMatchObject({ sent: 1, unresolved: 0 });
    } finally {
      gateway.queriesFail = false;
    }
    // The one confirmed by hand never went out twice; the one resent by choice did, under the same reference.
    expect(gateway.count(confirmed.code)).toBe(1);
    expect(gateway.count(retried.code)).toBe(2);
    const [audited] = await rawRows<{ action: string }>(app, `select action from audit_logs where module = 'smsMessage' and record_id = ${confirmed.id} and action = 'resolveUnacknowledged'`);
    expect(audited?.action).toBe('resolveUnacknowledged');
  });

  it('a provider since replaced (or one that cannot be asked, like the log provider) gets the message queued again', async () => {
    await at('2026-09-23T02:00:00.000Z');
    const { id, code } = await queueOne();
    void dispatchDue(app.services, dyingBeforeCall(vendors.aliyun()));
    await until(async () => (await message(id)).status === 'sending');
    clock.advance(121_000);
    const tencent = vendors.tencent();
    expect(await dispatchDue(app.services, tencent)).toMatchObject({ recovered: 1, sent: 1 });
    expect(gateway.delivered.filter((entry) => entry.reference === code).map((entry) => entry.vendor)).toEqual(['tencent']);
    expect((await message(id)).error).toBeNull();
  });
});

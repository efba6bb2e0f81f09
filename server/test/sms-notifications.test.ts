import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDue } from '../src/domains/notification/dispatch.ts';
import { LogProvider, type OutgoingSms, type SendOutcome, type SmsProvider } from '../src/domains/notification/providers.ts';
import { consumeEvents, runReminders } from '../src/domains/notification/sms-messages.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { buildCustomer, createOrganisation, createSalesperson, grantConsent, headOfficeId, uniquePhone } from './factories.ts';
import { createClaim, createPolicy, createProduct, createSigning, expectStatus, issueSigning } from './insurance-factories.ts';
import { type Client, type TestApp, buildTestApp, loginAdmin, rawRows } from './test-app.ts';

let app: TestApp;
let clock: ManualClock;
let admin: Client;
let headId: number;
let productId: number;
const receiptToken = 'receipt-token-0123456789';

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-05-31T02:00:00.000Z'));
  app = await buildTestApp({ clock, env: { SMS_DAILY_CAP: '3', SMS_WEEKLY_CAP: '4', SMS_RECEIPT_TOKEN: receiptToken } });
  admin = await loginAdmin(app);
  headId = await headOfficeId(admin);
  productId = (await createProduct(admin, { sumInsuredMin: null, sumInsuredMax: null, minAge: null, maxAge: null })).id as number;
  const templates: [string, string][] = [
    ['birthday', '{customerName}，祝您生日快乐！'],
    ['policyExpiry', '{customerName}，您的保单{policyNo}（{productName}）将于{date}到期，还有{days}天。'],
    ['premiumDue', '{customerName}，保单{policyNo}应缴保费{amount}元，缴费日{date}。'],
    ['anniversary', '{customerName}，保单{policyNo}周年快乐。'],
    ['claimProgress', '{customerName}，理赔{claimNo}状态：{claimStatus}。'],
    ['manual', '{customerName}，感谢您的信任。'],
  ];
  for (const [kind, contentZh] of templates) expectStatus(await admin.request('POST', '/api/sms-templates', { name: `模板-${kind}`, kind, contentZh, providerTemplateId: `SMS_${kind}`, enabled: true }), 201, `template ${kind}`);
});
afterAll(() => app.close());

async function on(instant: string) {
  clock.set(new Date(instant));
  admin = await loginAdmin(app);
}
const customer = async (overrides: Record<string, unknown> = {}) => expectStatus(await admin.request('POST', '/api/customers', buildCustomer({ orgId: headId, birthDate: '1980-01-15', ...overrides })), 201, 'customer').body.id as number;
const messages = (where = '1 = 1') =>
  rawRows<{ id: number; kind: string; customer_id: number; content: string; status: string; scheduled_at: string; attempts: number; error: string | null; dedupe_key: string }>(
    app,
    `select id, kind, customer_id, content, status, scheduled_at, attempts, error, dedupe_key from sms_messages where ${where} order by id`,
  );

describe('automatic reminders (local time UTC+8)', () => {
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    ids.birthdayCustomer = await customer({ birthDate: '1990-06-03' });
    ids.holder = await customer();
    ids.expiring = (await createPolicy(admin, { applicantId: ids.holder, productId, startDate: '2025-08-01', endDate: '2026-07-31', paymentFrequency: 'single', nextDueDate: null })).id;
    ids.premium = (await createPolicy(admin, { applicantId: ids.holder, productId, startDate: '2025-12-08', endDate: '2030-12-07', paymentFrequency: 'annual', nextDueDate: '2026-06-08' })).id;
    ids.anniversary = (await createPolicy(admin, { applicantId: ids.holder, productId, startDate: '2025-06-03', endDate: '2027-06-02', paymentFrequency: 'single', nextDueDate: null })).id;
  });

  it('fire nothing on a day none is due', async () => {
    await on('2026-05-31T02:00:00.000Z');
    expect(await runReminders(app.services)).toEqual({ queued: 0, skipped: 0 });
  });

  it('fire policy expiry (60 days) and premium due (7 days) on their day, once however often the job runs', async () => {
    await on('2026-06-01T01:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(2);
    expect((await runReminders(app.services)).queued).toBe(0);
    const rows = await messages();
    expect(rows.map((row) => [row.kind, row.customer_id, row.status])).toEqual([
      ['policyExpiry', ids.holder, 'queued'],
      ['premiumDue', ids.holder, 'queued'],
    ]);
    const [policy] = await rawRows<{ policy_no: string }>(app, `select policy_no from policies where id = ${ids.expiring}`);
    expect(rows[0]!.content).toContain(`您的保单${policy!.policy_no}`);
    expect(rows[0]!.content).toContain('将于2026-07-31到期，还有60天');
    expect(rows[1]!.content).toContain('应缴保费3600.00元，缴费日2026-06-08');
    expect(rows[0]!.dedupe_key).toBe(`policyExpiry:policy:${ids.expiring}:2026-07-31:60`);
  });

  it('fire birthday and anniversary on 3 June (local date, although UTC is still 2 June)', async () => {
    await on('2026-06-02T17:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(2);
    const rows = await messages(`kind in ('birthday', 'anniversary')`);
    expect(rows.map((row) => [row.kind, row.customer_id])).toEqual([
      ['birthday', ids.birthdayCustomer],
      ['anniversary', ids.holder],
    ]);
    expect(rows[0]!.content).toMatch(/^.+，祝您生日快乐！$/);
  });

  it('fire expiry again at 30 and 7 days, and not in between', async () => {
    await on('2026-06-15T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(0);
    await on('2026-07-01T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(1);
    await on('2026-07-24T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(1);
    const rows = await messages(`kind = 'policyExpiry'`);
    expect(rows.map((row) => row.dedupe_key)).toEqual([60, 30, 7].map((days) => `policyExpiry:policy:${ids.expiring}:2026-07-31:${days}`));
  });

  it('a switched-off rule fires nothing; a rule with unknown settings is refused', async () => {
    expectStatus(await admin.request('PUT', '/api/sms/rules/birthday', { enabled: false }), 200, 'rule off');
    const other = await customer({ birthDate: '1991-07-25' });
    await on('2026-07-25T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(0);
    expectStatus(await admin.request('PUT', '/api/sms/rules/birthday', { enabled: true }), 200, 'rule on');
    expect((await runReminders(app.services)).queued).toBe(1);
    expect((await messages(`customer_id = ${other}`)).length).toBe(1);
    const refused = await admin.request('PUT', '/api/sms/rules/licenceExpiry', { enabled: true, daysBefore: [400] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('daysBefore');
    const rules = (await admin.request('GET', '/api/sms/rules')).body.items;
    expect(rules.find((rule: { kind: string }) => rule.kind === 'policyExpiry').settings.daysBefore).toEqual([60, 30, 7]);
    expect(rules.find((rule: { kind: string }) => rule.kind === 'licenceExpiry')).toMatchObject({ enabled: true, available: true, settings: { daysBefore: [30] } });
  });

  it('two app instances running the scheduler at once create each reminder once', async () => {
    const born: number[] = [];
    for (let index = 0; index < 6; index++) born.push(await customer({ birthDate: `198${index}-08-08` }));
    // PostgreSQL: a second app instance on the same database. SQLite serves one node, so there the runs share the app.
    const second = app.dialect === 'postgres' ? await buildTestApp({ nodeOf: app, clock }) : app;
    try {
      await on('2026-08-08T02:00:00.000Z');
      const results = await Promise.all([runReminders(app.services), runReminders(second.services), runReminders(app.services), runReminders(second.services)]);
      expect(results.reduce((sum, result) => sum + result.queued, 0)).toBe(6);
      const rows = await messages(`kind = 'birthday' and customer_id in (${born.join(',')})`);
      expect(rows.map((row) => row.customer_id).sort((a, b) => a - b)).toEqual(born);
    } finally {
      if (second !== app) await second.close();
    }
  });
});

describe('licence expiry reminder (to the salesperson)', () => {
  let salespersonId: number;
  let salespersonPhone: string;
  let expiring: { id: number; certificateNo: string };
  let otherOrg: number;
  const licence = async (body: Record<string, unknown>) =>
    expectStatus(await admin.request('POST', '/api/qualifications', { salespersonId, orgId: otherOrg, certificateNo: `CERT-${Math.random().toString(36).slice(2, 8)}`, ...body }), 201, 'qualification').body as { id: number; certificateNo: string };
  const licenceMessages = () =>
    rawRows<{ id: number; customer_id: number | null; salesperson_id: number; content: string; status: string; dedupe_key: string; org_id: number }>(
      app,
      `select id, customer_id, salesperson_id, content, status, dedupe_key, org_id from sms_messages where kind = 'licenceExpiry' order by id`,
    );

  beforeAll(async () => {
    await on('2026-08-18T02:00:00.000Z');
    expectStatus(await admin.request('POST', '/api/sms-templates', { name: '资格证到期', kind: 'licenceExpiry', contentZh: '{salespersonName}，您的{licenceType}（证书{certificateNo}）将于{date}到期，还有{days}天，请及时续证。', enabled: true }), 201, 'template');
    otherOrg = (await createOrganisation(admin, { parentId: headId })).id as number;
    salespersonPhone = uniquePhone();
    const person = await createSalesperson(admin, { orgId: otherOrg, name: '证照业务员', phone: salespersonPhone });
    salespersonId = person.id as number;
    expiring = await licence({ type: 'health', issuedOn: '2023-09-19', expiresOn: '2026-09-19' });
    // Renewed: a later certificate of the same type exists, so the old one's expiry needs no reminder.
    await licence({ type: 'agentLicence', issuedOn: '2023-09-19', expiresOn: '2026-09-19' });
    await licence({ type: 'agentLicence', issuedOn: '2026-08-01', expiresOn: '2029-08-01' });
    // A salesperson who has left gets nothing.
    const gone = await createSalesperson(admin, { orgId: otherOrg, name: '离职业务员' });
    expectStatus(await admin.request('POST', '/api/qualifications', { salespersonId: gone.id, orgId: otherOrg, certificateNo: 'CERT-GONE', type: 'health', expiresOn: '2026-09-19' }), 201, 'gone licence');
    expectStatus(await admin.request('PATCH', `/api/salespeople/${gone.id}`, { status: 'left', version: gone.version }), 200, 'left');
  });

  it('fires 30 days before the licence expires, once, to the salesperson; not the day before; not for a renewed licence or a leaver', async () => {
    await on('2026-08-19T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(0);
    await on('2026-08-20T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(1);
    expect((await runReminders(app.services)).queued).toBe(0);
    const rows = await licenceMessages();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customer_id: null, salesperson_id: salespersonId, status: 'queued', org_id: otherOrg, dedupe_key: `licenceExpiry:qualification:${expiring.id}:2026-09-19:30` });
    expect(rows[0]!.content).toBe(`证照业务员，您的健康险销售资格（证书${expiring.certificateNo}）将于2026-09-19到期，还有30天，请及时续证。`);
    // Dispatched to the salesperson's own mobile (no customer opt-out or cap applies).
    const provider = new LogProvider();
    await dispatchDue(app.services, provider, 500);
    expect(provider.sent.filter((sent) => sent.content.startsWith('证照业务员')).map((sent) => sent.phone)).toEqual([salespersonPhone]);
    expect((await licenceMessages())[0]!.status).toBe('delivered');
  });

  it('is switchable and its days are configurable (audited like the other rules)', async () => {
    expectStatus(await admin.request('PUT', '/api/sms/rules/licenceExpiry', { enabled: false, daysBefore: [30, 7] }), 200, 'off');
    await on('2026-09-12T02:00:00.000Z');
    expect((await runReminders(app.services)).queued).toBe(0);
    const saved = expectStatus(await admin.request('PUT', '/api/sms/rules/licenceExpiry', { enabled: true, daysBefore: [7, 30] }), 200, 'on').body.items;
    expect(saved.find((rule: { kind: string }) => rule.kind === 'licenceExpiry')).toMatchObject({ enabled: true, settings: { daysBefore: [30, 7] } });
    expect((await runReminders(app.services)).queued).toBe(1);
    expect((await licenceMessages()).map((row) => row.dedupe_key)).toEqual([30, 7].map((days) => `licenceExpiry:qualification:${expiring.id}:2026-09-19:${days}`));
    const [audited] = await rawRows<{ action: string }>(app, `select action from audit_logs where module = 'smsTemplate' and action = 'rule' order by id desc limit 1`);
    expect(audited?.action).toBe('rule');
  });

  it('previews a licence template with the licence record (its expiry date)', async () => {
    const [template] = await rawRows<{ id: number }>(app, `select id from sms_templates where kind = 'licenceExpiry'`);
    const preview = expectStatus(await admin.request('POST', `/api/sms/templates/${template!.id}/preview`, { qualificationId: expiring.id }), 200, 'preview').body;
    expect(preview.variables).toMatchObject({ salespersonName: '证照业务员', licenceType: '健康险销售资格', certificateNo: expiring.certificateNo, date: '2026-09-19', days: '7' });
    expect(preview.unresolved).toEqual([]);
  });
});

/** A gateway stand-in whose answers the test scripts; `hang` leaves the call unanswered, as a killed process would. */
class ScriptedProvider implements SmsProvider {
  sent: OutgoingSms[] = [];
  constructor(
    readonly name: SmsProvider['name'],
    private answer: (message: OutgoingSms, attempt: number) => SendOutcome | 'hang',
  ) {}
  async send(message: OutgoingSms): Promise<SendOutcome> {
    const attempt = this.sent.filter((entry) => entry.reference === message.reference).length + 1;
    this.sent.push(message);
    const outcome = this.answer(message, attempt);
    return outcome === 'hang' ? new Promise<SendOutcome>(() => {}) : outcome;
  }
}

describe('dispatch', () => {
  let templateId: number;
  /** Sends whatever earlier tests left due, so each test counts its own messages. */
  const flush = () => dispatchDue(app.services, new LogProvider(), 500);
  const manualTo = async (customerIds: number[]) => expectStatus(await admin.request('POST', '/api/sms/manual/send', { templateId, customerIds }), 201, 'manual send').body;
  beforeAll(async () => {
    await on('2026-09-01T02:00:00.000Z');
    // Everything queued by the reminder suite goes out first, so each test below counts only its own messages.
    await dispatchDue(app.services, new LogProvider(), 500);
    templateId = (await rawRows<{ id: number }>(app, `select id from sms_templates where kind = 'manual'`))[0]!.id;
  });

  it('manual send: recipients and cost previewed; opted-out customers and customers without a phone left out', async () => {
    const a = await customer();
    const b = await customer();
    const c = await customer({ phone: null });
    expectStatus(await admin.request('POST', '/api/sms/opt-outs', { customerId: b, optedOut: true, source: 'customerRequest', note: '电话要求退订' }), 201, 'opt out');
    const preview = expectStatus(await admin.request('POST', '/api/sms/manual/preview', { templateId, customerIds: [a, b, c] }), 200, 'preview').body;
    expect(preview.recipients.map((entry: { customerId: number }) => entry.customerId)).toEqual([a]);
    expect(preview.excluded.map((entry: { customerId: number; reason: string }) => [entry.customerId, entry.reason])).toEqual([
      [b, 'opted_out'],
      [c, 'no_phone'],
    ]);
    expect(preview.costCents).toBe(5);
    const sent = await manualTo([a, b, c]);
    expect(sent.queued).toBe(1);
    const history = (await admin.request('GET', `/api/sms/opt-outs/${b}`)).body;
    expect(history.optedOut).toBe(true);
    expect(history.items[0]).toMatchObject({ source: 'customerRequest', note: '电话要求退订' });
  });

  it('opt-out after queueing: the message fails as opted out and is never sent', async () => {
    await flush();
    const person = await customer();
    await manualTo([person]);
    expectStatus(await admin.request('POST', '/api/sms/opt-outs', { customerId: person, optedOut: true, source: 'smsReply' }), 201, 'opt out');
    const provider = new LogProvider();
    expect(await dispatchDue(app.services, provider)).toMatchObject({ sent: 0, failed: 1 });
    expect((await messages(`customer_id = ${person}`)).map((row) => [row.status, row.error])).toEqual([['failed', 'opted_out']]);
  });

  it('withdrawing a marketing consent opts the customer out, with the consent as the source', async () => {
    const person = await customer();
    const consent = await grantConsent(admin, person, 'financial', { purpose: 'marketing' });
    expect((await admin.request('GET', `/api/sms/opt-outs/${person}`)).body.optedOut).toBe(false);
    expectStatus(await admin.request('POST', `/api/consents/${consent.id}/actions/withdraw`, { note: '客户撤回', values: { withdrawnAt: '2026-09-01' } }), 200, 'withdraw');
    const history = (await admin.request('GET', `/api/sms/opt-outs/${person}`)).body;
    expect(history.optedOut).toBe(true);
    expect(history.items[0]).toMatchObject({ source: 'consentWithdrawn', note: `consent ${consent.code}` });
  });

  it('quiet hours: a message due at 22:00 local waits until 08:00 local', async () => {
    const person = await customer();
    await on('2026-09-01T14:00:00.000Z');
    await flush();
    await manualTo([person]);
    const provider = new LogProvider();
    expect(await dispatchDue(app.services, provider)).toMatchObject({ sent: 0, deferred: 1 });
    expect((await messages(`customer_id = ${person}`))[0]).toMatchObject({ status: 'queued', scheduled_at: '2026-09-02T00:00:00.000Z', error: 'deferred: quiet_hours' });
    await on('2026-09-01T23:59:00.000Z');
    expect((await dispatchDue(app.services, provider)).sent).toBe(0);
    await on('2026-09-02T00:00:00.000Z');
    expect((await dispatchDue(app.services, provider)).sent).toBe(1);
    expect((await messages(`customer_id = ${person}`))[0]!.status).toBe('delivered');
  });

  it('frequency caps: three a day, four a week; the rest wait for the next morning', async () => {
    const person = await customer();
    await on('2026-09-03T02:00:00.000Z');
    await flush();
    for (let index = 0; index < 6; index++) await manualTo([person]);
    const provider = new LogProvider();
    expect(await dispatchDue(app.services, provider)).toMatchObject({ sent: 3, deferred: 3 });
    await on('2026-09-04T02:00:01.000Z');
    expect((await dispatchDue(app.services, provider)).sent).toBe(1);
    const rows = await messages(`customer_id = ${person}`);
    expect(rows.filter((row) => row.status === 'delivered')).toHaveLength(4);
    expect(rows.filter((row) => row.status === 'queued').map((row) => row.error)).toEqual(['deferred: weekly_cap', 'deferred: weekly_cap']);
  });

  it('crash between claim and send: re-sent once after the lease, never again once acknowledged', async () => {
    const person = await customer();
    await on('2026-09-10T02:00:00.000Z');
    await flush();
    await manualTo([person]);
    const dying = new ScriptedProvider('log', () => 'hang');
    void dispatchDue(app.services, dying); // never answers: the process "dies" here
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await messages(`customer_id = ${person}`))[0]).toMatchObject({ status: 'sending', attempts: 1 });
    const healthy = new ScriptedProvider('log', (message) => ({ kind: 'accepted', providerMessageId: `ok-${message.reference}` }));
    expect((await dispatchDue(app.services, healthy)).sent).toBe(0); // still inside the lease: left alone
    clock.advance(121_000);
    expect(await dispatchDue(app.services, healthy)).toMatchObject({ recovered: 1, sent: 1 });
    clock.advance(3_600_000);
    expect(await dispatchDue(app.services, healthy)).toMatchObject({ recovered: 0, sent: 0 });
    expect(healthy.sent).toHaveLength(1);
    expect((await messages(`customer_id = ${person}`))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('temporary failures retry with backoff; a refusal fails at once; receipts mark delivery', async () => {
    await on('2026-09-11T02:00:00.000Z');
    await flush();
    const flaky = await customer();
    const refused = await customer();
    await manualTo([flaky, refused]);
    const [{ code: flakyCode }] = (await rawRows<{ code: string }>(app, `select code from sms_messages where customer_id = ${flaky}`)) as [{ code: string }];
    const gateway = new ScriptedProvider('aliyun', (message, attempt): SendOutcome => {
      if (message.reference !== flakyCode) return { kind: 'rejected', error: 'isv.MOBILE_NUMBER_ILLEGAL' };
      return attempt < 3 ? { kind: 'retry', error: 'isv.BUSINESS_LIMIT_CONTROL' } : { kind: 'accepted', providerMessageId: 'BIZ-1' };
    });
    expect(await dispatchDue(app.services, gateway)).toMatchObject({ retried: 1, failed: 1 });
    expect((await messages(`customer_id = ${flaky}`))[0]).toMatchObject({ status: 'queued', scheduled_at: '2026-09-11T02:00:30.000Z', attempts: 1 });
    expect((await messages(`customer_id = ${refused}`))[0]).toMatchObject({ status: 'failed', error: 'isv.MOBILE_NUMBER_ILLEGAL' });
    clock.advance(30_000);
    expect(await dispatchDue(app.services, gateway)).toMatchObject({ retried: 1 });
    expect((await messages(`customer_id = ${flaky}`))[0]!.scheduled_at).toBe('2026-09-11T02:01:30.000Z');
    clock.advance(60_000);
    expect(await dispatchDue(app.services, gateway)).toMatchObject({ sent: 1 });
    expect((await messages(`customer_id = ${flaky}`))[0]).toMatchObject({ status: 'sent', attempts: 3 });

    const anonymous = await app.app.inject({ method: 'POST', url: '/api/sms/receipts/aliyun?token=wrong-token-0123456789', payload: [] });
    expect(anonymous.statusCode).toBe(404);
    const receipt = await app.app.inject({ method: 'POST', url: `/api/sms/receipts/aliyun?token=${receiptToken}`, payload: [{ phone_number: '13800000000', success: true, biz_id: 'BIZ-1', out_id: flakyCode, err_code: 'DELIVERED', err_msg: '用户接收成功' }] });
    expect(receipt.json()).toEqual({ code: 0, msg: '成功' });
    expect((await messages(`customer_id = ${flaky}`))[0]!.status).toBe('delivered');
  });

  it('claim progress: each status change becomes one message to the insured; statistics count them', async () => {
    await on('2026-09-12T02:00:00.000Z');
    await flush();
    const insured = await customer();
    const policyId = (await createPolicy(admin, { applicantId: insured, productId, startDate: '2026-01-01', endDate: '2026-12-31', paymentFrequency: 'single', nextDueDate: null })).id;
    const claim = await createClaim(admin, { policyId, incidentAt: '2026-09-10T12:00:00.000Z' });
    expectStatus(await admin.request('POST', `/api/claims/${claim.id}/actions/accept`, {}), 200, 'accept claim');
    expect((await consumeEvents(app.services)).queued).toBe(2);
    expect((await consumeEvents(app.services)).queued).toBe(0);
    const rows = await messages(`kind = 'claimProgress'`);
    expect(rows.map((row) => row.customer_id)).toEqual([insured, insured]);
    expect(rows[0]!.content).toContain(`理赔${claim.claimNo}状态：已报案`);
    const before = (await admin.request('GET', '/api/sms/stats')).body;
    await dispatchDue(app.services, new LogProvider());
    const after = (await admin.request('GET', '/api/sms/stats')).body;
    expect(after.byStatus.delivered - before.byStatus.delivered).toBe(2);
    expect(after.byKind.claimProgress.delivered).toBe(2);
    expect(after.costCents - before.costCents).toBe(2 * 5);
  });

  it('signing success: the issued policy is announced to the customer once', async () => {
    await on('2026-09-13T02:00:00.000Z');
    expectStatus(await admin.request('POST', '/api/sms-templates', { name: '签单成功', kind: 'signingSuccess', contentZh: '{customerName}，您投保的{productName}已出单，保单号{policyNo}，保费{amount}元。', enabled: true }), 201, 'template');
    const buyer = await customer({ birthDate: '1985-04-12' });
    const signing = await createSigning(admin, { customerId: buyer, productId, signingDate: '2026-09-13', startDate: '2026-09-13', endDate: '2027-09-12' });
    const issued = await issueSigning(admin, admin, signing.id);
    expect((await consumeEvents(app.services)).queued).toBe(1);
    const [policy] = await rawRows<{ policy_no: string }>(app, `select policy_no from policies where id = ${issued.policyId}`);
    const rows = await messages(`kind = 'signingSuccess'`);
    expect(rows.map((row) => [row.customer_id, row.dedupe_key])).toEqual([[buyer, `signing-success:${signing.id}`]]);
    expect(rows[0]!.content).toMatch(new RegExp(`已出单，保单号${policy!.policy_no}，保费3600.00元。$`));
  });

  it('a message written through the generic API starts queued, and cannot be edited once taken', async () => {
    const person = await customer();
    const created = expectStatus(await admin.request('POST', '/api/sms-messages', { customerId: person, phone: '13800000009', kind: 'manual', content: '长'.repeat(71), orgId: headId, status: 'delivered' }), 201, 'create').body;
    expect(created.status).toBe('queued');
    expect((await rawRows<{ segments: number }>(app, `select segments from sms_messages where id = ${created.id}`))[0]!.segments).toBe(2);
    await dispatchDue(app.services, new LogProvider());
    const edit = await admin.request('PATCH', `/api/sms-messages/${created.id}`, { content: '改', version: created.version });
    expect(edit.body.code).toBe('INVALID_TRANSITION');
    // The record says so too: no edit offered once it left the queue.
    expect((await admin.request('GET', `/api/sms-messages/${created.id}`)).body.can.edit).toBe(false);
    expect(created.can.edit).toBe(true);
    expect((await rawRows<{ content: string; status: string }>(app, `select content, status from sms_messages where id = ${created.id}`))[0]).toEqual({ content: '长'.repeat(71), status: 'delivered' });
  });

  it('template preview fills the variables from a real record', async () => {
    const person = await customer({ name: '预览客户' });
    const policy = await createPolicy(admin, { applicantId: person, productId, endDate: '2027-05-31' });
    const [template] = await rawRows<{ id: number }>(app, `select id from sms_templates where kind = 'policyExpiry'`);
    const preview = expectStatus(await admin.request('POST', `/api/sms/templates/${template!.id}/preview`, { policyId: policy.id }), 200, 'preview').body;
    // {date} and {days} as the expiry reminder would fill them: the policy's end date, counted from today (2026-09-13 local).
    expect(preview.contentZh).toBe(`预览客户，您的保单${policy.policyNo}（${preview.variables.productName}）将于2027-05-31到期，还有260天。`);
    expect(preview.unresolved).toEqual([]);
    expect(preview.providerTemplateId).toBe('SMS_policyExpiry');
  });
});

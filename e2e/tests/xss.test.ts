import type { Page } from 'playwright-core';
import type { Entity } from '@insure/model/entity';
import { getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, type Harness, shot, signIn, startHarness } from '../harness.ts';

/**
 * Issue 11 item 3, stored XSS (SECURITY-TESTS §3 #4): script payloads in every text field of representative
 * entities, stored through the API, then the list, detail and edit pages are opened. Pass: no payload ran
 * (window.__x stays undefined, no dialog), none became markup (no element carries an inline handler, no
 * CSP violation was reported, which would mean markup got in and only the CSP stopped it), and the text is
 * shown literally.
 */
let harness: Harness;
let page: Page;
let api: (method: string, url: string, body?: unknown) => Promise<{ status: number; body: any }>;

const payloads = [
  '<img src=x onerror=window.__x=1>',
  '<script>window.__x=2</script>',
  '<svg onload=window.__x=3>',
  'javascript:window.__x=4',
  '"><b onmouseover=window.__x=5>',
  '<a href="javascript:alert(6)">a</a>',
  "{{constructor.constructor('alert(7)')()}}",
  '<iframe srcdoc="<script>alert(8)</script>">',
  '${alert(9)}<style>*{}</style>',
];
const shortPayload = '<i>x</i>';

interface Stored {
  entity: Entity;
  id: number;
  /** Field → the exact text stored. */
  values: Record<string, string>;
}
const stored: Stored[] = [];

const isText = (entity: Entity, name: string) => {
  const field = entity.fields[name]!;
  return (field.kind === 'text' || field.kind === 'textarea') && !field.hidden && !field.pattern;
};

/** A valid body with a payload in every text field; other required fields get plain valid values. */
async function bodyFor(entity: Entity, marker: string): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  let index = 0;
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.hidden) continue;
    if (isText(entity, name)) {
      const payload = `${payloads[index++ % payloads.length]}${marker}`;
      body[name] = payload.length <= (field.max ?? 100) ? payload : `${shortPayload}${marker}`.slice(0, field.max ?? 100);
      continue;
    }
    if (!field.required) continue;
    if (field.kind === 'enum') body[name] = field.defaultValue ?? field.options[0]!.value;
    else if (field.kind === 'ref') body[name] = (await api('GET', `/api/${getEntity(field.entity).plural}/options`)).body.items[0].id;
    else if (field.kind === 'date') body[name] = '2026-06-01';
    else if (field.kind === 'datetime') body[name] = '2026-06-01T08:00:00.000Z';
    else if (field.kind === 'bool') body[name] = true;
    else if (['money', 'int', 'decimal'].includes(field.kind)) body[name] = 1;
    else if (field.kind === 'phone') body[name] = '13900000001';
    else if (field.kind === 'email') body[name] = 'x@example.com';
  }
  return body;
}

/** Creates the record; a text field the rules refuse (format, uniqueness) falls back to a short then a plain value. */
async function store(plural: string, marker: string, extra: Record<string, unknown> = {}): Promise<Stored> {
  const entity = [...(await import('@insure/model/registry')).entities].find((candidate) => candidate.plural === plural)!;
  const body = { ...(await bodyFor(entity, marker)), ...extra };
  for (let attempt = 0; attempt < 4; attempt++) {
    const response = await api('POST', `/api/${plural}`, body);
    if (response.status === 201) {
      const values = Object.fromEntries(Object.entries(body).filter(([name, value]) => typeof value === 'string' && isText(entity, name) && /[<{$"]/.test(value))) as Record<string, string>;
      return { entity, id: response.body.id, values };
    }
    const reasons = (response.body?.reasons ?? {}) as Record<string, string>;
    if (response.status !== 400 || !Object.keys(reasons).length) throw new Error(`create ${plural}: ${response.status} ${JSON.stringify(response.body)}`);
    for (const name of Object.keys(reasons)) {
      if (!(name in body) || !isText(entity, name)) throw new Error(`create ${plural}: ${name} ${reasons[name]}`);
      body[name] = attempt === 0 ? `${shortPayload}${marker}` : `plain${marker}`;
    }
  }
  throw new Error(`create ${plural}: still refused`);
}

async function expectInert(label: string) {
  await page.waitForLoadState('networkidle');
  const state = await page.evaluate(() => ({
    ran: (window as unknown as { __x?: unknown }).__x ?? null,
    handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick],iframe[srcdoc],img[src="x"]').length,
    scripts: Array.from(document.querySelectorAll('script')).filter((script) => script.textContent?.includes('__x')).length,
    links: Array.from(document.querySelectorAll('a[href]')).filter((link) => link.getAttribute('href')!.trim().toLowerCase().startsWith('javascript:')).length,
    violations: (window as unknown as { __csp: string[] }).__csp,
  }));
  expect(state, label).toEqual({ ran: null, handlers: 0, scripts: 0, links: 0, violations: [] });
  expect(dialogs, label).toEqual([]);
}

const dialogs: string[] = [];
const pageErrors: string[] = [];

describe('stored XSS renders inert', () => {
  beforeAll(async () => {
    harness = await startHarness(10);
    page = await harness.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => (window as unknown as { __csp: string[] }).__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile?.split("/").pop()}:${event.lineNumber}:${event.columnNumber}`));
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, harness.baseUrl, 'admin', adminPassword);
    await page.getByTestId('workbench-greeting').waitFor({ timeout: 30_000 });
    // The API calls go through the signed-in browser session (cookie + CSRF token), as the UI's own would.
    const csrf = await page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { csrfToken: string }).csrfToken);
    api = async (method, url, body) =>
      page.evaluate(
        async ({ method, url, body, csrf }) => {
          const response = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
          const text = await response.text();
          return { status: response.status, body: text ? JSON.parse(text) : null };
        },
        { method, url, body, csrf },
      );
    const product = await store('products', 'XP1', { minAge: null, maxAge: null });
    stored.push(product);
    stored.push(await store('customers', 'XC1', { idNumber: '110101199003070038', phone: '13900000002' }));
    stored.push(await store('feedback', 'XF1', { customerId: stored[1]!.id }));
    stored.push(await store('sms-templates', 'XS1'));
    // a tag's rule is a condition in the segment language (parsed and refused when malformed): left empty, a manual tag
    stored.push(await store('customer-tags', 'XT1', { rule: null }));
    stored.push(await store('competitors', 'XK1'));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('stored a payload in every text field of each entity', () => {
    for (const record of stored) {
      const textFields = Object.keys(record.entity.fields).filter((name) => isText(record.entity, name));
      expect(Object.keys(record.values).length, record.entity.name).toBeGreaterThan(0);
      expect(Object.keys(record.values).sort(), record.entity.name).toEqual(textFields.filter((name) => record.values[name]).sort());
    }
    console.info(`xss: ${stored.reduce((sum, record) => sum + Object.keys(record.values).length, 0)} text fields of ${stored.length} entities hold payloads`);
  });

  it.each(['products', 'customers', 'feedback', 'sms-templates', 'customer-tags', 'competitors'])('%s: list, detail and edit pages show the payloads as text and run none', async (plural) => {
    const record = stored.find((candidate) => candidate.entity.plural === plural)!;
    const title = record.values[record.entity.titleField ?? 'name'] ?? Object.values(record.values)[0]!;

    await page.goto(`${harness.baseUrl}/m/${plural}`);
    await page.getByTestId('list-table').waitFor();
    const row = page.locator('[data-testid=list-table] tbody tr', { hasText: title });
    await expect.poll(() => row.count(), { message: `${plural} row`, timeout: 30_000 }).toBe(1);
    await row.hover();
    await expectInert(`${plural} list`);
    await shot(page, `xss-${plural}-list`);

    await page.goto(`${harness.baseUrl}${plural === 'customers' ? `/customers/${record.id}` : `/m/${plural}?detail=${record.id}`}`);
    await expect.poll(() => page.evaluate(() => document.body.innerText), { message: `${plural} detail`, timeout: 30_000 }).toContain(title);
    const text = await page.evaluate(() => document.body.innerText);
    const shown = Object.values(record.values).filter((value) => text.includes(value));
    expect(shown.length, `${plural} detail shows the stored text literally`).toBeGreaterThan(0);
    await expectInert(`${plural} detail`);
    await shot(page, `xss-${plural}-detail`);

    await page.goto(`${harness.baseUrl}/m/${plural}`);
    await page.getByTestId('list-table').waitFor();
    await row.getByTestId('row-edit').click();
    const firstText = Object.keys(record.values).find((name) => record.entity.fields[name]!.kind === 'text')!;
    await expect.poll(() => page.getByTestId(`field-${firstText}`).inputValue(), { message: `${plural} edit`, timeout: 30_000 }).toBe(record.values[firstText]);
    await expectInert(`${plural} edit`);
    await shot(page, `xss-${plural}-edit`);
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { buildTestApp, type Client, type TestApp } from './test-app.ts';

let app: TestApp;
let fixture: ScopeFixture;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41), Buffer.from('\n%%EOF\n')]);

async function upload(client: Client, url: string, body: Buffer) {
  const response = await app.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/octet-stream', cookie: `sid=${client.cookie}`, 'x-csrf-token': client.csrf } });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

async function download(client: Client, id: number) {
  return app.app.inject({ method: 'GET', url: `/api/attachments/${id}/download`, headers: { cookie: `sid=${client.cookie}` } });
}

beforeAll(async () => {
  app = await buildTestApp({ env: { ATTACHMENT_MAX_MB: '1' } });
  fixture = await buildScopeFixture(app);
});
afterAll(async () => {
  await app?.close();
});

describe('attachments', () => {
  it('stores an upload under the data directory and gives the same bytes back to those who may see the record', async () => {
    const customerId = fixture.customers.a.id as number;
    const uploaded = await upload(fixture.users.a, `/api/customers/${customerId}/attachments?fileName=${encodeURIComponent('保单扫描件.pdf')}`, pdf);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ fileName: '保单扫描件.pdf', contentType: 'application/pdf', sizeBytes: pdf.length });
    const list = await fixture.users.a.request('GET', `/api/customers/${customerId}/attachments`);
    expect(list.body.items.map((item: { id: number }) => item.id)).toEqual([uploaded.body.id]);
    const fetched = await download(fixture.users.a, uploaded.body.id);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(pdf)).toBe(true);
    expect(fetched.headers['content-disposition']).toContain("filename*=UTF-8''");
    const stored = fs.readdirSync(path.join(app.dataDir, 'attachments'), { recursive: true }).map(String);
    expect(stored.some((file) => !file.endsWith('.part') && /^\d{4}\/\d{2}\//.test(file))).toBe(true);
  });

  it('answers 404 to a salesperson of another scope, for the list, the download and the upload', async () => {
    const customerId = fixture.customers.a.id as number;
    const uploaded = await upload(fixture.users.a, `/api/customers/${customerId}/attachments?fileName=a.pdf`, pdf);
    expect((await download(fixture.users.b, uploaded.body.id)).statusCode).toBe(404);
    expect((await download(fixture.users.c, uploaded.body.id)).statusCode).toBe(404);
    expect((await fixture.users.b.request('GET', `/api/customers/${customerId}/attachments`)).status).toBe(404);
    expect((await upload(fixture.users.b, `/api/customers/${customerId}/attachments?fileName=b.pdf`, pdf)).status).toBe(404);
    expect((await download(fixture.users.managerX, uploaded.body.id)).statusCode).toBe(200);
    expect((await download(fixture.users.managerY, uploaded.body.id)).statusCode).toBe(404);
  });

  it('refuses wrong types, renamed files, oversize files and path tricks with a reason', async () => {
    const url = (name: string) => `/api/customers/${fixture.customers.a.id}/attachments?fileName=${encodeURIComponent(name)}`;
    expect((await upload(fixture.users.a, url('run.exe'), pdf)).status).toBe(415);
    expect((await upload(fixture.users.a, url('fake.pdf'), Buffer.from('MZ\x90\x00 not a pdf'))).status).toBe(415);
    expect((await upload(fixture.users.a, url('big.pdf'), Buffer.concat([pdf, Buffer.alloc(1024 * 1024)]))).status).toBe(413);
    const traversal = await upload(fixture.users.a, url('../../x.pdf'), pdf);
    expect(traversal.status).toBe(400);
    expect(traversal.body.reasons).toEqual({ fileName: 'invalid_format' });
    expect((await upload(fixture.users.a, url('empty.pdf'), Buffer.alloc(0))).status).toBe(400);
  });

  it('removes an attachment for editors and writes attach and detach to the operation log', async () => {
    const customerId = fixture.customers.a.id as number;
    const uploaded = await upload(fixture.users.a, `/api/customers/${customerId}/attachments?fileName=c.pdf`, pdf);
    expect((await fixture.users.a.request('DELETE', `/api/attachments/${uploaded.body.id}`)).status).toBe(204);
    expect((await download(fixture.users.a, uploaded.body.id)).statusCode).toBe(404);
    const history = await fixture.users.a.request('GET', `/api/customers/${customerId}/history`);
    const actions = history.body.items.map((item: { action: string }) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['attach', 'detach']));
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCluster, startCluster } from '../src/cluster.ts';
import { adminPassword } from './test-app.ts';

// Two real node processes on one PostgreSQL schema + Redis, behind Debian's nginx (deploy/nginx.conf.template).
const baseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const nginx = '/usr/sbin/nginx';
const runs = !!baseUrl?.startsWith('postgres') && !!redisUrl && fs.existsSync(nginx);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

let cluster: RunningCluster;
let schema: string;

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string, loginName: string, password: string): Promise<{ status: number; session: Session | null; body: any }> {
  const captcha = await fetch(`${url}/api/auth/captcha`);
  const { captchaId } = (await captcha.json()) as { captchaId: string };
  const answer = captcha.headers.get('x-test-captcha-answer')!;
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ loginName, password, captchaId, captchaAnswer: answer }),
  });
  const body = await response.json();
  const cookie = response.headers.getSetCookie().find((value) => value.includes('sid='))?.split(';')[0];
  return { status: response.status, body, session: cookie ? { cookie, csrf: body.csrfToken } : null };
}

const get = (url: string, session: Session) => fetch(url, { headers: { cookie: session.cookie } });

describe.runIf(runs)('several app nodes behind nginx', () => {
  beforeAll(async () => {
    schema = `c_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    const databaseUrl = `${baseUrl}${baseUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const firstNodePort = await freePort();
    cluster = await startCluster({
      nodes: 2,
      databaseUrl,
      redisUrl: redisUrl!,
      port: await freePort(),
      firstNodePort,
      entry: path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/cluster-node.ts'),
      env: { ADMIN_PASSWORD: adminPassword, MFA_REQUIRED_ROLES: 'none', LOG_LEVEL: 'warn', REDIS_PREFIX: `${schema}:`, LOGIN_MAX_FAILURES: '3' },
    });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  it('serves through nginx, and a session made through it is valid on every node', async () => {
    expect((await fetch(`${cluster.url}/ready`)).status).toBe(200);
    const { status, session } = await signIn(cluster.url, 'admin', adminPassword);
    expect(status).toBe(200);
    for (const node of cluster.nodeUrls) expect((await get(`${node}/api/me`, session!)).status).toBe(200);
    for (let n = 0; n < 6; n++) expect((await get(`${cluster.url}/api/me`, session!)).status).toBe(200);
  });

  it('keeps one session per account across nodes: signing in on one node ends the session on the other', async () => {
    const first = await signIn(cluster.nodeUrls[0]!, 'admin', adminPassword);
    const second = await signIn(cluster.nodeUrls[1]!, 'admin', adminPassword);
    expect(second.status).toBe(200);
    const old = await get(`${cluster.nodeUrls[0]}/api/me`, first.session!);
    expect(old.status).toBe(401);
    expect(((await old.json()) as { code: string }).code).toBe('SESSION_REPLACED');
  });

  it('counts failed sign-ins cluster-wide: the lockout holds on both nodes', async () => {
    // LOGIN_MAX_FAILURES=3, alternating nodes: the third failure (on the first node again) locks the account.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await signIn(cluster.nodeUrls[attempt % 2]!, 'admin', 'Wrong-Password-123')).status);
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    for (const node of cluster.nodeUrls) expect((await signIn(node, 'admin', adminPassword)).status).toBe(423);
  });

  it('keeps answering through nginx when a node stops', async () => {
    await cluster.stopNode(0);
    for (let n = 0; n < 6; n++) expect((await fetch(`${cluster.url}/ready`)).status).toBe(200);
  });
});

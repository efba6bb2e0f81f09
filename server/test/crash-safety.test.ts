import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { verifyAuditTrail } from '../src/platform/audit/audit-archive.ts';
import { buildCustomer, headOfficeId } from './factories.ts';
import { buildClaim, createPolicy, createProduct } from './insurance-factories.ts';
import { signInOverHttp } from './support/http-session.ts';
import { type Client, adminPassword } from './test-app.ts';

/**
 * Issue 11 item 4: the real server as a child process under a write load, `kill -9` at a random moment,
 * restart, and check: every acknowledged write is there (with its audit row, and a claim with exactly one
 * outbox event), nothing half-written, SQLite `integrity_check` = ok, the audit hash chain verifies.
 * SQLite in WAL mode (synchronous=FULL, the product default); PostgreSQL when DATABASE_URL is set.
 * Short form here (CRASH_ROUNDS, default 3); the long form: `CRASH_ROUNDS=100 npx vitest run test/crash-safety.test.ts`.
 */
const rounds = Number(process.env.CRASH_ROUNDS ?? 3);
const writers = 6;
const serverDir = path.resolve(import.meta.dirname, '..');
const entry = path.join(serverDir, 'test/support/cluster-node.ts');
const baseUrl = process.env.DATABASE_URL;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

let dataDir: string;
let env: Record<string, string>;
let schema: string | null = null;
let url = '';
let child: ChildProcess | null = null;

async function startServer(): Promise<number> {
  const started = Date.now();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: serverDir, env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`))));
  exited.catch(() => undefined);
  for (;;) {
    if (Date.now() - started > 60_000) throw new Error('server not ready within 60 s');
    const ready = await Promise.race([fetch(`${url}/ready`).then((response) => response.ok, () => false), exited]);
    if (ready) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function kill9(): Promise<void> {
  const victim = child!;
  child = null;
  if (victim.exitCode !== null) return;
  const gone = new Promise((resolve) => victim.once('exit', resolve));
  victim.kill('SIGKILL');
  await gone;
}

const signIn = (): Promise<Client> => signInOverHttp(url);

/** A second connection to the same database, from the test process (the server may be running). */
async function inspect<T>(work: (db: ReturnType<typeof openDatabase>['db'], dialect: string) => Promise<T>): Promise<T> {
  const database = openDatabase(configFrom({ ...env, NODE_ENV: 'test' }));
  try {
    return await work(database.db, database.dialect);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-crash-'));
  env = { NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_PASSWORD: adminPassword, MFA_REQUIRED_ROLES: 'none', DEMO_DATA: 'false', LOG_LEVEL: 'warn', JOBS_ENABLED: 'false', LOGIN_IP_PER_MINUTE: '10000' };
  if (baseUrl) {
    schema = `k_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    env.DATABASE_URL = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    env.REDIS_PREFIX = `${schema}:`;
  }
}, 60_000);

afterAll(async () => {
  if (child) await kill9();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (schema && baseUrl) {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
});

describe(`kill -9 under write load (${baseUrl ? 'PostgreSQL' : 'SQLite WAL'})`, () => {
  it(`loses no acknowledged write over ${rounds} rounds, and the database, audit chain and outbox stay whole`, async () => {
    await startServer();
    let admin = await signIn();
    const orgId = await headOfficeId(admin);
    const product = (await createProduct(admin, { minAge: null, maxAge: null })).id as number;
    const holder = (await admin.request('POST', '/api/customers', buildCustomer({ orgId, name: '崩溃测试投保人' }))).body.id as number;
    const policy = (await createPolicy(admin, { applicantId: holder, insuredId: holder, productId: product, orgId })).id as number;

    const ackedCustomers = new Map<string, number>();
    const ackedClaims = new Map<string, number>();
    let survived = 0;
    let inFlightLost = 0;
    const restartMs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (round > 1) {
        restartMs.push(await startServer());
        admin = await signIn();
      }
      let stop = false;
      let ackedThisRound = 0;
      const writer = async (w: number) => {
        for (let n = 0; !stop; n++) {
          const marker = `R${round}W${w}N${n}${randomBytes(3).toString('hex')}`;
          const claim = randomInt(4) === 0;
          try {
            const response = claim
              ? await admin.request('POST', '/api/claims', buildClaim({ policyId: policy, insuredId: holder, claimNo: `CK${marker}`, orgId }))
              : await admin.request('POST', '/api/customers', buildCustomer({ orgId, name: `崩溃${marker}` }));
            if (response.status === 201) {
              (claim ? ackedClaims : ackedCustomers).set(marker, response.body.id as number);
              ackedThisRound++;
            }
            else if (!stop) throw new Error(`write refused: ${response.status} ${response.text.slice(0, 200)}`);
          } catch (error) {
            if (!stop) throw error;
            inFlightLost++;
          }
        }
      };
      const load = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      // The kill lands at a random moment once the load is under way (a slow, shared machine may take a
      // while to answer the first writes): after this round's first few acknowledgements, plus 0–1.5 s.
      for (let waited = 0; ackedThisRound < 6 && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 1500)));
      stop = true;
      await kill9();
      await load;

      // Restart on the crashed files, then check everything from a second connection.
      restartMs.push(await startServer());
      const problems = await inspect(async (db, dialect) => {
        const found: string[] = [];
        if (dialect === 'sqlite') {
          const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows.map((row) => row.integrity_check);
          if (integrity.join() !== 'ok') found.push(`integrity_check: ${integrity.join('; ')}`);
          const foreignKeys = (await sql`pragma foreign_key_check`.execute(db)).rows;
          if (foreignKeys.length) found.push(`foreign_key_check: ${JSON.stringify(foreignKeys.slice(0, 3))}`);
        }
        const customers = await db.selectFrom('customers').select(['id', 'name']).where('name', 'like', '崩溃R%').execute();
        const customerIds = new Map(customers.map((row) => [String(row.name).slice(2), Number(row.id)]));
        for (const [marker, id] of ackedCustomers) if (customerIds.get(marker) !== id) found.push(`acknowledged customer ${marker} (#${id}) lost`);
        const claims = await db.selectFrom('claims').select(['id', 'claim_no']).where('claim_no', 'like', 'CKR%').execute();
        const claimIds = new Map(claims.map((row) => [String(row.claim_no).slice(2), Number(row.id)]));
        for (const [marker, id] of ackedClaims) if (claimIds.get(marker) !== id) found.push(`acknowledged claim ${marker} (#${id}) lost`);
        // All or nothing: every row that exists (acknowledged or caught in flight) has its audit row; every claim one outbox event.
        const audited = new Set(
          (await db.selectFrom('audit_logs').select(['module', 'record_id']).where('action', '=', 'create').where('module', 'in', ['customer', 'claim']).execute()).map((row) => `${row.module}:${row.record_id}`),
        );
        for (const id of customerIds.values()) if (!audited.has(`customer:${id}`)) found.push(`customer #${id} without its audit row`);
        for (const id of claimIds.values()) if (!audited.has(`claim:${id}`)) found.push(`claim #${id} without its audit row`);
        const events = await db.selectFrom('outbox').select(['idempotency_key']).where('topic', '=', 'claim.progress').execute();
        const perKey = new Map<string, number>();
        for (const event of events) perKey.set(String(event.idempotency_key), (perKey.get(String(event.idempotency_key)) ?? 0) + 1);
        for (const id of claimIds.values()) if (perKey.get(`claim-progress:${id}:reported`) !== 1) found.push(`claim #${id}: ${perKey.get(`claim-progress:${id}:reported`) ?? 0} outbox events`);
        const chain = await verifyAuditTrail(db, path.join(dataDir, 'audit-archive'));
        if (chain.problems.length || chain.table.firstBadId !== null) found.push(`audit chain: ${chain.problems.slice(0, 3).join('; ')}`);
        return found;
      });
      expect(problems, `round ${round}`).toEqual([]);
      survived++;
      await kill9();
    }
    expect(ackedCustomers.size + ackedClaims.size).toBeGreaterThanOrEqual(rounds * 6);
    console.info(
      `crash safety (${baseUrl ? 'postgres' : 'sqlite'}): ${survived}/${rounds} kill -9 rounds survived, ${ackedCustomers.size} customers + ${ackedClaims.size} claims acknowledged, 0 lost; ${inFlightLost} requests cut off in flight; restart ${Math.min(...restartMs)}–${Math.max(...restartMs)} ms`,
    );
  }, Math.max(120_000, rounds * 30_000));
});

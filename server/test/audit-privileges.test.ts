import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.ts';
import { configFrom } from '../src/config.ts';
import { archiveAuditLogs } from '../src/platform/audit/audit-archive.ts';
import { verifyAuditChain } from '../src/platform/audit/audit.ts';
import { buildCustomer, headOfficeId } from './factories.ts';
import { type TestApp, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const baseUrl = process.env.DATABASE_URL;

/** PostgreSQL only: SQLite has no roles (its protection is the triggers, tested in audit-retention). */
describe.skipIf(!baseUrl?.startsWith('postgres'))('PostgreSQL: the app as a non-owner role', () => {
  const role = `app_${randomBytes(4).toString('hex')}`;
  let owner: TestApp;
  let schema: string;
  let ownerUrl: string;
  let appUrl: string;
  let asApp: App & { dialect: 'postgres'; dataDir: string };
  let client: pg.Client;

  const superuser = async (statement: string) => {
    const connection = new pg.Client({ connectionString: baseUrl });
    await connection.connect();
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  const withSearchPath = (url: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

  beforeAll(async () => {
    owner = await buildTestApp();
    schema = (await rawRows<{ schema: string }>(owner, 'select current_schema() as schema'))[0]!.schema;
    ownerUrl = withSearchPath(baseUrl!);
    await superuser(`create role ${role} login password 'app-role-test'`);
    const url = new URL(baseUrl!);
    url.username = role;
    url.password = 'app-role-test';
    appUrl = withSearchPath(url.toString());
    // The real command, run as the owner.
    const granted = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'db:grant-app-role', role], {
      cwd: serverDir,
      env: { PATH: process.env.PATH, DATABASE_URL: ownerUrl, DATA_DIR: owner.dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(granted.stderr).toContain(`granted ${role}`);
    expect(granted.status).toBe(0);
    // The app itself: its own role for requests, the owner only for migrations.
    const config = configFrom({
      NODE_ENV: 'test',
      DATA_DIR: owner.dataDir,
      DATABASE_URL: appUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      ENCRYPTION_KEY: undefined,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      MFA_REQUIRED_ROLES: 'none',
      LOGIN_IP_PER_MINUTE: '10000',
      AUDIT_RETENTION_DAYS: '180',
    });
    const built = await buildApp({ config, logger: false, testHooks: { exposeCaptchaAnswer: true } });
    asApp = { ...built, dialect: 'postgres', dataDir: owner.dataDir };
    client = new pg.Client({ connectionString: appUrl });
    await client.connect();
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await asApp?.close();
    await owner?.close();
    await superuser(`drop owned by ${role}`).catch(() => {});
    await superuser(`drop role if exists ${role}`);
  });

  const asRole = (statement: string) => client.query(statement);

  it('connects as the app role, which owns nothing', async () => {
    const { rows } = await asRole(`select current_user as who, (select count(*)::int from pg_tables where schemaname = current_schema() and tableowner = current_user) as owned`);
    expect(rows[0]).toEqual({ who: role, owned: 0 });
  });

  it('serves the app: sign-in, customer writes with their audit rows, list', async () => {
    const admin = await loginAdmin(asApp as unknown as TestApp);
    const orgId = await headOfficeId(admin);
    const before = await countRows(owner, 'audit_logs');
    const created = await admin.request('POST', '/api/customers', buildCustomer({ orgId }));
    expect(created.status).toBe(201);
    const updated = await admin.request('PATCH', `/api/customers/${created.body.id}`, { occupation: '教师', version: created.body.version });
    expect(updated.status).toBe(200);
    expect((await admin.request('DELETE', `/api/customers/${created.body.id}`)).status).toBe(204);
    expect(await countRows(owner, 'audit_logs')).toBe(before + 3);
    expect((await admin.request('GET', '/api/customers?pageSize=5')).status).toBe(200);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit_logs and audit_archives with permission denied', async () => {
    for (const table of ['audit_logs', 'audit_archives']) {
      await expect(asRole(`update ${table} set id = id`)).rejects.toThrow(/permission denied/);
      await expect(asRole(`delete from ${table}`)).rejects.toThrow(/permission denied/);
      await expect(asRole(`truncate ${table}`)).rejects.toThrow(/permission denied/);
    }
    const { rows } = await asRole('select count(*)::int as n from audit_logs');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('still refuses them with the append-only triggers dropped, and with the archival setting forged', async () => {
    const count = await countRows(owner, 'audit_logs');
    for (const trigger of ['audit_logs_no_change', 'audit_logs_no_truncate']) await rawRows(owner, `drop trigger ${trigger} on audit_logs`);
    await expect(asRole(`update audit_logs set action = 'forged'`)).rejects.toThrow(/permission denied/);
    await expect(asRole('delete from audit_logs')).rejects.toThrow(/permission denied/);
    await expect(asRole('truncate audit_logs')).rejects.toThrow(/permission denied/);
    await asRole('begin');
    await asRole(`select set_config('insure.audit_archive', '0:999999999', true)`);
    await expect(asRole('delete from audit_logs')).rejects.toThrow(/permission denied/);
    await asRole('rollback');
    // No DDL either: the role cannot create objects in the schema or drop the owner's.
    await expect(asRole('create table sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(asRole('drop table audit_logs')).rejects.toThrow(/must be owner/);
    expect(await countRows(owner, 'audit_logs')).toBe(count);
    expect(await countRows(owner, 'audit_logs', `action = 'forged'`)).toBe(0);
    expect((await verifyAuditChain(owner.services.database.db)).firstBadId).toBeNull();
  });

  it('lets the app role archive only through the archival function, and only a recorded range', async () => {
    await expect(asRole('select audit_logs_archive(1, 999999999)')).rejects.toThrow(/no archive record/);
    // Every row is older than 180 days once the clock is a year ahead.
    const later = { now: () => new Date(Date.now() + 400 * 86_400_000) };
    const count = await countRows(owner, 'audit_logs');
    const result = await archiveAuditLogs({ ...asApp.services, clock: later });
    expect(result.rows).toBe(count);
    expect(await countRows(owner, 'audit_logs')).toBe(1);
    expect((await verifyAuditChain(owner.services.database.db)).firstBadId).toBeNull();
  });

  it('gives the app role tables that later migrations create (default privileges)', async () => {
    await rawRows(owner, 'create table later_feature (id bigint generated by default as identity primary key, note text)');
    await asRole(`insert into later_feature (note) values ('written by the app role')`);
    const { rows } = await asRole('select note from later_feature');
    expect(rows).toEqual([{ note: 'written by the app role' }]);
  });
});

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { openPostgres } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { MigrationRefused, migrateSqliteToPostgres, type MigrationReport } from '../src/db/migrate-to-postgres.ts';
import { archiveAuditLogs, verifyAuditTrail } from '../src/platform/audit/audit-archive.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

const baseUrl = process.env.DATABASE_URL;
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000), Buffer.from('\n%%EOF\n')]);

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const schemas: string[] = [];
/** A fresh, empty PostgreSQL schema and a URL whose connections use it. */
async function freshSchema(): Promise<{ schema: string; url: string }> {
  const schema = `m_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  schemas.push(schema);
  return { schema, url: `${baseUrl}${baseUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

// Every schema the file made, dropped once both suites are done.
afterAll(async () => {
  if (!schemas.length) return;
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  });
});

const tablesIn = (schema: string) => withClient(async (client) => Number((await client.query(`select count(*) as n from pg_tables where schemaname = $1`, [schema])).rows[0].n));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

// Needs a PostgreSQL server to migrate into; the SQLite source is built whatever the suite's dialect.
describe.runIf(baseUrl?.startsWith('postgres'))('db:migrate-to-postgres', () => {
  let source: TestApp;
  let target: TestApp | null = null;
  let sourceAdmin: Client;
  let sqliteFile: string;
  let customerId: number;
  let attachmentId: number;
  let report: MigrationReport;
  let targetUrl: string;

  beforeAll(async () => {
    source = await buildTestApp({ sqlite: true, demoCustomers: 40 });
    sqliteFile = source.services.config.sqliteFile!;
    sourceAdmin = await loginAdmin(source);
    const customer = await createCustomer(sourceAdmin, { orgId: await headOfficeId(sourceAdmin), name: '迁移测试客户', occupation: '教师' });
    customerId = customer.id;
    const uploaded = await source.app.inject({
      method: 'POST',
      url: `/api/customers/${customerId}/attachments?fileName=${encodeURIComponent('保单.pdf')}`,
      payload: pdf,
      headers: { 'content-type': 'application/octet-stream', cookie: `sid=${sourceAdmin.cookie}`, 'x-csrf-token': sourceAdmin.csrf },
    });
    expect(uploaded.statusCode).toBe(201);
    attachmentId = JSON.parse(uploaded.body).id;
    // A deleted customer: its id must never be handed out again on PostgreSQL.
    const removed = await createCustomer(sourceAdmin, { orgId: await headOfficeId(sourceAdmin) });
    expect((await sourceAdmin.request('DELETE', `/api/customers/${removed.id}`)).status).toBe(204);
    ({ url: targetUrl } = await freshSchema());
    report = await migrateSqliteToPostgres({ from: sqliteFile, to: targetUrl, batchRows: 50 });
  }, 120_000);

  afterAll(async () => {
    await target?.close();
    await source?.close();
  });

  it('copies every table with equal row counts and checksums, and the audit chain verifies on PostgreSQL', async () => {
    expect(report.ok).toBe(true);
    expect(report.migrations.length).toBeGreaterThan(0);
    const sqlite = new SQLite(sqliteFile, { readonly: true });
    try {
      const names = (sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`).all() as { name: string }[]).map((row) => row.name);
      expect(report.tables.map((table) => table.table).sort()).toEqual(names.sort());
      for (const table of report.tables) {
        const { n } = sqlite.prepare(`select count(*) as n from "${table.table}"`).get() as { n: number };
        expect({ table: table.table, rows: table.sourceRows }).toEqual({ table: table.table, rows: n });
        expect(table.targetRows).toBe(table.sourceRows);
        expect(table.targetChecksum).toBe(table.sourceChecksum);
        expect(table.sourceChecksum).toMatch(/^[0-9a-f]{64}$/);
      }
    } finally {
      sqlite.close();
    }
    const byName = Object.fromEntries(report.tables.map((table) => [table.table, table]));
    expect(byName.customers!.sourceRows).toBe(40 + 2);
    expect(byName.attachments!.sourceRows).toBe(1);
    expect(byName.audit_logs!.sourceRows).toBeGreaterThan(40);
    expect(report.audit.target).toEqual({ checked: byName.audit_logs!.sourceRows, firstBadId: null });
  });

  it('leaves the same indexes, keys and triggers as a freshly migrated database', async () => {
    const { schema: fresh, url } = await freshSchema();
    const database = openPostgres(url, 1);
    await migrateToLatest(database).finally(() => database.close());
    const targetSchema = new URL(targetUrl).searchParams.get('options')!.split('=')[1]!;
    const structure = (schema: string) =>
      withClient(async (client) => {
        const indexes = await client.query(`select indexname, replace(indexdef, $1, 'S.') as def from pg_indexes where schemaname = $2 order by 1`, [`${schema}.`, schema]);
        const keys = await client.query(
          `select conrelid::regclass::text as table, conname, contype, condeferrable, pg_get_constraintdef(c.oid) as def from pg_constraint c where connamespace = $1::regnamespace order by 2`,
          [schema],
        );
        const triggers = await client.query(`select tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = $1::regnamespace and not tgisinternal order by 1`, [schema]);
        return {
          indexes: indexes.rows,
          keys: keys.rows.map((row) => ({ ...row, table: String(row.table).replace(`${schema}.`, ''), def: String(row.def).replaceAll(`${schema}.`, 'S.') })),
          triggers: triggers.rows.map((row) => row.tgname),
        };
      });
    const [migrated, expected] = await Promise.all([structure(targetSchema), structure(fresh)]);
    expect(migrated.indexes.length).toBeGreaterThan(100);
    expect(migrated.indexes.some((index) => index.indexname === 'customers_name_trgm')).toBe(true);
    expect(migrated.keys.filter((key) => key.contype === 'f').length).toBeGreaterThan(50);
    expect(migrated.triggers).toContain('audit_logs_no_change');
    expect(migrated).toEqual(expected);
  });

  it('leaves the copied tables vacuumed and analysed: visibility map and planner statistics filled at once', async () => {
    // Whether VACUUM can mark pages all-visible depends on other sessions' snapshots on the shared server
    // (other test files run beside this one), so the test asserts that the command ran, on every table.
    const targetSchema = new URL(targetUrl).searchParams.get('options')!.split('=')[1]!;
    const tables = await withClient(async (client) =>
      (
        await client.query<{ name: string; vacuumed: boolean; analysed: boolean }>(
          `select relname as name, last_vacuum is not null as vacuumed, last_analyze is not null as analysed from pg_stat_user_tables where schemaname = $1 and relname not like 'kysely%' order by 1`,
          [targetSchema],
        )
      ).rows,
    );
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['audit_logs', 'customers', 'organisations', 'policies']));
    expect(tables.filter((table) => !table.vacuumed || !table.analysed)).toEqual([]);
  });

  it('starts the application on PostgreSQL serving the same customers, attachments and audit trail', async () => {
    // Its own Redis key space: signing in here must not end the source's admin session (single login).
    const config = { ...source.services.config, DATABASE_URL: targetUrl, sqliteFile: null, REDIS_PREFIX: `m${randomBytes(4).toString('hex')}:` };
    const built = await buildApp({ config, logger: false, testHooks: { exposeCaptchaAnswer: true } });
    target = { ...built, dialect: 'postgres', dataDir: source.dataDir };
    expect(target.services.database.dialect).toBe('postgres');
    const admin = await loginAdmin(target);
    const page = '/api/customers?pageSize=100&sort=name&order=asc';
    const [before, after] = await Promise.all([sourceAdmin.request('GET', page), admin.request('GET', page)]);
    expect(after.status).toBe(200);
    expect(after.body.total).toBe(41);
    expect(after.body.items).toEqual(before.body.items);
    const detail = await admin.request('GET', `/api/customers/${customerId}`);
    expect(detail.body).toEqual((await sourceAdmin.request('GET', `/api/customers/${customerId}`)).body);
    expect(detail.body).toMatchObject({ name: '迁移测试客户', occupation: '教师' });
    const search = await admin.request('GET', `/api/customers?q=${encodeURIComponent('迁移测试')}`);
    expect(search.body.items.map((item: { id: number }) => item.id)).toEqual([customerId]);
    const file = await target.app.inject({ method: 'GET', url: `/api/attachments/${attachmentId}/download`, headers: { cookie: `sid=${admin.cookie}` } });
    expect(file.statusCode).toBe(200);
    expect(Buffer.compare(file.rawPayload, pdf)).toBe(0);

    // New rows continue after the highest id SQLite gave out (the deleted customer's included), and chain on.
    const [{ id: highest }] = (await rawRows<{ id: number }>(source, 'select max(id) as id from customers')) as [{ id: number }];
    const created = await createCustomer(admin, { orgId: await headOfficeId(admin) });
    expect(created.id).toBe(highest + 1);
    const trail = await verifyAuditTrail(target.services.database.db, target.services.config.auditArchiveDir);
    expect(trail.problems).toEqual([]);
    expect(trail.table.checked).toBeGreaterThan(report.audit.target.checked);
  });

  it('refuses a target that already holds data, and leaves it as it was', async () => {
    const customersBefore = await countRows(target!, 'customers');
    await expect(migrateSqliteToPostgres({ from: sqliteFile, to: targetUrl })).rejects.toThrow(MigrationRefused);
    const refused = cli('db:migrate-to-postgres', '--from', sqliteFile, '--to', targetUrl);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refused: the target schema "m_[0-9a-f]+" is not empty \(\d+ table\(s\) hold rows: accounts?.*audit_logs.*\); migrate into an empty database or schema/);
    expect(await countRows(target!, 'customers')).toBe(customersBefore);
  });

  it('prints a result table and exits 0 from the command line', async () => {
    const { url } = await freshSchema();
    const result = cli('db:migrate-to-postgres', '--from', sqliteFile, '--to', url);
    expect(result.stderr).not.toMatch(/refused|failed/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^customers\s+42\s+42\s+[0-9a-f]{16}\s+ok$/m);
    expect(result.stdout).toMatch(/^audit chain: source \d+ rows intact; target \d+ rows intact$/m);
    expect(result.stdout).toMatch(/committed/);
  });

  it('rolls everything back when a row cannot be converted: the target is left empty', async () => {
    const broken = path.join(source.dataDir, 'broken.db');
    await source.services.database.sqlite!.backup(broken);
    const copy = new SQLite(broken);
    copy.prepare(`update customers set created_at = 'yesterday' where id = ?`).run(customerId);
    copy.close();
    const { schema, url } = await freshSchema();
    await expect(migrateSqliteToPostgres({ from: broken, to: url })).rejects.toThrow(`customers (id=${customerId}) column created_at: "yesterday" is not a timestamp with a time zone`);
    expect(await tablesIn(schema)).toBe(0);
    fs.rmSync(broken, { force: true });
  });

  it('rolls back when a reference points at a missing row (foreign keys are checked after the copy)', async () => {
    const orphaned = path.join(source.dataDir, 'orphaned.db');
    await source.services.database.sqlite!.backup(orphaned);
    const copy = new SQLite(orphaned);
    copy.pragma('foreign_keys = OFF');
    copy.prepare(`update customers set org_id = 987654 where id = ?`).run(customerId);
    copy.close();
    const { schema, url } = await freshSchema();
    await expect(migrateSqliteToPostgres({ from: orphaned, to: url })).rejects.toThrow(/violates foreign key constraint "customers_org_id_fk"/);
    expect(await tablesIn(schema)).toBe(0);
    fs.rmSync(orphaned, { force: true });
  });
});

// An installation whose oldest operation-log rows were archived: the anchor row and the files carry over.
describe.runIf(baseUrl?.startsWith('postgres'))('db:migrate-to-postgres with archived audit rows', () => {
  const day = 86_400_000;
  const clock = new ManualClock(new Date('2025-01-01T08:00:00.000Z'));
  let source: TestApp;

  beforeAll(async () => {
    source = await buildTestApp({ sqlite: true, clock, env: { AUDIT_RETENTION_DAYS: '200' } });
    let admin = await loginAdmin(source);
    await createCustomer(admin, { orgId: await headOfficeId(admin) });
    clock.advance(250 * day);
    admin = await loginAdmin(source);
    await createCustomer(admin, { orgId: await headOfficeId(admin) });
    const archived = await archiveAuditLogs(source.services);
    expect(archived.files).toHaveLength(1);
  }, 120_000);
  afterAll(() => source?.close());

  it('verifies the archive files against the copied anchors, and continues audit ids after the archived ones', async () => {
    const { url } = await freshSchema();
    const report = await migrateSqliteToPostgres({ from: source.services.config.sqliteFile!, to: url });
    expect(report.ok).toBe(true);
    expect(report.audit.archives).toEqual({ directory: source.services.config.auditArchiveDir, files: 1, problems: [] });
    const [anchor] = await rawRows<{ last_id: number }>(source, 'select last_id from audit_archives');
    const [{ id: nextAuditId }] = await withClient(async (client) => {
      await client.query(`set search_path = ${new URL(url).searchParams.get('options')!.split('=')[1]}`);
      return (await client.query(`select nextval(pg_get_serial_sequence('audit_logs', 'id'))::int as id`)).rows;
    });
    const [{ id: highest }] = (await rawRows<{ id: number }>(source, 'select max(id) as id from audit_logs')) as [{ id: number }];
    expect(nextAuditId).toBe(highest + 1);
    expect(nextAuditId).toBeGreaterThan(anchor!.last_id);
  });

  it('rolls back when an archive file does not match its record', async () => {
    const tampered = path.join(source.dataDir, 'tampered-archive');
    fs.cpSync(source.services.config.auditArchiveDir, tampered, { recursive: true });
    const file = fs.readdirSync(tampered).find((name) => name.endsWith('.jsonl.gz'))!;
    fs.writeFileSync(path.join(tampered, file), Buffer.from('not the archive'));
    const { schema, url } = await freshSchema();
    const report = await migrateSqliteToPostgres({ from: source.services.config.sqliteFile!, to: url, archiveDir: tampered });
    expect(report.ok).toBe(false);
    expect(report.audit.archives!.problems.join('\n')).toContain(file);
    expect(await tablesIn(schema)).toBe(0);
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPostgres, openSqlite } from '../src/db/database.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { applySchemaChange } from '../src/db/schema-spec.ts';
import { createSystemBackup } from '../src/domains/backup/backup.service.ts';
import { BackupCatalogue } from '../src/domains/backup/catalogue.ts';
import { buildCustomer } from './factories.ts';
import { type Client, type TestApp, adminPassword, buildTestApp, countRows, createAccount, login, loginAdmin, rawRows, userPassword } from './test-app.ts';

let app: TestApp;
let admin: Client;
let orgId: number;

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000), Buffer.from('\n%%EOF\n')]);

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
  orgId = Number((await rawRows<{ id: number }>(app, 'select id from organisations where parent_id is null'))[0]!.id);
});
afterAll(async () => {
  await app?.close();
});

const backupDir = () => app.services.config.backupDir;

async function createCustomer(client: Client): Promise<number> {
  const response = await client.request('POST', '/api/customers', buildCustomer({ orgId }));
  if (response.status !== 201) throw new Error(`create customer: ${response.status} ${response.text}`);
  return response.body.id as number;
}

async function takeBackup(client: Client = admin) {
  const response = await client.request('POST', '/api/backups', { kind: 'system' });
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; fileName: string; sha256: string; sizeBytes: number; status: string };
}

async function restore(id: string, password = adminPassword, client: Client = admin) {
  return client.request('POST', `/api/backups/${id}/restore`, { password });
}

const customerIds = async () => (await rawRows<{ id: number }>(app, 'select id from customers order by id')).map((row) => Number(row.id));

async function upload(client: Client, body: Buffer) {
  const response = await app.app.inject({
    method: 'POST',
    url: '/api/backups/upload?fileName=copy.tar.gz',
    payload: body,
    headers: { 'content-type': 'application/vnd.insure-backup', cookie: `sid=${client.cookie}`, 'x-csrf-token': client.csrf },
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

async function download(client: Client, id: string) {
  return app.app.inject({ method: 'GET', url: `/api/backups/${id}/download`, headers: { cookie: `sid=${client.cookie}` } });
}

async function integrityOk(): Promise<void> {
  if (app.dialect === 'sqlite') {
    const sqlite = app.services.database.sqlite!;
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
  }
  // Both engines: every customer's organisation and every account's credentials still resolve.
  expect(await countRows(app, 'customers c', 'not exists (select 1 from organisations o where o.id = c.org_id)')).toBe(0);
  expect(await countRows(app, 'account_credentials c', 'not exists (select 1 from accounts a where a.id = c.account_id)')).toBe(0);
}

describe('system backup and restore', () => {
  it('restores a backup taken during a write load to exactly the rows committed by then, with attachments', async () => {
    const firstId = await createCustomer(admin);
    const attachment = await app.app.inject({
      method: 'POST',
      url: `/api/customers/${firstId}/attachments?fileName=${encodeURIComponent('scan.pdf')}`,
      payload: pdf,
      headers: { 'content-type': 'application/octet-stream', cookie: `sid=${admin.cookie}`, 'x-csrf-token': admin.csrf },
    });
    expect(attachment.statusCode).toBe(201);
    const attachmentId = JSON.parse(attachment.body).id as number;

    const committed: number[] = [firstId];
    let stop = false;
    const writer = (async () => {
      while (!stop) committed.push(await createCustomer(admin));
    })();
    while (committed.length < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    const committedBefore = [...committed];
    const backup = await takeBackup();
    const committedAfter = committed.length;
    stop = true;
    await writer;
    expect(backup.status).toBe('succeeded');
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(path.join(backupDir(), backup.fileName)).size).toBe(backup.sizeBytes);

    const later = [await createCustomer(admin), await createCustomer(admin)];
    // The attachment file disappears from disk: the restore must bring it back.
    const [stored] = await rawRows<{ storage_key: string }>(app, `select storage_key from attachments where id = ${attachmentId}`);
    fs.rmSync(path.join(app.dataDir, 'attachments', stored!.storage_key));

    const restored = await restore(backup.id);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body.restoredFrom).toBe(backup.id);
    expect(restored.body.safetyBackup).toMatch(/^BAK-/);

    const ids = await customerIds();
    // A consistent snapshot: a prefix of the sequential writes, covering at least everything committed before it began.
    const count = ids.length;
    expect(count).toBeGreaterThanOrEqual(committedBefore.length);
    expect(count).toBeLessThanOrEqual(committedAfter);
    expect(ids).toEqual(committed.slice(0, count).sort((a, b) => a - b));
    for (const id of later) expect(ids).not.toContain(id);
    // Each customer and its operation-log entry were written in one transaction: both or neither came back.
    expect(await countRows(app, 'audit_logs', `module = 'customer' and action = 'create'`)).toBe(count);
    await integrityOk();

    // Everyone is signed out; signing in again works and the attachment downloads.
    expect((await admin.request('GET', '/api/customers')).status).toBe(401);
    admin = await loginAdmin(app);
    const file = await app.app.inject({ method: 'GET', url: `/api/attachments/${attachmentId}/download`, headers: { cookie: `sid=${admin.cookie}` } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);

    // The restore is in the restored operation log and the restore log, with who did it; the safety backup is listed.
    const logged = await rawRows<{ actor_name: string; changes: string }>(app, `select actor_name, changes from audit_logs where module = 'backup' and action = 'restore'`);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!.changes)).toMatchObject({ restoredFrom: backup.id, safetyBackup: restored.body.safetyBackup });
    const restoreLog = fs.readFileSync(path.join(backupDir(), 'restore-log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(restoreLog.at(-1)).toMatchObject({ backup: backup.id, safetyBackup: restored.body.safetyBackup, by: { name: '系统管理员' } });
    const list = await admin.request('GET', '/api/backups');
    expect(list.body.items.find((item: { id: string }) => item.id === restored.body.safetyBackup)).toMatchObject({ trigger: 'safety', status: 'succeeded' });

    // The safety backup holds the state just before the restore: restoring it brings the later customers back.
    const undo = await restore(restored.body.safetyBackup);
    expect(undo.status, undo.text).toBe(200);
    admin = await loginAdmin(app);
    const afterUndo = await customerIds();
    for (const id of later) expect(afterUndo).toContain(id);
    await integrityOk();
  });

  it('refuses a corrupted or truncated backup before anything changes', async () => {
    const backup = await takeBackup();
    const marker = await createCustomer(admin);
    const before = { customers: await countRows(app, 'customers'), backups: fs.readdirSync(backupDir()).filter((name) => name.endsWith('.json')).length };
    const file = path.join(backupDir(), backup.fileName);
    const original = fs.readFileSync(file);

    // One flipped byte: the recorded checksum no longer matches.
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    fs.writeFileSync(file, flipped);
    let response = await restore(backup.id);
    expect(response.status).toBe(400);
    expect(response.body.reasons.backup).toBe('backup_checksum_mismatch');

    // Damaged with its record "fixed" to match: the archive's own checks (gzip CRC, manifest checksums) refuse it.
    const recordFile = path.join(backupDir(), `${backup.id}.json`);
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    const { createHash } = await import('node:crypto');
    fs.writeFileSync(recordFile, JSON.stringify({ ...record, sha256: createHash('sha256').update(flipped).digest('hex') }));
    response = await restore(backup.id);
    expect(response.status).toBe(400);
    expect(['backup_damaged', 'backup_entries_mismatch', 'backup_bad_header', 'backup_truncated']).toContain(response.body.reasons.backup);

    // Truncated, record fixed again.
    const truncated = original.subarray(0, Math.floor(original.length * 0.6));
    fs.writeFileSync(file, truncated);
    fs.writeFileSync(recordFile, JSON.stringify({ ...record, sha256: createHash('sha256').update(truncated).digest('hex') }));
    response = await restore(backup.id);
    expect(response.status).toBe(400);
    expect(['backup_damaged', 'backup_truncated']).toContain(response.body.reasons.backup);

    // Uploads get the same checks and are not kept when refused.
    expect((await upload(admin, truncated)).status).toBe(400);
    expect((await upload(admin, flipped)).status).toBe(400);
    expect((await upload(admin, Buffer.from('not a backup at all'))).status).toBe(400);

    // Nothing changed: same rows (the marker is still there), no safety backup taken, still signed in.
    expect(await countRows(app, 'customers')).toBe(before.customers);
    expect(await customerIds()).toContain(marker);
    expect(fs.readdirSync(backupDir()).filter((name) => name.endsWith('.json')).length).toBe(before.backups);
    expect((await admin.request('GET', '/api/backups')).status).toBe(200);
    const refusals = await rawRows(app, `select 1 from audit_logs where module = 'backup' and action = 'restore_refused'`);
    expect(refusals.length).toBe(3);
    fs.writeFileSync(file, original);
    fs.writeFileSync(recordFile, JSON.stringify(record));
  });

  it('round-trips a backup through download and upload, and refuses a wrong password', async () => {
    const marker = await createCustomer(admin);
    const backup = await takeBackup();
    const downloaded = await download(admin, backup.id);
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.headers['x-checksum-sha256']).toBe(backup.sha256);
    expect(downloaded.rawPayload.length).toBe(backup.sizeBytes);
    expect((await admin.request('DELETE', `/api/backups/${backup.id}`)).status).toBe(204);

    const uploaded = await upload(admin, downloaded.rawPayload);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body).toMatchObject({ kind: 'system', trigger: 'upload', status: 'succeeded', sha256: backup.sha256 });

    await rawRows(app, `update customers set name = '改过的名字' where id = ${marker}`);
    const wrong = await restore(uploaded.body.id, 'Not-The-Password-1');
    expect(wrong.status).toBe(400);
    expect(wrong.body.reasons.password).toBe('wrong_password');
    expect((await rawRows<{ name: string }>(app, `select name from customers where id = ${marker}`))[0]!.name).toBe('改过的名字');

    const backupActions = async () => (await rawRows<{ action: string }>(app, `select action from audit_logs where module = 'backup' order by id`)).map((row) => row.action);
    expect((await backupActions()).slice(-5)).toEqual(['create', 'download', 'delete', 'upload', 'restore_refused']);

    const restored = await restore(uploaded.body.id);
    expect(restored.status, restored.text).toBe(200);
    admin = await loginAdmin(app);
    expect((await rawRows<{ name: string }>(app, `select name from customers where id = ${marker}`))[0]!.name).not.toBe('改过的名字');
    // The operation log is the restored one (as of the backup, taken before its own entry) plus the restore itself.
    const after = await backupActions();
    expect(after.at(-1)).toBe('restore');
    expect(after).not.toContain('upload');
  });

  it('restores a backup of an older schema version and runs the migrations forward', async () => {
    const previous = migrations.slice(0, -1);
    const latest = migrations.at(-1)!.name;
    const marker = await createCustomer(admin);
    const { database: old, url, cleanup } = await olderDatabase(previous.map((migration) => migration.name));
    try {
      await copyRows(old);
      const oldServices = { ...app.services, database: old, config: { ...app.services.config, DATABASE_URL: url ?? app.services.config.DATABASE_URL } };
      const record = await createSystemBackup(oldServices, new BackupCatalogue(backupDir()), { accountId: null, name: 'test' }, 'manual');
      expect(record.status, record.error ?? '').toBe('succeeded');
      expect(record.schemaVersion).toBe(previous.at(-1)!.name);
      await old.close();
      await cleanup();
      await createCustomer(admin);

      const restored = await restore(record.id);
      expect(restored.status, restored.text).toBe(200);
      expect(restored.body.migrationsApplied).toEqual([latest]);
      admin = await loginAdmin(app);
      const applied = (await rawRows<{ name: string }>(app, 'select name from kysely_migration order by name')).map((row) => row.name);
      expect(applied).toEqual(migrations.map((migration) => migration.name));
      expect(await customerIds()).toContain(marker);
      await integrityOk();
    } finally {
      await old.close().catch(() => {});
      await cleanup();
    }
  });
});

/** A database at an older schema version: the earlier migrations applied, nothing else. */
async function olderDatabase(names: string[]): Promise<{ database: Database; url: string | null; cleanup: () => Promise<void> }> {
  const provider = {
    getMigrations: async () => Object.fromEntries(migrations.filter((migration) => names.includes(migration.name)).map(({ name, change }) => [name, { up: async (db: never) => applySchemaChange(db, database.dialect, change) }])),
  };
  let database: Database;
  let url: string | null = null;
  let cleanup = async () => {};
  if (app.dialect === 'sqlite') {
    const file = path.join(app.dataDir, `older-${randomBytes(4).toString('hex')}.db`);
    database = openSqlite(file);
    cleanup = async () => fs.rmSync(file, { force: true });
  } else {
    const schema = `old_${randomBytes(5).toString('hex')}`;
    const base = process.env.DATABASE_URL!;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    database = openPostgres(url, 2);
    cleanup = async () => {
      const drop = new pg.Client({ connectionString: base });
      await drop.connect();
      await drop.query(`drop schema if exists ${schema} cascade`);
      await drop.end();
    };
  }
  const { error } = await new Migrator({ db: database.db, provider, migrationTableSchema: app.dialect === 'postgres' ? url!.match(/search_path%3D(\w+)/)![1] : undefined }).migrateToLatest();
  if (error) throw error;
  return { database, url, cleanup };
}

/** Copies the live rows into the older database (columns both have), so its backup carries real data. */
async function copyRows(old: Database): Promise<void> {
  const tables = (await oldTables(old)).filter((table) => !table.startsWith('kysely_'));
  if (app.dialect === 'sqlite') {
    const target = new SQLite((old.sqlite as unknown as { name: string }).name);
    target.pragma('foreign_keys = off');
    target.prepare('attach database ? as live').run((app.services.database.sqlite as unknown as { name: string }).name);
    for (const table of tables) {
      const liveColumns = new Set((target.prepare(`select name from pragma_table_info(?, 'live')`).all(table) as { name: string }[]).map((row) => row.name));
      if (!liveColumns.size) continue;
      const columns = (target.prepare(`select name from pragma_table_info(?, 'main')`).all(table) as { name: string }[]).map((row) => `"${row.name}"`).filter((name) => liveColumns.has(name.slice(1, -1)));
      target.exec(`delete from main."${table}"; insert into main."${table}" (${columns.join(',')}) select ${columns.join(',')} from live."${table}"`);
    }
    target.close();
    return;
  }
  const liveSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(app.services.database.db)).rows[0]!.s;
  const oldSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(old.db)).rows[0]!.s;
  await old.db.connection().execute(async (connection) => {
    await sql`set session_replication_role = replica`.execute(connection);
    for (const table of tables) {
      const rows = await sql<{ column_name: string }>`select a.column_name from information_schema.columns a join information_schema.columns b on b.table_schema = ${liveSchema} and b.table_name = a.table_name and b.column_name = a.column_name where a.table_schema = ${oldSchema} and a.table_name = ${table}`.execute(connection);
      if (!rows.rows.length) continue;
      const columns = rows.rows.map((row) => `"${row.column_name}"`).join(',');
      await sql.raw(`delete from "${oldSchema}"."${table}"; insert into "${oldSchema}"."${table}" (${columns}) overriding system value select ${columns} from "${liveSchema}"."${table}"`).execute(connection);
      // Identity sequences follow the copied ids, as they would in a database that had really been used.
      if (rows.rows.some((row) => row.column_name === 'id')) {
        await sql.raw(`select setval(seq, (select coalesce(max(id), 0) + 1 from "${oldSchema}"."${table}"), false) from (select pg_get_serial_sequence('"${oldSchema}"."${table}"', 'id') as seq) s where seq is not null`).execute(connection);
      }
    }
    await sql`set session_replication_role = origin`.execute(connection);
  });
}

async function oldTables(old: Database): Promise<string[]> {
  if (old.dialect === 'sqlite') return (old.sqlite!.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).all() as { name: string }[]).map((row) => row.name);
  return (await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(old.db)).rows.map((row) => row.table_name);
}

describe('backup permissions, audit and operations', () => {
  it('allows backups only with the backup permissions and logs each action', async () => {
    const auditor = await (async () => {
      await createAccount(admin, { loginName: 'backup_auditor', orgId, roles: ['auditor'] });
      return login(app, 'backup_auditor', userPassword);
    })();
    const backup = await takeBackup();
    expect((await auditor.request('GET', '/api/backups')).status).toBe(403);
    expect((await auditor.request('POST', '/api/backups', { kind: 'system' })).status).toBe(403);
    expect((await download(auditor, backup.id)).statusCode).toBe(403);
    expect((await upload(auditor, Buffer.from('x'))).status).toBe(403);
    expect((await restore(backup.id, userPassword, auditor)).status).toBe(403);
    expect((await auditor.request('DELETE', `/api/backups/${backup.id}`)).status).toBe(403);
    expect((await app.app.inject({ method: 'GET', url: '/api/backups' })).statusCode).toBe(401);
    expect((await admin.request('GET', '/api/backups/..%2F..%2Fetc/download')).status).toBe(400);

    const audited = await rawRows<{ action: string; actor_name: string; changes: string }>(app, `select action, actor_name, changes from audit_logs where module = 'backup' and action = 'create' order by id desc`);
    expect(JSON.parse(audited[0]!.changes)).toMatchObject({ backup: backup.id, kind: 'system', status: 'succeeded' });
  });

  it('exports important data as one archive of spreadsheets, checked against the caller\'s export permissions', async () => {
    const response = await admin.request('POST', '/api/backups', { kind: 'importantData', modules: ['customer', 'policy'], format: 'csv' });
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ kind: 'importantData', modules: ['customer', 'policy'], format: 'csv' });
    const file = await download(admin, response.body.id);
    const { extractArchive } = await import('../src/domains/backup/archive.ts');
    const scratch = fs.mkdtempSync(path.join(app.dataDir, 'imp-'));
    const tmp = path.join(scratch, 'a.tar.gz');
    fs.writeFileSync(tmp, file.rawPayload);
    const entries = (await extractArchive(tmp, path.join(scratch, 'out'), null)).map((entry) => entry.name).sort();
    expect(entries).toEqual(['customers.csv', 'manifest.json', 'policies.csv']);
    const csv = fs.readFileSync(path.join(scratch, 'out', 'customers.csv'), 'utf8');
    expect(csv.trim().split('\n').length - 1).toBe(await countRows(app, 'customers', 'deleted_at is null'));
    // An important-data export cannot be restored.
    const refusedRestore = await restore(response.body.id);
    expect(refusedRestore.status).toBe(400);
    expect(refusedRestore.body.reasons.backup).toBe('backup_not_restorable');
    const bad = await admin.request('POST', '/api/backups', { kind: 'importantData', modules: ['nothing'] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields)).toContain('modules.0');
  });

  it('answers 503 during maintenance except for liveness and metrics, and reports backup age, jobs and outbox', async () => {
    await app.services.maintenance.enter('test', 0, 1000);
    try {
      expect((await admin.request('GET', '/api/customers')).status).toBe(503);
      expect((await app.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const ready = await app.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(JSON.parse(ready.body).checks.maintenance).toBe('active');
    } finally {
      app.services.maintenance.leave();
    }
    expect((await admin.request('GET', '/api/customers')).status).toBe(200);
    const metrics = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
    const age = Number(/^backup_age_seconds (\S+)$/m.exec(metrics)![1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(3600);
    expect(metrics).toMatch(/^outbox_backlog\{measure="pending"\} \d+$/m);
    expect(metrics).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
    expect(metrics).toContain('# TYPE job_runs_total counter');
    expect(metrics).toMatch(/^maintenance_mode 0$/m);
  });
});

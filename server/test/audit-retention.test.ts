import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../src/config.ts';
import { pendingStatementGroups } from '../src/db/generate-migration.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { archiveAuditLogs, archiveFileName, verifyArchiveFile, verifyAuditTrail } from '../src/platform/audit/audit-archive.ts';
import { genesisHash, verifyAuditChain } from '../src/platform/audit/audit.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { buildCustomer, headOfficeId } from './factories.ts';
import { type Client, type TestApp, buildTestApp, countRows, loginAdmin, rawRows } from './test-app.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const day = 86_400_000;
const start = new Date('2025-01-01T08:00:00.000Z');
const retentionDays = 200;

interface AuditRow {
  id: number;
  at: string;
  action: string;
  module: string;
  hash: string;
  prev_hash: string;
}

let app: TestApp;
let admin: Client;
let orgId: number;
const clock = new ManualClock(start);

const exec = (statement: string) => sql.raw(statement).execute(app.services.database.db);
const auditRows = () => rawRows<AuditRow>(app, 'select id, at, action, module, hash, prev_hash from audit_logs order by id');
const createCustomers = async (count: number) => {
  // The clock jumps by months between calls: the last session has timed out.
  admin = await loginAdmin(app);
  for (let n = 0; n < count; n++) expect((await admin.request('POST', '/api/customers', buildCustomer({ orgId }))).status).toBe(201);
};
const archiveDir = () => app.services.config.auditArchiveDir;

beforeAll(async () => {
  app = await buildTestApp({ clock, env: { AUDIT_RETENTION_DAYS: String(retentionDays) } });
  admin = await loginAdmin(app);
  orgId = await headOfficeId(admin);
});
afterAll(() => app.close());

describe('audit retention: the archive job', () => {
  let oldRows: AuditRow[];
  let youngRows: AuditRow[];

  it('moves exactly the rows older than the retention into a verified archive file and keeps every younger row', async () => {
    await createCustomers(3);
    clock.advance(100 * day);
    await createCustomers(2);
    // Now start + 250 days: the cutoff (now − 200 days) is start + 50 days, so the rows written at the start are old.
    clock.advance(150 * day);
    const before = await auditRows();
    const cutoff = new Date(start.getTime() + 50 * day).toISOString();
    oldRows = before.filter((row) => new Date(row.at).getTime() < Date.parse(cutoff));
    youngRows = before.filter((row) => new Date(row.at).getTime() >= Date.parse(cutoff));
    expect(oldRows.length).toBeGreaterThanOrEqual(3 + 1);
    expect(youngRows.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...oldRows.map((row) => row.id))).toBeLessThan(Math.min(...youngRows.map((row) => row.id)));

    const result = await archiveAuditLogs(app.services);
    expect(result).toEqual({ files: [archiveFileName(oldRows[0]!.id)], rows: oldRows.length, cutoff });

    const after = await auditRows();
    // Every young row is still there, unchanged; no old one is; the only new row is the archival's own entry.
    expect(after.slice(0, youngRows.length)).toEqual(youngRows);
    expect(after.length).toBe(youngRows.length + 1);
    const entry = after.at(-1)!;
    expect(entry).toMatchObject({ module: 'auditLog', action: 'archive' });
    const [logged] = await rawRows<{ changes: string; actor_name: string }>(app, `select changes, actor_name from audit_logs where id = ${entry.id}`);
    expect(logged!.actor_name).toBe('system');
    expect(JSON.parse(logged!.changes)).toMatchObject({ firstId: oldRows[0]!.id, lastId: oldRows.at(-1)!.id, rows: oldRows.length, retentionDays, lastHash: oldRows.at(-1)!.hash });
  });

  it('writes the archived rows, hash-chained from the genesis, into a gzip JSON-lines file with a matching manifest', async () => {
    const file = path.join(archiveDir(), archiveFileName(oldRows[0]!.id));
    const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: number; hash: string; prevHash: string; action: string; at: string });
    expect(lines.map((line) => [line.id, line.hash, line.prevHash, line.action])).toEqual(oldRows.map((row) => [row.id, row.hash, row.prev_hash, row.action]));
    expect(lines[0]!.prevHash).toBe(genesisHash);
    const check = verifyArchiveFile(file);
    expect(check).toEqual({ file: path.basename(file), rows: oldRows.length, firstId: oldRows[0]!.id, lastId: oldRows.at(-1)!.id, firstPrevHash: genesisHash, lastHash: oldRows.at(-1)!.hash, problems: [] });
    const manifest = JSON.parse(fs.readFileSync(file.replace('.jsonl.gz', '.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ rows: oldRows.length, firstId: oldRows[0]!.id, lastId: oldRows.at(-1)!.id, lastHash: oldRows.at(-1)!.hash });
    const [record] = await rawRows<{ first_id: number; last_id: number; row_count: number; file_sha256: string }>(app, 'select * from audit_archives');
    expect(Number(record!.row_count)).toBe(oldRows.length);
    expect(record!.file_sha256).toBe(manifest.sha256);
  });

  it('verifies the remaining rows anchored on the archive’s last hash, and the whole trail', async () => {
    const remaining = await countRows(app, 'audit_logs');
    expect(await verifyAuditChain(app.services.database.db)).toEqual({ checked: remaining, firstBadId: null });
    const trail = await verifyAuditTrail(app.services.database.db, archiveDir());
    expect(trail.problems).toEqual([]);
    expect(trail.archives.map((archive) => archive.rows)).toEqual([oldRows.length]);
    const [first] = await auditRows();
    expect(first!.prev_hash).toBe(oldRows.at(-1)!.hash);
  });

  it('removes nothing on a second run while no row has aged past the retention', async () => {
    const before = await auditRows();
    expect(await archiveAuditLogs(app.services)).toMatchObject({ files: [], rows: 0 });
    expect(await auditRows()).toEqual(before);
  });

  it('still refuses a plain DELETE, UPDATE or TRUNCATE, on the log and on the archive records', async () => {
    const count = await countRows(app, 'audit_logs');
    await expect(exec('delete from audit_logs')).rejects.toThrow(/append-only/);
    await expect(exec('delete from audit_logs where id = (select min(id) from audit_logs)')).rejects.toThrow(/append-only/);
    await expect(exec(`update audit_logs set action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(exec('delete from audit_archives')).rejects.toThrow(/append-only/);
    await expect(exec(`update audit_archives set last_hash = 'x'`)).rejects.toThrow(/append-only/);
    if (app.dialect === 'postgres') {
      await expect(exec('truncate audit_logs')).rejects.toThrow(/append-only/);
      await expect(exec('truncate audit_archives')).rejects.toThrow(/append-only/);
      // The archival function deletes only a range an archive record with the matching last hash covers.
      const [young] = await auditRows();
      await expect(exec(`select audit_logs_archive(${young!.id}, ${young!.id})`)).rejects.toThrow(/no archive record/);
    }
    expect(await countRows(app, 'audit_logs')).toBe(count);
    expect(await countRows(app, 'audit_archive_guard')).toBe(0);
  });

  it('continues the chain across several archives, including one that empties the table, and after it', async () => {
    await createCustomers(2);
    // Everything, the first archival's own entry included, is now older than the retention.
    clock.advance(retentionDays * 2 * day);
    const before = await auditRows();
    const result = await archiveAuditLogs(app.services, { batchRows: 3 });
    expect(result.rows).toBe(before.length);
    expect(result.files.length).toBe(Math.ceil(before.length / 3));
    const after = await auditRows();
    // Each batch leaves one entry of its own, which this run does not take.
    expect(after.map((row) => row.action)).toEqual(result.files.map(() => 'archive'));
    expect(after[0]!.prev_hash).toBe(before.at(-1)!.hash);
    // One batch takes every row left: the archival entry is written into an empty table and links to the archive.
    clock.advance(retentionDays * 2 * day);
    expect(await archiveAuditLogs(app.services)).toMatchObject({ rows: after.length });
    const emptied = await auditRows();
    expect(emptied.length).toBe(1);
    expect(emptied[0]!.prev_hash).toBe(after.at(-1)!.hash);
    await createCustomers(1);
    const trail = await verifyAuditTrail(app.services.database.db, archiveDir());
    expect(trail.problems).toEqual([]);
    expect(trail.archives.reduce((total, archive) => total + archive.rows, 0)).toBe(oldRows.length + before.length + after.length);
    expect(trail.table).toEqual({ checked: 2, firstBadId: null });
  });

  it('names a changed or truncated archive file', async () => {
    const [record] = await rawRows<{ file_name: string }>(app, 'select file_name from audit_archives order by first_id limit 1');
    const original = path.join(archiveDir(), record!.file_name);
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-copy-'));
    try {
      const copy = path.join(copyDir, record!.file_name);
      fs.copyFileSync(original.replace('.jsonl.gz', '.manifest.json'), copy.replace('.jsonl.gz', '.manifest.json'));
      const lines = gunzipSync(fs.readFileSync(original)).toString('utf8').trim().split('\n');
      const edited = JSON.parse(lines[1]!);
      edited.actorName = 'someone else';
      fs.writeFileSync(copy, gzipSync([lines[0], JSON.stringify(edited), ...lines.slice(2)].join('\n')));
      const check = verifyArchiveFile(copy);
      expect(check.problems).toContain(`${record!.file_name}: chain broken at row ${edited.id}`);
      expect(check.problems.some((problem) => problem.includes('SHA-256'))).toBe(true);
      fs.writeFileSync(copy, gzipSync(lines.slice(0, -1).join('\n')));
      expect(verifyArchiveFile(copy).problems.some((problem) => problem.includes('rows is'))).toBe(true);
    } finally {
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
    const trail = await verifyAuditTrail(app.services.database.db, path.join(archiveDir(), 'elsewhere'));
    expect(trail.problems[0]).toBe(`${record!.file_name}: file not found`);
  });

  it('archives nothing when the chain is broken', async () => {
    clock.advance(retentionDays * 2 * day);
    const victim = (await auditRows())[0]!;
    if (app.dialect === 'sqlite') await exec('drop trigger audit_logs_no_update');
    else await exec('alter table audit_logs disable trigger audit_logs_no_change');
    await exec(`update audit_logs set actor_name = 'someone else' where id = ${victim.id}`);
    const before = await auditRows();
    const files = fs.readdirSync(archiveDir()).sort();
    await expect(archiveAuditLogs(app.services)).rejects.toThrow(`audit chain broken at row ${victim.id}`);
    expect(await auditRows()).toEqual(before);
    expect(fs.readdirSync(archiveDir()).sort()).toEqual(files);
  });
});

describe('audit retention with timestamps out of order (clock skew between nodes)', () => {
  it('archives only the run of old rows before the first young one; later rows stay whatever their time', async () => {
    const skewClock = new ManualClock(start);
    const skewed = await buildTestApp({ clock: skewClock, env: { AUDIT_RETENTION_DAYS: String(retentionDays) } });
    try {
      const create = async () => {
        const client = await loginAdmin(skewed);
        expect((await client.request('POST', '/api/customers', buildCustomer({ orgId: await headOfficeId(client) }))).status).toBe(201);
      };
      await create();
      skewClock.advance(100 * day);
      await create();
      const [firstYoung] = await rawRows<{ id: number }>(skewed, `select min(id) as id from audit_logs where at >= '${new Date(start.getTime() + 50 * day).toISOString()}'`);
      // A node whose clock lags writes rows stamped at the start, after the young ones.
      skewClock.set(start);
      await create();
      skewClock.set(new Date(start.getTime() + 250 * day));
      const before = await rawRows<{ id: number }>(skewed, 'select id from audit_logs order by id');
      const result = await archiveAuditLogs(skewed.services);
      const kept = before.filter((row) => Number(row.id) >= Number(firstYoung!.id));
      expect(result.rows).toBe(before.length - kept.length);
      const after = await rawRows<{ id: number }>(skewed, 'select id from audit_logs order by id');
      expect(after.slice(0, kept.length)).toEqual(kept);
      expect(after.length).toBe(kept.length + 1);
      expect((await verifyAuditTrail(skewed.services.database.db, skewed.services.config.auditArchiveDir)).problems).toEqual([]);
    } finally {
      await skewed.close();
    }
  });
});

describe('AUDIT_RETENTION_DAYS', () => {
  it('defaults to 365 days and refuses less than 180', () => {
    expect(configFrom({}).AUDIT_RETENTION_DAYS).toBe(365);
    expect(configFrom({ AUDIT_RETENTION_DAYS: '180' }).AUDIT_RETENTION_DAYS).toBe(180);
    expect(() => configFrom({ AUDIT_RETENTION_DAYS: '179' })).toThrow(/at least 180/);
  });

  it('stops the server at start with a clear message when below 180', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insure-retention-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: serverDir,
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, AUDIT_RETENTION_DAYS: '90' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('config: AUDIT_RETENTION_DAYS: must be at least 180');
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the archival triggers in the migrations', () => {
  it('are all carried by a generated migration (the generator adds any platform statement group none contains)', () => {
    expect(pendingStatementGroups(migrations.map((migration) => migration.change))).toEqual({});
  });
});

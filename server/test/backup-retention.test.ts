import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupJobs, createSystemBackup } from '../src/domains/backup/backup.service.ts';
import { BackupCatalogue, type BackupRecord, isoWeekOf, retainedIds } from '../src/domains/backup/catalogue.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { type TestApp, adminPassword, buildTestApp, loginAdmin } from './test-app.ts';

const record = (id: string, startedAt: string, extra: Partial<BackupRecord> = {}): BackupRecord => ({
  id,
  kind: 'system',
  trigger: 'scheduled',
  fileName: `${id}.tar.gz`,
  status: 'succeeded',
  engine: 'sqlite',
  schemaVersion: null,
  encrypted: false,
  sizeBytes: 1,
  sha256: null,
  startedAt,
  finishedAt: startedAt,
  durationMs: 0,
  createdBy: { accountId: null, name: 'schedule' },
  ...extra,
});

describe('retention policy', () => {
  it('numbers ISO weeks across year ends', () => {
    expect(isoWeekOf('2026-01-01T00:00:00.000Z')).toBe('2026-W01');
    expect(isoWeekOf('2025-12-29T12:00:00.000Z')).toBe('2026-W01');
    expect(isoWeekOf('2025-12-28T23:59:00.000Z')).toBe('2025-W52');
    expect(isoWeekOf('2021-01-03T00:00:00.000Z')).toBe('2020-W53');
    expect(isoWeekOf('2026-06-15T00:00:00.000Z')).toBe('2026-W25');
  });

  it('keeps the newest of each of the last N days and M weeks, never uploads, always the newest', () => {
    const records = [
      record('A', '2026-06-01T02:00:00.000Z'),
      record('B', '2026-06-01T14:00:00.000Z'),
      record('C', '2026-06-03T02:00:00.000Z'),
      record('D', '2026-06-08T02:00:00.000Z'),
      record('E', '2026-06-15T02:00:00.000Z'),
      record('F', '2026-06-16T02:00:00.000Z'),
      record('G', '2026-06-17T02:00:00.000Z'),
      record('H', '2026-06-17T10:00:00.000Z'),
      record('U', '2026-01-01T00:00:00.000Z', { trigger: 'upload' }),
      record('X', '2026-06-18T00:00:00.000Z', { status: 'failed' }),
    ];
    expect([...retainedIds(records, { keepDaily: 3, keepWeekly: 2 })].sort()).toEqual(['D', 'E', 'F', 'H']);
    expect([...retainedIds(records, { keepDaily: 1, keepWeekly: 0 })].sort()).toEqual(['H']);
    expect([...retainedIds(records, { keepDaily: 1, keepWeekly: 3 })].sort()).toEqual(['C', 'D', 'H']);
  });
});

describe('retention and schedule on real backups', () => {
  const clock = new ManualClock(new Date('2026-06-01T02:00:00.000Z'));
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp({ clock, env: { BACKUP_KEEP_DAILY: '3', BACKUP_KEEP_WEEKLY: '2', BACKUP_CRON: '0 0 2 * * *' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('prunes exactly what the policy no longer keeps, files and records, and logs it', async () => {
    const catalogue = new BackupCatalogue(app.services.config.backupDir);
    const at = async (iso: string) => {
      clock.set(new Date(iso));
      const taken = await createSystemBackup(app.services, catalogue, { accountId: null, name: 'schedule' }, 'scheduled');
      expect(taken.status).toBe('succeeded');
      return taken.id;
    };
    const ids = {
      A: await at('2026-06-01T02:00:00.000Z'),
      B: await at('2026-06-01T14:00:00.000Z'),
      C: await at('2026-06-03T02:00:00.000Z'),
      D: await at('2026-06-08T02:00:00.000Z'),
      E: await at('2026-06-15T02:00:00.000Z'),
      F: await at('2026-06-16T02:00:00.000Z'),
      G: await at('2026-06-17T02:00:00.000Z'),
    };
    clock.set(new Date('2026-06-17T10:00:00.000Z'));
    // The scheduled job takes H and prunes in one run.
    const [job] = backupJobs(app.services, catalogue);
    expect(job!.name).toBe('system-backup');
    const result = (await job!.run()) as { backup: string; pruned: string[] };
    const H = result.backup;
    expect([...result.pruned].sort()).toEqual([ids.A, ids.B, ids.C, ids.G].sort());

    const admin = await loginAdmin(app);
    const list = await admin.request('GET', '/api/backups');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([H, ids.F, ids.E, ids.D]);
    expect(list.body.policy).toMatchObject({ keepDaily: 3, keepWeekly: 2, cron: '0 0 2 * * *' });
    const files = fs.readdirSync(app.services.config.backupDir).filter((name) => name.endsWith('.tar.gz')).sort();
    expect(files).toEqual([H, ids.F, ids.E, ids.D].map((id) => `${id}.tar.gz`).sort());

    // Running the policy again changes nothing; the API route applies the same policy and is audited.
    const again = await admin.request('POST', '/api/backups/prune');
    expect(again.status).toBe(200);
    expect(again.body.removed).toEqual([]);
  });
});

describe('encrypted backups', () => {
  const key = () => randomBytes(32).toString('base64');
  let app: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    app = await buildTestApp({ env: { BACKUP_ENCRYPTION_KEY: key() } });
    other = await buildTestApp({ env: { BACKUP_ENCRYPTION_KEY: key() } });
  });
  afterAll(async () => {
    await app?.close();
    await other?.close();
  });

  it('writes ciphertext that restores with the key and is refused with another key', async () => {
    const admin = await loginAdmin(app);
    const taken = await admin.request('POST', '/api/backups', { kind: 'system' });
    expect(taken.status, taken.text).toBe(201);
    expect(taken.body).toMatchObject({ encrypted: true });
    expect(taken.body.fileName).toMatch(/\.tar\.gz\.enc$/);
    const bytes = fs.readFileSync(path.join(app.services.config.backupDir, taken.body.fileName));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('IBKENC01');
    // No gzip stream (1f 8b) and no readable SQLite header anywhere in the file.
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.subarray(20, 22).equals(Buffer.from([0x1f, 0x8b]))).toBe(false);

    const restored = await admin.request('POST', `/api/backups/${taken.body.id}/restore`, { password: adminPassword });
    expect(restored.status, restored.text).toBe(200);

    const otherAdmin = await loginAdmin(other);
    const upload = await other.app.inject({
      method: 'POST',
      url: '/api/backups/upload',
      payload: bytes,
      headers: { 'content-type': 'application/octet-stream', cookie: `sid=${otherAdmin.cookie}`, 'x-csrf-token': otherAdmin.csrf },
    });
    expect(upload.statusCode).toBe(400);
    expect(JSON.parse(upload.body).reasons.backup).toBe('backup_decryption_failed');
  });
});

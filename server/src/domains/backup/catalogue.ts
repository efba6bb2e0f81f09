import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type BackupKind = 'system' | 'importantData';
export type BackupTrigger = 'manual' | 'scheduled' | 'safety' | 'upload';
export type BackupStatus = 'running' | 'succeeded' | 'failed';

/**
 * One backup as the catalogue knows it. Kept as a JSON file next to the archive rather than as a database
 * row: a restore replaces the database, and the list of backups (including the safety backup taken just
 * before it) must survive that; the pair also travels together to off-site storage.
 */
export interface BackupRecord {
  id: string;
  kind: BackupKind;
  trigger: BackupTrigger;
  fileName: string;
  status: BackupStatus;
  engine: 'sqlite' | 'postgres';
  /** Last migration applied in the backed-up database (system backups). */
  schemaVersion: string | null;
  encrypted: boolean;
  sizeBytes: number | null;
  sha256: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  createdBy: { accountId: number | null; name: string };
  /** Important-data exports: the modules and the file format. */
  modules?: string[];
  format?: 'csv' | 'xlsx';
  error?: string | null;
}

const idPattern = /^(BAK|IMP)-\d{8}-\d{6}-[a-z0-9]{6}$/;

export const isBackupId = (id: string) => idPattern.test(id);

export function newBackupId(kind: BackupKind, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = randomBytes(6).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 6);
  return `${kind === 'system' ? 'BAK' : 'IMP'}-${stamp}-${suffix}`;
}

/** Archives and their records under one directory (shared by every node, like attachments). */
export class BackupCatalogue {
  readonly directory: string;
  constructor(directory: string) {
    this.directory = path.resolve(directory);
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
  }

  private recordFile(id: string): string {
    if (!isBackupId(id)) throw new Error('invalid backup id');
    return path.join(this.directory, `${id}.json`);
  }

  archivePath(record: Pick<BackupRecord, 'id' | 'fileName'>): string {
    if (!isBackupId(record.id) || !record.fileName.startsWith(`${record.id}.`) || record.fileName.includes('/')) throw new Error('invalid backup file name');
    return path.join(this.directory, record.fileName);
  }

  /** A scratch directory for one operation, removed by the caller. */
  async scratch(label: string): Promise<string> {
    const root = path.join(this.directory, '.work');
    await fs.promises.mkdir(root, { recursive: true, mode: 0o700 });
    return fs.promises.mkdtemp(path.join(root, `${label}-`));
  }

  async save(record: BackupRecord): Promise<void> {
    const file = this.recordFile(record.id);
    const temporary = `${file}.part`;
    await fs.promises.writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await fs.promises.rename(temporary, file);
  }

  async get(id: string): Promise<BackupRecord | null> {
    if (!isBackupId(id)) return null;
    try {
      return JSON.parse(await fs.promises.readFile(this.recordFile(id), 'utf8')) as BackupRecord;
    } catch {
      return null;
    }
  }

  /** Newest first. */
  async list(): Promise<BackupRecord[]> {
    const names = await fs.promises.readdir(this.directory);
    const records: BackupRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || !isBackupId(name.slice(0, -5))) continue;
      const record = await this.get(name.slice(0, -5));
      if (record) records.push(record);
    }
    return records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
  }

  async remove(record: BackupRecord): Promise<void> {
    await fs.promises.rm(this.archivePath(record), { force: true });
    await fs.promises.rm(this.recordFile(record.id), { force: true });
  }

  /** Appends a line to the restore log, which (unlike the operation log) no restore can roll back. */
  async logRestore(entry: Record<string, unknown>): Promise<void> {
    await fs.promises.appendFile(path.join(this.directory, 'restore-log.jsonl'), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }
}

export interface RetentionPolicy {
  keepDaily: number;
  keepWeekly: number;
}

const dayOf = (iso: string) => iso.slice(0, 10);

/** ISO 8601 week (UTC) as YYYY-Www. */
export function isoWeekOf(iso: string): string {
  const date = new Date(`${iso.slice(0, 10)}T00:00:00.000Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((date.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Which succeeded backups of one kind the policy keeps: the newest of each of the last `keepDaily` days that
 * have one, plus the newest of each of the last `keepWeekly` ISO weeks that have one (UTC). Uploaded files
 * are the operator's and never pruned; the newest backup is always kept.
 */
export function retainedIds(records: BackupRecord[], policy: RetentionPolicy): Set<string> {
  const candidates = records.filter((record) => record.status === 'succeeded' && record.trigger !== 'upload').sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const kept = new Set<string>();
  const pick = (keyOf: (iso: string) => string, count: number) => {
    const seen = new Set<string>();
    for (const record of candidates) {
      const key = keyOf(record.startedAt);
      if (seen.has(key)) continue;
      if (seen.size >= count) break;
      seen.add(key);
      kept.add(record.id);
    }
  };
  pick(dayOf, policy.keepDaily);
  pick(isoWeekOf, policy.keepWeekly);
  if (candidates[0]) kept.add(candidates[0].id);
  return kept;
}

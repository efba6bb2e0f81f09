import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';

/** A cron expression croner accepts (checked at start, not at the first run), or 'off'. */
const cron = z.string().refine((value) => {
  if (value === 'off') return true;
  try {
    new Cron(value, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}, 'must be a cron expression (seconds first) or off');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Every environment variable the product reads; README's configuration table mirrors this. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres:// or sqlite:').optional(),
  DATABASE_READ_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  // Owner connection for migrations when DATABASE_URL is a non-owner app role (PostgreSQL; docs/operations.md).
  MIGRATION_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis://').optional(),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,40}$/).default('insure:'),
  ADMIN_PASSWORD: z.string().min(10).max(128).optional(),
  DEMO_DATA: bool.default(true),
  DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(100_000).default(2000),
  ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  LOGIN_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  TRUST_PROXY: z.string().default(''),
  COOKIE_SECURE: bool.optional(),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  SQLITE_CACHE_MB: z.coerce.number().int().min(2).max(65_536).default(256),
  ATTACHMENT_DIR: z.string().optional(),
  ATTACHMENT_MAX_MB: z.coerce.number().int().min(1).max(500).default(20),
  MFA_REQUIRED_ROLES: z.string().regex(/^[\w,]*$/).default('admin,securityAdmin'),
  SMS_PROVIDER: z.enum(['log', 'aliyun', 'tencent']).default('log'),
  SMS_ALIYUN_ACCESS_KEY_ID: z.string().optional(),
  SMS_ALIYUN_ACCESS_KEY_SECRET: z.string().optional(),
  SMS_ALIYUN_SIGN_NAME: z.string().optional(),
  SMS_ALIYUN_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com/'),
  SMS_TENCENT_SECRET_ID: z.string().optional(),
  SMS_TENCENT_SECRET_KEY: z.string().optional(),
  SMS_TENCENT_SDK_APP_ID: z.string().optional(),
  SMS_TENCENT_SIGN_NAME: z.string().optional(),
  SMS_TENCENT_REGION: z.string().default('ap-guangzhou'),
  SMS_TENCENT_ENDPOINT: z.string().url().default('https://sms.tencentcloudapi.com/'),
  SMS_RECEIPT_TOKEN: z.string().min(16).optional(),
  SMS_UTC_OFFSET_MINUTES: z.coerce.number().int().min(-720).max(840).default(480),
  SMS_QUIET_START_HOUR: z.coerce.number().int().min(0).max(23).default(21),
  SMS_QUIET_END_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  SMS_DAILY_CAP: z.coerce.number().int().min(1).max(100).default(3),
  SMS_WEEKLY_CAP: z.coerce.number().int().min(1).max(500).default(10),
  SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  SMS_PRICE_CENTS: z.coerce.number().int().min(0).max(10_000).default(5),
  SMS_SEND_LEASE_SECONDS: z.coerce.number().int().min(30).max(3600).default(120),
  POLICY_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(60),
  /** Customer pool: days without a follow-up before a customer returns (organisations may set their own). */
  POOL_RETURN_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  POOL_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(3),
  /** Pool claims per salesperson and day when none of their roles sets a limit. */
  POOL_CLAIM_LIMIT: z.coerce.number().int().min(0).max(10000).default(5),
  JOBS_ENABLED: bool.default(true),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(10),
  PASSWORD_REQUIRE_CLASSES: bool.default(false),
  EXPORT_APPROVAL_ROWS: z.coerce.number().int().min(0).max(100_000_000).default(5000),
  LIST_TOTAL_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  // Cybersecurity Law Art. 21 / 等保: network logs kept at least six months.
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(180, 'must be at least 180: the operation log is kept at least six months (Cybersecurity Law Art. 21, 等保)')
    .max(36_500)
    .default(365),
  AUDIT_ARCHIVE_DIR: z.string().optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  BACKUP_DIR: z.string().optional(),
  /** Cron (server local time, seconds first) for the scheduled system backup; 'off' turns it off. */
  BACKUP_CRON: cron.default('0 0 2 * * *'),
  /** Cron for the scheduled important-data export; off unless set. */
  BACKUP_IMPORTANT_CRON: cron.default('off'),
  BACKUP_IMPORTANT_MODULES: z.string().regex(/^[a-zA-Z,]+$/).default('customer,policy,claim,contract,salesperson'),
  BACKUP_KEEP_DAILY: z.coerce.number().int().min(1).max(366).default(7),
  BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(0).max(520).default(4),
  BACKUP_ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  BACKUP_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(1_000_000).default(10_240),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type Config = z.infer<typeof schema> & { sqliteFile: string | null; backupDir: string; auditArchiveDir: string };

/** Parses the environment once; on any bad variable prints every problem and exits. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`config: ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  return withDerived(parsed.data);
}

export function withDerived(data: z.infer<typeof schema>): Config {
  const dataDir = path.resolve(data.DATA_DIR);
  let sqliteFile: string | null = null;
  if (!data.DATABASE_URL) sqliteFile = path.join(dataDir, 'insure.db');
  else if (data.DATABASE_URL.startsWith('sqlite:')) sqliteFile = data.DATABASE_URL.slice('sqlite:'.length);
  const auditArchiveDir = path.resolve(data.AUDIT_ARCHIVE_DIR ?? path.join(dataDir, 'audit-archive'));
  return { ...data, DATA_DIR: dataDir, sqliteFile, backupDir: path.resolve(data.BACKUP_DIR ?? path.join(dataDir, 'backups')), auditArchiveDir };
}

/** Builds a config for tests and tools without touching process.env. */
export const configFrom = (values: Record<string, string | undefined>): Config =>
  withDerived(schema.parse(Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''))));

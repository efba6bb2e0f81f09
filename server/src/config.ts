import path from 'node:path';
import { z } from 'zod';

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
  ATTACHMENT_DIR: z.string().optional(),
  ATTACHMENT_MAX_MB: z.coerce.number().int().min(1).max(500).default(20),
  MFA_REQUIRED_ROLES: z.string().regex(/^[\w,]*$/).default('admin,securityAdmin'),
  POLICY_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(60),
  JOBS_ENABLED: bool.default(true),
  METRICS_TOKEN: z.string().min(16).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type Config = z.infer<typeof schema> & { sqliteFile: string | null };

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
  return { ...data, DATA_DIR: dataDir, sqliteFile };
}

/** Builds a config for tests and tools without touching process.env. */
export const configFrom = (values: Record<string, string | undefined>): Config =>
  withDerived(schema.parse(Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''))));

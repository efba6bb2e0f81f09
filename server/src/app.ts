import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { type Database, assertDurable, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import './db/desired-schema.ts';
import type { Services } from './entities/context.ts';
import { registerEntityRoutes } from './entities/routes.ts';
import { registerRecycleBinRoutes } from './entities/recycle-bin.routes.ts';
import { registerAttachmentRoutes } from './entities/attachment.routes.ts';
import { FileStorage } from './platform/storage.ts';
import { registerImportReportRoute, registerXlsxBodies } from './entities/import.routes.ts';
import { registerAccountHooks } from './domains/account/account.hooks.ts';
import { registerAccountRoutes } from './domains/account/account.routes.ts';
import { registerApiTokenRoutes } from './domains/account/api-token.routes.ts';
import { registerOrganisationHooks } from './domains/organisation/organisation.hooks.ts';
import { registerOrganisationRoutes } from './domains/organisation/organisation.routes.ts';
import { registerRoleHooks } from './domains/role/role.hooks.ts';
import { registerCustomFieldHooks } from './domains/custom-field/custom-field.hooks.ts';
import { registerClaimHooks } from './domains/insurance/claim.hooks.ts';
import { registerContractHooks } from './domains/insurance/contract.hooks.ts';
import { registerMetricsRoutes } from './domains/insurance/metrics.routes.ts';
import { runPolicyLifecycle } from './domains/insurance/policy-lifecycle.job.ts';
import { registerPolicyHooks } from './domains/insurance/policy.hooks.ts';
import { registerPolicyRoutes } from './domains/insurance/policy.routes.ts';
import { registerSigningHooks } from './domains/insurance/signing.hooks.ts';
import { startScheduler } from './platform/scheduler.ts';
import { registerAuditRoutes } from './platform/audit/audit.routes.ts';
import { registerAuthentication } from './platform/auth/authenticate.ts';
import { registerAuthRoutes } from './platform/auth/auth.routes.ts';
import { registerMfaRoutes } from './platform/auth/mfa.routes.ts';
import { SessionManager } from './platform/auth/session.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import { FieldCipher, loadMasterKey } from './platform/crypto.ts';
import { registerErrorHandler } from './platform/error-handler.ts';
import { DatabaseKeyValueStore, type KeyValueStore, RedisKeyValueStore } from './platform/kv.ts';
import { registerObservability } from './platform/observability.ts';
import { registerSecurityHeaders } from './platform/security-headers.ts';

export interface BuildOptions {
  config: Config;
  clock?: Clock;
  /** Reuse an open database (tests); otherwise one is opened from the configuration. */
  database?: Database;
  /** Test-harness switches; main.ts never passes them, and no environment variable turns them on. */
  testHooks?: { exposeCaptchaAnswer?: boolean };
  /** Run the scheduled jobs (main.ts: when JOBS_ENABLED); tests call the jobs directly. */
  scheduler?: boolean;
  logger?: boolean;
}

export interface App {
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

registerOrganisationHooks();
registerAccountHooks();
registerRoleHooks();
registerCustomFieldHooks();
registerSigningHooks();
registerPolicyHooks();
registerClaimHooks();
registerContractHooks();

/** Builds the application (no listening, no side effects on import): migrations run, services wired. */
export async function buildApp(options: BuildOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const database = options.database ?? openDatabase(config);
  await assertDurable(database);
  await migrateToLatest(database);
  const { key } = loadMasterKey(config.ENCRYPTION_KEY, config.DATA_DIR);
  const kv: KeyValueStore = config.REDIS_URL ? new RedisKeyValueStore(config.REDIS_URL, config.REDIS_PREFIX) : new DatabaseKeyValueStore(database, clock);
  const sessions = new SessionManager(kv, clock, { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000 });
  const services: Services = { config, database, cipher: new FieldCipher(key), clock, kv, sessions };

  const trustProxy = config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((entry) => entry.trim()) : false;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.LOG_LEVEL, redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'] },
    trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    ajv: { customOptions: { strict: false } },
  });
  // Input is validated by zod inside each handler (one schema shared with the web forms); route schemas are documentation.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  // The API speaks JSON (and xlsx for imports): other bodies are 415, not strings handed to the JSON schemas.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: { info: { title: '保险用户画像智慧管理系统 API', version: '0.1.0', description: 'REST API; authenticate with a session cookie + x-csrf-token, or Authorization: Bearer <API token>.' } },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerSecurityHeaders(app, config);
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  registerErrorHandler(app, hasWeb);
  registerAuthentication(app, services);
  registerObservability(app, services);
  registerAuthRoutes(app, services, { exposeCaptchaAnswer: options.testHooks?.exposeCaptchaAnswer === true });
  registerMfaRoutes(app, services);
  registerOrganisationRoutes(app, services);
  registerPolicyRoutes(app, services);
  registerMetricsRoutes(app, services);
  registerAccountRoutes(app, services);
  registerApiTokenRoutes(app, services);
  registerAuditRoutes(app, services);
  registerXlsxBodies(app, Math.max(20, config.ATTACHMENT_MAX_MB) * 1024 * 1024);
  registerImportReportRoute(app, services);
  registerRecycleBinRoutes(app, services);
  registerAttachmentRoutes(app, services, new FileStorage(config.ATTACHMENT_DIR ?? path.join(config.DATA_DIR, 'attachments')));
  registerEntityRoutes(app, services);
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  const stopScheduler = options.scheduler
    ? startScheduler([{ name: 'policy-lifecycle', pattern: '0 30 1 * * *', run: () => runPolicyLifecycle(services, config.POLICY_GRACE_DAYS) }], kv, app.log)
    : () => {};
  return {
    app,
    services,
    close: async () => {
      stopScheduler();
      await app.close();
      await kv.close();
      if (!options.database) await database.close();
    },
  };
}

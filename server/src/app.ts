import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { type Database, assertDurable, detectKeywordMode, openDatabase, openPostgres } from './db/database.ts';
import { CountCache } from './db/table-changes.ts';
import { RedisChangeBroadcast } from './platform/change-broadcast.ts';
import { migrateToLatest } from './db/migrate.ts';
import './db/desired-schema.ts';
import type { Services } from './entities/context.ts';
import { registerEntityRoutes } from './entities/routes.ts';
import { registerRecycleBinRoutes } from './entities/recycle-bin.routes.ts';
import { registerAttachmentRoutes } from './entities/attachment.routes.ts';
import { FileStorage } from './platform/storage.ts';
import { registerImportReportRoute, registerXlsxBodies } from './entities/import.routes.ts';
import { registerExportRequestRoutes } from './entities/export-request.routes.ts';
import { registerAccountHooks } from './domains/account/account.hooks.ts';
import { registerAccountRoutes } from './domains/account/account.routes.ts';
import { registerApiTokenRoutes } from './domains/account/api-token.routes.ts';
import { registerListViewRoutes } from './domains/account/list-views.routes.ts';
import { registerOrganisationHooks } from './domains/organisation/organisation.hooks.ts';
import { registerOrganisationRoutes } from './domains/organisation/organisation.routes.ts';
import { registerRoleHooks } from './domains/role/role.hooks.ts';
import { registerCustomFieldHooks } from './domains/custom-field/custom-field.hooks.ts';
import { registerClaimHooks } from './domains/insurance/claim.hooks.ts';
import { registerConsentHooks } from './domains/consent/consent.hooks.ts';
import { registerContractHooks } from './domains/insurance/contract.hooks.ts';
import { registerMetricsRoutes } from './domains/insurance/metrics.routes.ts';
import { runPolicyLifecycle } from './domains/insurance/policy-lifecycle.job.ts';
import { registerPolicyHooks } from './domains/insurance/policy.hooks.ts';
import { registerPolicyRoutes } from './domains/insurance/policy.routes.ts';
import { registerSigningHooks } from './domains/insurance/signing.hooks.ts';
import { type ScheduledJob, startScheduler } from './platform/scheduler.ts';
import { registerCampaignHooks, registerCampaignRoutes } from './domains/service/campaign.routes.ts';
import { registerFollowUpHooks, registerFollowUpRoutes } from './domains/service/follow-up.hooks.ts';
import { registerSurveyHooks } from './domains/service/survey.service.ts';
import { registerSurveyRoutes } from './domains/service/survey.routes.ts';
import { registerTicketHooks, runTicketEscalation } from './domains/service/ticket.hooks.ts';
import { registerTrainingHooks, registerTrainingRoutes } from './domains/service/training.hooks.ts';
import { registerCompetitorRoutes } from './domains/sales/competitor.routes.ts';
import { registerCustomerPoolHooks, runCustomerPool } from './domains/sales/customer-pool.ts';
import { registerCustomerPoolRoutes } from './domains/sales/customer-pool.routes.ts';
import { registerOpportunityHooks } from './domains/sales/pipeline.ts';
import { registerPipelineRoutes } from './domains/sales/pipeline.routes.ts';
import { archiveAuditLogs } from './platform/audit/audit-archive.ts';
import { dispatchDue } from './domains/notification/dispatch.ts';
import { providerFromConfig } from './domains/notification/providers.ts';
import { consumeEvents, runReminders } from './domains/notification/sms-messages.ts';
import { registerSmsHooks } from './domains/notification/sms.hooks.ts';
import { registerSmsRoutes } from './domains/notification/sms.routes.ts';
import { registerIncentiveRoutes } from './domains/sales/incentive.routes.ts';
import { registerPerformanceRoutes } from './domains/sales/performance.routes.ts';
import { registerReportRoutes } from './domains/reports/reports.routes.ts';
import { registerAnalysisRoutes } from './domains/reports/analysis.routes.ts';
import { registerWorkbenchRoutes } from './domains/reports/workbench.routes.ts';
import { registerPlanRoutes } from './domains/sales/plan.routes.ts';
import { registerSalesHooks } from './domains/sales/sales.hooks.ts';
import { registerProfileHooks } from './domains/profile/profile.hooks.ts';
import { registerProfileRoutes } from './domains/profile/profile.routes.ts';
import { rebuildWithStatus } from './domains/profile/rebuild.ts';
import { registerProfileSettingsRoutes } from './domains/profile/settings.routes.ts';
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
import { requestSerializer } from './platform/log-redact.ts';
import { registerSecurityHeaders } from './platform/security-headers.ts';
import { Maintenance } from './platform/maintenance.ts';
import { BackupCatalogue } from './domains/backup/catalogue.ts';
import { backupJobs, lastSystemBackupAt } from './domains/backup/backup.service.ts';
import { registerBackupRoutes } from './domains/backup/backup.routes.ts';

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
  /** Where log lines go instead of stdout (tests that read the log); implies logging at LOG_LEVEL. */
  logStream?: { write(line: string): void };
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
registerConsentHooks();
registerFollowUpHooks();
registerTicketHooks();
registerSurveyHooks();
registerCampaignHooks();
registerTrainingHooks();
registerOpportunityHooks();
registerCustomerPoolHooks();
registerSmsHooks();
registerSalesHooks();
registerProfileHooks();

/**
 * Migrations run through the owner's connection when MIGRATION_DATABASE_URL is set (the app's own role then
 * needs no DDL rights: docs/operations.md, PostgreSQL roles), otherwise through the app's connection.
 */
async function migrateWith(config: Config, database: Database) {
  if (!config.MIGRATION_DATABASE_URL || database.dialect !== 'postgres') return migrateToLatest(database);
  const owner = openPostgres(config.MIGRATION_DATABASE_URL, 1);
  try {
    return await migrateToLatest(owner);
  } finally {
    await owner.close();
  }
}

/** Builds the application (no listening, no side effects on import): migrations run, services wired. */
export async function buildApp(options: BuildOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const database = options.database ?? openDatabase(config);
  await assertDurable(database);
  await migrateWith(config, database);
  database.keywordMode = await detectKeywordMode(database);
  const { key } = loadMasterKey(config.ENCRYPTION_KEY, config.DATA_DIR);
  const redisKv = config.REDIS_URL ? new RedisKeyValueStore(config.REDIS_URL, config.REDIS_PREFIX) : null;
  const kv: KeyValueStore = redisKv ?? new DatabaseKeyValueStore(database, clock);
  const sessions = new SessionManager(kv, clock, { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000 });
  const broadcast = config.REDIS_URL ? new RedisChangeBroadcast(config.REDIS_URL, config.REDIS_PREFIX, database.changes) : null;
  const counts = new CountCache(database.changes, config.LIST_TOTAL_CACHE_SECONDS * 1000);
  const services: Services = { config, database, cipher: new FieldCipher(key), clock, kv, sessions, counts, maintenance: new Maintenance() };
  const backups = new BackupCatalogue(config.backupDir);

  const trustProxy = config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((entry) => entry.trim()) : false;
  const app = Fastify({
    logger:
      options.logger === false && !options.logStream
        ? false
        : { level: config.LOG_LEVEL, redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'], serializers: { req: requestSerializer }, ...(options.logStream ? { stream: options.logStream } : {}) },
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
  const jobMetrics = registerObservability(app, services, { lastBackupAt: () => lastSystemBackupAt(backups) });
  registerAuthRoutes(app, services, { exposeCaptchaAnswer: options.testHooks?.exposeCaptchaAnswer === true });
  registerMfaRoutes(app, services);
  registerOrganisationRoutes(app, services);
  registerPolicyRoutes(app, services);
  registerMetricsRoutes(app, services);
  registerFollowUpRoutes(app, services);
  registerSurveyRoutes(app, services);
  registerCampaignRoutes(app, services);
  registerTrainingRoutes(app, services);
  registerPipelineRoutes(app, services);
  registerCustomerPoolRoutes(app, services);
  registerCompetitorRoutes(app, services);
  registerSmsRoutes(app, services);
  registerPlanRoutes(app, services);
  registerPerformanceRoutes(app, services);
  registerReportRoutes(app, services);
  registerAnalysisRoutes(app, services);
  registerWorkbenchRoutes(app, services);
  registerIncentiveRoutes(app, services);
  registerProfileRoutes(app, services);
  registerProfileSettingsRoutes(app, services);
  registerAccountRoutes(app, services);
  registerApiTokenRoutes(app, services);
  registerAuditRoutes(app, services);
  registerXlsxBodies(app, Math.max(20, config.ATTACHMENT_MAX_MB) * 1024 * 1024);
  registerImportReportRoute(app, services);
  registerRecycleBinRoutes(app, services);
  registerExportRequestRoutes(app, services);
  registerListViewRoutes(app, services);
  registerAttachmentRoutes(app, services, new FileStorage(config.ATTACHMENT_DIR ?? path.join(config.DATA_DIR, 'attachments')));
  registerBackupRoutes(app, services, backups);
  registerEntityRoutes(app, services);
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  const smsProvider = providerFromConfig(config, (entry) => app.log.info(entry, 'sms (log provider)'));
  const jobs: ScheduledJob[] = [
    { name: 'policy-lifecycle', pattern: '0 30 1 * * *', run: () => runPolicyLifecycle(services, config.POLICY_GRACE_DAYS) },
    { name: 'ticket-escalation', pattern: '0 */5 * * * *', run: () => runTicketEscalation(services) },
    // Daily, after the policy lifecycle: date-based profile values (ages, expiries, recency) and rule tags.
    { name: 'profiles-rebuild', pattern: '0 45 1 * * *', run: () => rebuildWithStatus(services) },
    { name: 'customer-pool', pattern: '0 0 2 * * *', run: () => runCustomerPool(services) },
    { name: 'audit-archive', pattern: '0 15 2 * * *', run: () => archiveAuditLogs(services) },
    // Hourly, not daily: the reminder keys make repeats no-ops, and a node that was down catches up.
    { name: 'sms-reminders', pattern: '0 5 * * * *', run: () => runReminders(services) },
    { name: 'sms-events', pattern: '10 * * * * *', run: () => consumeEvents(services) },
    { name: 'sms-dispatch', pattern: '20 * * * * *', run: () => dispatchDue(services, smsProvider) },
    ...backupJobs(services, backups),
  ];
  if (redisKv && !(await redisKv.connected(10_000))) app.log.warn('Redis is not reachable yet: sign-ins and sessions answer 503 until it is');
  const stopScheduler = options.scheduler ? startScheduler(jobs, kv, app.log, jobMetrics.jobFinished) : () => {};
  return {
    app,
    services,
    close: async () => {
      stopScheduler();
      await app.close();
      await kv.close();
      broadcast?.close();
      if (!options.database) await database.close();
    },
  };
}

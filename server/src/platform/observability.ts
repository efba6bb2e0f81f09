import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Services } from '../entities/context.ts';
import { pendingMigrations } from '../db/migrate.ts';

export interface ObservabilityOptions {
  /** When the newest succeeded system backup finished (for the backup-age gauge). */
  lastBackupAt(): Promise<string | null>;
}

export interface JobMetrics {
  jobFinished(job: string, outcome: 'succeeded' | 'failed'): void;
}

/**
 * /health (alive), /ready (database reachable, migrations applied, shared store up, not in maintenance),
 * /metrics (Prometheus), and the maintenance gate: 503 for everything else while a restore swaps the data.
 */
export function registerObservability(app: FastifyInstance, services: Services, options: ObservabilityOptions): JobMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const { maintenance } = services;
  const ungated = new Set(['/health', '/ready', '/metrics']);
  app.addHook('onRequest', async (request, reply) => {
    maintenance.requestStarted();
    if (maintenance.active && !ungated.has(request.url.split('?')[0]!)) {
      reply.header('retry-after', '30');
      return reply.code(503).send({ code: 'UNAVAILABLE', message: 'Maintenance in progress: please retry shortly' });
    }
  });
  app.addHook('onResponse', async () => maintenance.requestFinished());
  const jobRuns = new client.Counter({ name: 'job_runs_total', help: 'Scheduled job runs by job and outcome', labelNames: ['job', 'outcome'] as const, registers: [registry] });
  const jobLastSuccess = new client.Gauge({ name: 'job_last_success_timestamp_seconds', help: 'When each scheduled job last succeeded (unix seconds)', labelNames: ['job'] as const, registers: [registry] });
  new client.Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state (PostgreSQL pool; SQLite has one connection)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = services.database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  new client.Gauge({
    name: 'outbox_backlog',
    help: 'Outbox events not yet delivered, and the age of the oldest (seconds)',
    labelNames: ['measure'] as const,
    registers: [registry],
    async collect() {
      const row = await services.database.db
        .selectFrom('outbox')
        .select([sql<number>`count(*)`.as('pending'), sql<string | null>`min(created_at)`.as('oldest')])
        .where('status', '=', 'pending')
        .executeTakeFirst();
      this.set({ measure: 'pending' }, Number(row?.pending ?? 0));
      this.set({ measure: 'oldest_age_seconds' }, row?.oldest ? Math.max(0, (services.clock.now().getTime() - new Date(String(row.oldest)).getTime()) / 1000) : 0);
    },
  });
  new client.Gauge({
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the newest succeeded system backup finished (unix seconds; 0 when there is none)',
    registers: [registry],
    async collect() {
      const at = await options.lastBackupAt();
      this.set(at ? new Date(at).getTime() / 1000 : 0);
    },
  });
  new client.Gauge({
    name: 'backup_age_seconds',
    help: 'Seconds since the newest succeeded system backup (-1 when there is none)',
    registers: [registry],
    async collect() {
      const at = await options.lastBackupAt();
      this.set(at ? (services.clock.now().getTime() - new Date(at).getTime()) / 1000 : -1);
    },
  });
  new client.Gauge({
    name: 'maintenance_mode',
    help: '1 while this node is in maintenance (a restore is swapping the data)',
    registers: [registry],
    collect() {
      this.set(maintenance.active ? 1 : 0);
    },
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await sql`select 1`.execute(services.database.db);
      checks.database = 'ok';
      checks.migrations = (await pendingMigrations(services.database)).length ? 'pending' : 'ok';
    } catch {
      checks.database = 'down';
    }
    try {
      await services.kv.ping();
      checks.sharedState = 'ok';
    } catch {
      checks.sharedState = 'down';
    }
    if (maintenance.active) checks.maintenance = 'active';
    const ready = Object.values(checks).every((value) => value === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  // Metrics reveal traffic shapes: loopback callers (a local Prometheus agent) or a bearer METRICS_TOKEN only.
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = services.config.METRICS_TOKEN;
    const loopback = request.ip === '127.0.0.1' || request.ip === '::1' || request.ip === '::ffff:127.0.0.1';
    const bearer = request.headers.authorization === `Bearer ${token}`;
    if (!(token ? bearer : loopback)) return reply.code(404).send({ code: 'NOT_FOUND', message: 'Not found' });
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  return {
    jobFinished(job, outcome) {
      jobRuns.inc({ job, outcome });
      if (outcome === 'succeeded') jobLastSuccess.set({ job }, services.clock.now().getTime() / 1000);
    },
  };
}

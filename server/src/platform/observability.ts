import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Services } from '../entities/context.ts';
import { pendingMigrations } from '../db/migrate.ts';

/** /health (alive), /ready (database reachable, migrations applied, shared store up), /metrics (Prometheus). */
export function registerObservability(app: FastifyInstance, services: Services): void {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
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
}

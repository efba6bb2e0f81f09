import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Security headers on every response (ASVS 3.4): scripts only from our origin (no inline script);
 * antd's CSS-in-JS needs inline styles. /docs (Swagger UI) needs its own inline bootstrap script.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  const appCsp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const docsCsp = appCsp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
  app.addHook('onSend', async (request, reply) => {
    reply.header('content-security-policy', request.url.startsWith('/docs') ? docsCsp : appCsp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (config.COOKIE_SECURE || request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, buildTestApp, call, loginAdmin } from './test-app.ts';

let app: TestApp;
let admin: Client;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
});
afterAll(() => app.close());

describe('operations endpoints', () => {
  it('answers /health with 200 without a session', async () => {
    const response = await call(app, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers /ready with 200 and every check ok', async () => {
    const response = await call(app, 'GET', '/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.checks).toEqual({ database: 'ok', migrations: 'ok', sharedState: 'ok' });
  });

  it('serves Prometheus metrics to loopback callers', async () => {
    await call(app, 'GET', '/health');
    const response = await call(app, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toContain('text/plain');
    expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('hides metrics from non-loopback callers', async () => {
    const response = await call(app, 'GET', '/metrics', undefined, {}, { remoteAddress: '203.0.113.9' });
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('http_request_duration_seconds');
  });

  it('publishes an OpenAPI document listing the customer routes', async () => {
    const response = await call(app, 'GET', '/docs/json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/api/customers', '/api/customers/{id}', '/api/customers/query']));
  });

  it('sends the security headers on API responses', async () => {
    for (const response of [await admin.request('GET', '/api/customers'), await call(app, 'GET', '/api/customers'), await call(app, 'GET', '/api/nowhere')]) {
      const csp = String(response.headers['content-security-policy']);
      const scriptSrc = csp.split(';').map((part) => part.trim()).find((part) => part.startsWith('script-src'));
      expect(scriptSrc).toBe("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await admin.request('GET', '/api/does-not-exist');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });
});

/**
 * The server of the browser benchmark (npm run bench -- web), run as a child process: a fresh SQLite data
 * directory (BENCH_DATA_DIR), the demo set plus BENCH_WEB_CUSTOMERS generated customers, and the test-only
 * captcha hook of the browser tests (the harness reads the answer from a response header). Prints one JSON
 * line {port, pid} on stdout.
 */
import { buildApp } from '../server/src/app.ts';
import { bootstrap } from '../server/src/bootstrap.ts';
import { configFrom } from '../server/src/config.ts';
import { loadDemoData } from '../server/src/seed/demo.ts';
import { seedScale } from '../server/src/seed/scale.ts';

const config = configFrom({
  DATA_DIR: process.env.BENCH_DATA_DIR,
  ADMIN_PASSWORD: process.env.BENCH_ADMIN_PASSWORD,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  MFA_REQUIRED_ROLES: 'none',
  HOST: '127.0.0.1',
});
const { app, services, close } = await buildApp({ config, logger: false, testHooks: { exposeCaptchaAnswer: true } });
await bootstrap(services);
await loadDemoData(services, 200);
const generated = Number(process.env.BENCH_WEB_CUSTOMERS ?? 0);
if (generated > 0) await seedScale(services, generated, 7, () => {}, { workers: 0 });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);

const stop = async () => {
  await close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

/**
 * The real server for the benchmarks, run as a child process so its memory (VmHWM) and CPU are its own.
 * Reads BENCH_DATA_DIR / BENCH_DATABASE_URL, listens on a loopback port, creates an API token for admin
 * and prints one JSON line {port, token} on stdout.
 */
import { buildApp } from '../server/src/app.ts';
import { bootstrap, systemContext } from '../server/src/bootstrap.ts';
import { configFrom } from '../server/src/config.ts';
import { createApiToken } from '../server/src/domains/account/api-token.routes.ts';

const config = configFrom({
  DATA_DIR: process.env.BENCH_DATA_DIR,
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  HOST: '127.0.0.1',
  // The export benchmark measures the export itself; the approval step above the row limit is a person's decision.
  EXPORT_APPROVAL_ROWS: '0',
  SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS,
});
const { app, services, close } = await buildApp({ config, logger: false });
// A fresh data directory (the writes bench) has no admin yet.
await bootstrap(services);
const account = await services.database.db.selectFrom('accounts').select('id').where('login_name', '=', 'admin').executeTakeFirstOrThrow();
const { token } = await services.database.db.transaction().execute((trx) =>
  createApiToken(systemContext(services, trx), Number(account.id), 'bench', new Date(Date.now() + 86_400_000)),
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, token, pid: process.pid })}\n`);

const stop = async () => {
  await close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

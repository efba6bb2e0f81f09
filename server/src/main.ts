import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { loadDemoData } from './seed/demo.ts';

/** Process entry for `npm start`: migrate, first admin, optional demo data, listen, shut down gracefully. */
async function main() {
  const config = loadConfig();
  const { app, services, close } = await buildApp({ config, scheduler: config.JOBS_ENABLED });
  const { adminPassword } = await bootstrap(services);
  if (adminPassword) {
    // Printed once, to the console only (not the JSON log), and never stored in plain text.
    process.stdout.write(
      `\n  First administrator account created.\n  login: admin\n  password: ${adminPassword}\n  (set ADMIN_PASSWORD to choose it; you will be asked to change it at first sign-in)\n\n`,
    );
  }
  if (config.DEMO_DATA && (await loadDemoData(services, config.DEMO_CUSTOMERS))) app.log.info('demo data loaded');
  await app.listen({ host: config.HOST, port: config.PORT });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});

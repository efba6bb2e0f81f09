import { buildApp } from '../../src/app.ts';
import { bootstrap } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';

// One node of the cluster test: the product's app with the test-only captcha hook, so the test can sign in
// through nginx. src/main.ts (the production entry) never passes this hook.
const config = loadConfig();
const { app, services, close } = await buildApp({ config, scheduler: config.JOBS_ENABLED, logger: false, testHooks: { exposeCaptchaAnswer: true } });
await bootstrap(services);
await app.listen({ host: config.HOST, port: config.PORT });
process.on('SIGTERM', () => void close().then(() => process.exit(0)));

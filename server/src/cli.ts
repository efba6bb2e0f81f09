import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { bootstrap, systemContext } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { generateMigration } from './db/generate-migration.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createApiToken } from './domains/account/api-token.routes.ts';
import { setPassword } from './domains/account/credentials.ts';
import { verifyAuditChain } from './platform/audit/audit.ts';
import { checkPasswordPolicy, generatePassword, hashPassword } from './platform/auth/password.ts';
import { audit } from './entities/write.ts';
import { loadDemoData } from './seed/demo.ts';
import { seedScale } from './seed/scale.ts';
import { runPolicyLifecycle } from './domains/insurance/policy-lifecycle.job.ts';

const usage = `Usage: npm run cli -- <command> [options]

  migrate                                   apply pending database migrations
  admin reset-password [--login admin] [--password P]
                                            set a password (generated and printed when --password is left out)
  token create --user <login> [--name N] [--days 90]
                                            create an API token; prints only the token on stdout
  audit verify                              check the operation log's hash chain; names the first tampered row
  jobs run policy-lifecycle                 expire and lapse policies now (idempotent; normally runs daily)
  seed --demo [--customers N]               load the demo data set into an empty installation
  seed --customers N [--seed S]             bulk benchmark data: N customers, ~1.5 N policies, claims, signings…
  migration:generate <name>                 (developers) write a migration for declaration changes
`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

async function withServices<T>(work: (services: Awaited<ReturnType<typeof buildApp>>['services']) => Promise<T>): Promise<T> {
  const built = await buildApp({ config: loadConfig(), logger: false });
  try {
    return await work(built.services);
  } finally {
    await built.close();
  }
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      login: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
      demo: { type: 'boolean' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) return process.stdout.write(usage);

  if (command === 'migrate') {
    const database = openDatabase(loadConfig());
    const applied = await migrateToLatest(database);
    await database.close();
    process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return;
  }
  if (command.startsWith('migration:generate')) {
    const name = positionals[1] ?? fail('migration:generate needs a name');
    const file = generateMigration(name);
    process.stderr.write(file ? `wrote ${file}.ts\n` : 'declarations match the schema: nothing to generate\n');
    return;
  }
  if (command === 'admin reset-password') {
    const login = values.login ?? 'admin';
    const chosen = values.password ?? generatePassword();
    await withServices(async (services) => {
      await bootstrap(services);
      const account = await services.database.db.selectFrom('accounts').select(['id', 'display_name']).where('login_name', '=', login).where('deleted_at', 'is', null).executeTakeFirst();
      if (!account) fail(`no account with login ${login}`);
      const problem = checkPasswordPolicy(chosen, [login, String(account!.display_name)]);
      if (problem) fail(`password refused: ${problem}`);
      const hash = await hashPassword(chosen);
      await services.database.db.transaction().execute(async (trx) => {
        const ctx = systemContext(services, trx);
        await setPassword(trx, services.database.dialect, Number(account!.id), hash, !values.password, ctx.now);
        await audit(ctx, 'account', Number(account!.id), 'password_reset', { via: 'cli' });
      });
      await services.sessions.endAllFor(Number(account!.id));
    });
    if (!values.password) process.stdout.write(`${chosen}\n`);
    else process.stderr.write('password set\n');
    return;
  }
  if (command === 'token create') {
    const login = values.user ?? fail('token create needs --user <login>');
    const days = Number(values.days ?? 90);
    if (!Number.isInteger(days) || days < 1 || days > 3650) fail('--days must be a whole number between 1 and 3650');
    const token = await withServices(async (services) => {
      const account = await services.database.db.selectFrom('accounts').select('id').where('login_name', '=', login).where('deleted_at', 'is', null).executeTakeFirst();
      if (!account) fail(`no account with login ${login}`);
      return services.database.db.transaction().execute(async (trx) => {
        const ctx = systemContext(services, trx);
        const expires = new Date(ctx.now.getTime() + days * 86_400_000);
        return (await createApiToken(ctx, Number(account!.id), values.name ?? 'cli', expires)).token;
      });
    });
    process.stdout.write(`${token}\n`);
    return;
  }
  if (command === 'jobs run policy-lifecycle') {
    const counts = await withServices((services) => runPolicyLifecycle(services, services.config.POLICY_GRACE_DAYS));
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  if (command === 'audit verify') {
    const database = openDatabase(loadConfig());
    const result = await verifyAuditChain(database.db);
    await database.close();
    if (result.firstBadId !== null) fail(`audit chain broken at row ${result.firstBadId} (${result.checked} rows verified before it)`);
    process.stdout.write(`audit chain intact: ${result.checked} rows\n`);
    return;
  }
  if (command === 'seed' && values.demo) {
    const customers = Number(values.customers ?? 2000);
    if (!Number.isInteger(customers) || customers < 0) fail('--customers must be a whole number');
    const loaded = await withServices((services) => loadDemoData(services, customers));
    process.stderr.write(loaded ? `demo data loaded (${customers} customers)\n` : 'demo data not loaded: the installation already has salespeople\n');
    return;
  }
  if (command === 'seed' && values.customers) {
    const customers = Number(values.customers);
    const seed = Number(values.seed ?? 1);
    if (!Number.isInteger(customers) || customers < 1 || customers > 50_000_000) fail('--customers must be a whole number from 1 to 50,000,000');
    if (!Number.isInteger(seed) || seed < 1 || seed > 1000) fail('--seed must be a whole number from 1 to 1000');
    const started = Date.now();
    const counts = await withServices((services) => seedScale(services, customers, seed, (line) => process.stderr.write(`${line}\n`)));
    process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
    return;
  }
  fail(`unknown command: ${command}\n\n${usage}`);
}

main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acceptUpload, createImportantDataExport, createSystemBackup, pruneBackups, restoreBackup, verifyBackup } from './domains/backup/backup.service.ts';
import { BackupCatalogue, type BackupRecord, isBackupId } from './domains/backup/catalogue.ts';
import { systemActor } from './platform/access/system-actor.ts';
import { AppError } from './platform/errors.ts';
import { reasonMessage } from './platform/i18n.ts';
import { buildApp } from './app.ts';
import { bootstrap, systemContext } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { grantAppRole } from './db/app-role.ts';
import { detectKeywordMode, openDatabase, openPostgres } from './db/database.ts';
import { keywordTrigramStatements } from './db/search-indexes.ts';
import { sql } from 'kysely';
import { generateMigration } from './db/generate-migration.ts';
import { migrateToLatest, pendingMigrations } from './db/migrate.ts';
import { formatReport, MigrationRefused, migrateSqliteToPostgres } from './db/migrate-to-postgres.ts';
import { createApiToken } from './domains/account/api-token.routes.ts';
import { setPassword } from './domains/account/credentials.ts';
import { archiveAuditLogs, verifyArchiveFile, verifyAuditTrail } from './platform/audit/audit-archive.ts';
import { checkPasswordPolicy, generatePassword, hashPassword, passwordPolicyFrom } from './platform/auth/password.ts';
import { audit } from './entities/write.ts';
import { loadDemoData } from './seed/demo.ts';
import { seedScale } from './seed/scale.ts';
import { rebuildWithStatus } from './domains/profile/rebuild.ts';
import { runPolicyLifecycle } from './domains/insurance/policy-lifecycle.job.ts';
import { runTicketEscalation } from './domains/service/ticket.hooks.ts';
import { runCustomerPool } from './domains/sales/customer-pool.ts';
import { dispatchDue } from './domains/notification/dispatch.ts';
import { providerFromConfig } from './domains/notification/providers.ts';
import { consumeEvents, runReminders } from './domains/notification/sms-messages.ts';

const usage = `Usage: npm run cli -- <command> [options]

  migrate                                   apply pending database migrations
  admin reset-password [--login admin] [--password P]
                                            set a password (generated and printed when --password is left out)
  token create --user <login> [--name N] [--days 90]
                                            create an API token; prints only the token on stdout
  audit verify                              check the operation log's hash chain (archive files, then the table
                                            continuing the newest archive); names the first tampered row
  audit verify --file <archive.jsonl.gz>    check one archive file against its manifest (no database needed)
  audit archive                             archive rows older than AUDIT_RETENTION_DAYS now (normally daily at 02:15)
  db:migrate-to-postgres --from <sqlite file> --to <postgres url> [--archive-dir D] [--batch-rows 1000]
                                            copy an SQLite installation into an empty PostgreSQL database in one
                                            transaction: migrations, every table, identities; then row counts,
                                            per-table SHA-256 checksums and the audit chain are compared (exit 1
                                            and nothing kept on any difference)
  db:trigram-indexes                        (PostgreSQL, as the owner) create pg_trgm if allowed and the keyword columns'
                                            GIN trigram indexes (idempotent; migrations do it when the extension is allowed)
  db:grant-app-role <role>                  (PostgreSQL, run as the owner) grant a non-owner app role what the app
                                            needs; audit tables get SELECT and INSERT only
  jobs run policy-lifecycle                 expire and lapse policies now (idempotent; normally runs daily)
  jobs run ticket-escalation                escalate tickets past their SLA targets now (idempotent; normally every 5 minutes)
  backup create [--important customer,policy] [--format xlsx|csv]
                                            take a system backup (or an important-data export) now
  backup list                               backups, newest first (id, status, size, SHA-256)
  backup verify <id | file>                 unpack and check a backup without touching live data
  backup restore <id | file> --yes          verify, take a safety backup, then restore (signs everyone out)
  backup prune                              apply the retention policy now
  jobs run customer-pool                    return customers without follow-up to the pool, notify owners (idempotent; daily)
  profiles:rebuild [--customers N]          recompute every customer's profile and rule tags (N per batch, default 5000)
  jobs run sms                              queue today's reminders and pending events, then send what is due
  seed --demo [--customers N]               load the demo data set into an empty installation
  seed --customers N [--seed S]             bulk benchmark data: N customers, ~1.5 N policies, claims, signings…
  docs access-matrix                        (developers) regenerate docs/access-matrix.md from the declarations
  migration:generate <name> [--drop-table T]
                                            (developers) write a migration for declaration changes;
                                            a table whose declaration was removed is dropped only when named
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
      'drop-table': { type: 'string', multiple: true },
      important: { type: 'string' },
      format: { type: 'string' },
      yes: { type: 'boolean' },
      file: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'batch-rows': { type: 'string' },
      'archive-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) return process.stdout.write(usage);

  // Schema changes and grants need the owner: MIGRATION_DATABASE_URL when the app itself runs as a non-owner role.
  const ownerDatabase = () => {
    const config = loadConfig();
    return config.MIGRATION_DATABASE_URL ? openPostgres(config.MIGRATION_DATABASE_URL, 1) : openDatabase(config);
  };
  if (command === 'docs access-matrix') {
    const { accessMatrixPath, generateAccessMatrix } = await import('./platform/access/access-matrix-doc.ts');
    const { markdown, undeclared } = await generateAccessMatrix();
    if (undeclared.length) fail(`routes without a declared access (add them to route-access.ts):\n  ${undeclared.join('\n  ')}`);
    const target = path.resolve(import.meta.dirname, '../..', accessMatrixPath);
    fs.writeFileSync(target, markdown);
    return process.stdout.write(`wrote ${target}\n`);
  }
  if (command === 'migrate') {
    const database = ownerDatabase();
    const applied = await migrateToLatest(database);
    await database.close();
    process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return;
  }
  if (command.startsWith('migration:generate')) {
    const name = positionals[1] ?? fail('migration:generate needs a name');
    const file = generateMigration(name, undefined, values['drop-table'] ?? []);
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
      const problem = checkPasswordPolicy(chosen, [login, String(account!.display_name)], passwordPolicyFrom(services.config));
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
  if (command === 'jobs run ticket-escalation') {
    const counts = await withServices((services) => runTicketEscalation(services));
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  if (command === 'profiles:rebuild') {
    const started = Date.now();
    const result = await withServices((services) => rebuildWithStatus(services, 'cli', Number(values.customers ?? 5000), (done) => process.stderr.write(`\r${done} customers`)));
    process.stdout.write(`\n${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`);
    return;
  }
  if (command === 'jobs run customer-pool') {
    const counts = await withServices((services) => runCustomerPool(services));
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  if (command === 'audit verify' && values.file) {
    const check = verifyArchiveFile(values.file);
    if (check.problems.length) fail(check.problems.join('\n'));
    process.stdout.write(`archive intact: ${check.rows} rows, ids ${check.firstId}–${check.lastId}, last hash ${check.lastHash}\n`);
    return;
  }
  if (command === 'jobs run sms') {
    const result = await withServices(async (services) => ({
      reminders: await runReminders(services),
      events: await consumeEvents(services),
      dispatch: await dispatchDue(services, providerFromConfig(services.config, () => {}), 500),
    }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (command === 'audit verify') {
    const config = loadConfig();
    const database = openDatabase(config);
    const result = await verifyAuditTrail(database.db, config.auditArchiveDir).finally(() => database.close());
    if (result.problems.length) fail(result.problems.join('\n'));
    const archived = result.archives.reduce((total, archive) => total + archive.rows, 0);
    process.stdout.write(`audit chain intact: ${result.table.checked} rows${result.archives.length ? `, continuing ${result.archives.length} archive file(s) of ${archived} rows` : ''}\n`);
    return;
  }
  if (command === 'audit archive') {
    const result = await withServices((services) => archiveAuditLogs(services));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (command === 'db:migrate-to-postgres') {
    const from = values.from ?? fail('db:migrate-to-postgres needs --from <sqlite file> (the installation stopped)');
    const to = values.to ?? fail('db:migrate-to-postgres needs --to <postgres url> (an empty database or schema)');
    if (!/^postgres(ql)?:\/\//.test(to!)) fail('--to must be a postgres:// URL');
    if (!fs.existsSync(from!)) fail(`no SQLite file at ${from}`);
    const batchRows = Number(values['batch-rows'] ?? 1000);
    if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 10_000) fail('--batch-rows must be a whole number from 1 to 10,000');
    const report = await migrateSqliteToPostgres({ from: from!, to: to!, batchRows, archiveDir: values['archive-dir'], log: (line) => process.stderr.write(`${line}\n`) }).catch((error: unknown) =>
      fail(`${error instanceof MigrationRefused ? 'refused' : 'failed, nothing was kept on the target'}: ${error instanceof Error ? error.message : String(error)}`),
    );
    process.stdout.write(`${formatReport(report)}\n`);
    if (!report.ok) process.exit(1);
    return;
  }
  if (command === 'db:trigram-indexes') {
    const database = ownerDatabase();
    try {
      if (database.dialect !== 'postgres') fail('db:trigram-indexes is for PostgreSQL (SQLite searches by prefix on its own indexes)');
      if ((await pendingMigrations(database)).length) fail('the database has pending migrations: run `npm run -s cli -- migrate` first');
      for (const statement of keywordTrigramStatements().postgres) await sql.raw(statement).execute(database.db);
      const mode = await detectKeywordMode(database);
      process.stderr.write(mode === 'trigram' ? 'trigram indexes in place: restart the nodes to search by substring\n' : 'pg_trgm is not available to this role: ask an administrator to run `create extension pg_trgm schema public`\n');
      if (mode !== 'trigram') process.exitCode = 1;
    } finally {
      await database.close();
    }
    return;
  }
  if (command.startsWith('db:grant-app-role')) {
    const role = positionals[1] ?? fail('db:grant-app-role needs a role name');
    const database = ownerDatabase();
    const granted = await grantAppRole(database, role!).finally(() => database.close());
    process.stderr.write(`granted ${role} the app's privileges in schema ${granted.schema} (owner ${granted.owner}); audit_logs and audit_archives: SELECT, INSERT only\n`);
    return;
  }
  if (positionals[0] === 'backup') {
    await backupCommand(positionals.slice(1), values);
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

const cliInitiator = () => ({ accountId: null, name: `cli:${os.userInfo().username}` });

async function backupCommand(args: string[], values: { important?: string; format?: string; yes?: boolean }) {
  const [action, target] = args;
  await withServices(async (services) => {
    const catalogue = new BackupCatalogue(services.config.backupDir);
    const auditCli = (what: string, changes: Record<string, unknown>) =>
      services.database.db.transaction().execute((trx) => audit(systemContext(services, trx), 'backup', null, what, { ...changes, via: 'cli', by: cliInitiator().name }));
    /** A catalogue id, or a file path taken into the catalogue (verified) first. */
    const resolve = async (): Promise<BackupRecord> => {
      if (!target) fail(`backup ${action} needs a backup id or a file`);
      const known = isBackupId(target!) ? await catalogue.get(target!) : null;
      if (known) return known;
      if (!fs.existsSync(target!)) fail(`no backup ${target}`);
      const scratch = await catalogue.scratch('cli');
      const copy = path.join(scratch, 'upload.bin');
      await fs.promises.copyFile(target!, copy);
      try {
        return await acceptUpload(services, catalogue, copy, cliInitiator());
      } finally {
        await fs.promises.rm(scratch, { recursive: true, force: true });
      }
    };
    const explain = (error: unknown): never => {
      if (error instanceof AppError && error.fields) fail(`refused: ${Object.values(error.fields).map((field) => reasonMessage(field.reason, field.params, 'en-US')).join('; ')}`);
      throw error;
    };
    if (action === 'create') {
      const record = values.important
        ? await createImportantDataExport(services, catalogue, systemActor(), cliInitiator(), 'manual', values.important.split(','), values.format === 'csv' ? 'csv' : 'xlsx')
        : await createSystemBackup(services, catalogue, cliInitiator(), 'manual');
      await auditCli('create', { backup: record.id, kind: record.kind, status: record.status });
      if (record.status !== 'succeeded') fail(`backup failed: ${record.error}`);
      process.stdout.write(`${JSON.stringify(record)}\n`);
    } else if (action === 'list') {
      for (const record of await catalogue.list()) {
        process.stdout.write(`${record.id}\t${record.kind}\t${record.trigger}\t${record.status}\t${record.sizeBytes ?? '-'}\t${record.sha256 ?? '-'}\t${record.fileName}\n`);
      }
    } else if (action === 'verify') {
      const record = await resolve().catch(explain);
      const verified = await verifyBackup(services, catalogue, catalogue.archivePath(record), record.sha256).catch(explain);
      await fs.promises.rm(verified.directory, { recursive: true, force: true });
      process.stdout.write(`ok: ${record.id} (${verified.manifest.kind}, schema ${verified.manifest.schemaVersion ?? '-'}, ${verified.manifest.entries.length} entries)\n`);
    } else if (action === 'restore') {
      if (!values.yes) fail('backup restore replaces all live data: add --yes to confirm');
      const record = await resolve().catch(explain);
      const result = await restoreBackup(services, catalogue, record, cliInitiator(), 0).catch(explain);
      await auditCli('restore', { ...result });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else if (action === 'prune') {
      const result = await pruneBackups(services, catalogue);
      await auditCli('prune', { removed: result.removed });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      fail(`unknown backup command: ${action ?? ''}\n\n${usage}`);
    }
  });
}

main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

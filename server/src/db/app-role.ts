import { sql } from 'kysely';
import type { Database } from './database.ts';

/** Tables the app role may read and append to but never change: the operation log and its archive anchors. */
export const appendOnlyTables = ['audit_logs', 'audit_archives'];
/** Kysely's migration bookkeeping: the app role only reads it (migrations run as the owner). */
const migrationTables = ['kysely_migration', 'kysely_migration_lock'];

const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Statements the owner runs so that `role` can run the app without owning anything (PostgreSQL): DML on every table
 * of the current schema and on tables later migrations create (default privileges of the role running this,
 * which must be the one that runs migrations), sequence use, and on the append-only tables only SELECT and
 * INSERT (UPDATE, DELETE and TRUNCATE revoked: the triggers are a second wall, privileges the first).
 */
export function appRoleStatements(schema: string, role: string, owner: string): string[] {
  const s = q(schema);
  const r = q(role);
  const special = [...appendOnlyTables, ...migrationTables].map((table) => `${s}.${q(table)}`).join(', ');
  return [
    `grant usage on schema ${s} to ${r}`,
    `revoke create on schema ${s} from ${r}`,
    `grant select, insert, update, delete on all tables in schema ${s} to ${r}`,
    `revoke all on ${special} from ${r}`,
    `grant select, insert on ${appendOnlyTables.map((table) => `${s}.${q(table)}`).join(', ')} to ${r}`,
    `grant select on ${migrationTables.map((table) => `${s}.${q(table)}`).join(', ')} to ${r}`,
    `grant usage, select on all sequences in schema ${s} to ${r}`,
    `grant execute on function ${s}.audit_logs_archive(bigint, bigint) to ${r}`,
    `alter default privileges for role ${q(owner)} in schema ${s} grant select, insert, update, delete on tables to ${r}`,
    `alter default privileges for role ${q(owner)} in schema ${s} grant usage, select on sequences to ${r}`,
  ];
}

/** Runs appRoleStatements for the connection's current schema and user (the owner) in one transaction. */
export async function grantAppRole(database: Database, role: string): Promise<{ schema: string; owner: string; statements: string[] }> {
  if (database.dialect !== 'postgres') throw new Error('db:grant-app-role is for PostgreSQL; SQLite has no roles');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error('role must be a lower-case PostgreSQL identifier (letters, digits, _)');
  return database.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ schema: string; owner: string }>`select current_schema() as schema, current_user as owner`.execute(trx);
    const { schema, owner } = rows[0]!;
    if (role === owner) throw new Error(`${role} is the connecting (owner) role: grant to a separate app role`);
    const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(trx);
    if (!exists.rows[0]?.n) throw new Error(`role ${role} does not exist: create it first (deploy/postgres-roles.sql)`);
    const statements = appRoleStatements(schema, role, owner);
    for (const statement of statements) await sql.raw(statement).execute(trx);
    return { schema, owner, statements };
  });
}

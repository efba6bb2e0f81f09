import type { DB } from '../../db/database.ts';
import { reusableQuery } from '../../db/reusable-query.ts';

export type DataScope = 'own' | 'org' | 'all';

/** The authenticated caller, as every service sees it. */
export interface Actor {
  accountId: number;
  loginName: string;
  displayName: string;
  orgId: number;
  orgPath: string;
  salespersonId: number | null;
  roles: { id: number; name: string; builtinKey: string | null }[];
  permissions: ReadonlySet<string>;
  dataScope: DataScope;
  via: 'session' | 'token';
  locale: 'zh-CN' | 'en-US';
  theme: 'light' | 'dark';
  mfaEnabled: boolean;
}

const scopeRank: Record<DataScope, number> = { own: 0, org: 1, all: 2 };

// Every request loads its caller: these two queries are compiled once (see reusableQuery).
const accountQuery = reusableQuery((db: DB, accountId: number) =>
  db
    .selectFrom('accounts')
    .innerJoin('organisations', 'organisations.id', 'accounts.org_id')
    .leftJoin('account_settings', 'account_settings.account_id', 'accounts.id')
    .leftJoin('account_credentials', 'account_credentials.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.login_name',
      'accounts.display_name',
      'accounts.org_id',
      'accounts.salesperson_id',
      'accounts.status',
      'organisations.path',
      'account_settings.locale',
      'account_settings.theme',
      'account_credentials.mfa_enabled',
    ])
    .where('accounts.id', '=', accountId)
    .where('accounts.deleted_at', 'is', null),
);
const rolesQuery = reusableQuery((db: DB, accountId: number) =>
  db
    .selectFrom('accounts__role_ids')
    .innerJoin('roles', 'roles.id', 'accounts__role_ids.target_id')
    .select(['roles.id', 'roles.name', 'roles.builtin_key', 'roles.data_scope', 'roles.permissions', 'roles.status'])
    .where('accounts__role_ids.owner_id', '=', accountId)
    .where('roles.deleted_at', 'is', null),
);

const permissionSets = new Map<string, ReadonlySet<string>>();
/** The union of the roles' permissions; shared between actors with the same roles (read-only). */
function permissionsOf(roles: { permissions: unknown }[]): ReadonlySet<string> {
  const key = roles.map((role) => String(role.permissions ?? '[]')).join('\n');
  let permissions = permissionSets.get(key);
  if (!permissions) {
    permissions = new Set(roles.flatMap((role) => JSON.parse(String(role.permissions ?? '[]')) as string[]));
    if (permissionSets.size >= 1000) permissionSets.clear();
    permissionSets.set(key, permissions);
  }
  return permissions;
}

/** Loads an enabled, live account with its roles; null when it cannot act any more. */
export async function loadActor(db: DB, accountId: number, via: Actor['via']): Promise<Actor | null> {
  const [account] = await accountQuery(db, accountId);
  if (!account || account.status !== 'enabled') return null;
  const roles = await rolesQuery(db, accountId);
  let dataScope: DataScope = 'own';
  const liveRoles = roles.filter((role) => role.status === 'normal');
  const permissions = permissionsOf(liveRoles);
  for (const role of liveRoles) {
    const scope = role.data_scope as DataScope;
    if (scopeRank[scope] > scopeRank[dataScope]) dataScope = scope;
  }
  return {
    accountId: Number(account.id),
    loginName: String(account.login_name),
    displayName: String(account.display_name),
    orgId: Number(account.org_id),
    orgPath: String(account.path ?? ''),
    salespersonId: account.salesperson_id == null ? null : Number(account.salesperson_id),
    roles: liveRoles.map((role) => ({ id: Number(role.id), name: String(role.name), builtinKey: (role.builtin_key as string | null) ?? null })),
    permissions,
    dataScope,
    via,
    locale: account.locale === 'en-US' ? 'en-US' : 'zh-CN',
    theme: account.theme === 'dark' ? 'dark' : 'light',
    mfaEnabled: account.mfa_enabled === true || account.mfa_enabled === 1,
  };
}

export const can = (actor: Actor, permission: string) => actor.permissions.has(permission);

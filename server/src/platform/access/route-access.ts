import { findEntityByPlural } from '@insure/model/registry';
import { builtinRoles, type BuiltinRole } from '@insure/model/permissions';

/**
 * Who may call each API route, derived from the declarations: the generic entity routes from the entity
 * declarations (`<entity>:<action>`, workflow moves from their transition's permission), the domain routes
 * from the table below (the permission each handler checks first). docs/access-matrix.md is generated from
 * this (`npm run -s cli -- docs access-matrix`) and server/test/access-matrix.test.ts asserts every cell
 * through HTTP, and fails when a route has no entry, so neither can silently go stale.
 *
 * Only the function-level check is described here; data scope (own / org / all, out-of-scope ids → 404)
 * applies on top of every entry and is asserted separately.
 */
export type RouteAccess =
  /** No session needed (sign-in steps, one-time survey links, gateway receipts with their shared token). */
  | { kind: 'public'; note?: string }
  /** Any signed-in account; the record or module it touches may add its own check (see note). */
  | { kind: 'session'; note?: string }
  /** Every listed permission; `companyWide`: the role's data scope must also be `all`. */
  | { kind: 'permission'; all: string[]; companyWide?: boolean; note?: string };

const perm = (...all: string[]): RouteAccess => ({ kind: 'permission', all });
const session = (note?: string): RouteAccess => ({ kind: 'session', note });
const open = (note?: string): RouteAccess => ({ kind: 'public', note });

/** Routes outside the generic entity set, keyed `METHOD /path` with OpenAPI-style `{param}`s. */
export const domainRouteAccess: Record<string, RouteAccess> = {
  'GET /api/auth/captcha': open(),
  'POST /api/auth/login': open(),
  'POST /api/auth/mfa': open('needs the pending sign-in of the first step'),
  'POST /api/auth/logout': session(),
  'GET /api/me': session(),
  'PATCH /api/me/settings': session(),
  'POST /api/me/password': session('current password required'),
  'POST /api/me/mfa/setup': session(),
  'POST /api/me/mfa/enable': session(),
  'POST /api/me/mfa/disable': session('refused for roles that require a second factor'),
  'POST /api/accounts/{id}/mfa/reset': perm('account:edit'),
  'POST /api/accounts/{id}/reset-password': perm('account:edit'),
  'GET /api/api-tokens': perm('apiToken:view'),
  'POST /api/api-tokens': perm('apiToken:create'),
  'DELETE /api/api-tokens/{id}': perm('apiToken:delete'),
  'GET /api/training/mine': session('own results only'),
  'GET /api/me/lists/{listKey}': session("the list's <module>:view, else 404"),
  'PUT /api/me/lists/{listKey}/settings': session("the list's <module>:view, else 404"),
  'POST /api/me/lists/{listKey}/views': session("the list's <module>:view, else 404"),
  'PATCH /api/me/views/{id}': session('own views only'),
  'DELETE /api/me/views/{id}': session('own views only'),
  'POST /api/audit-logs/query': perm('auditLog:view'),
  'GET /api/audit-logs/export': perm('auditLog:export'),
  'POST /api/login-logs/query': perm('loginLog:view'),
  'GET /api/import-reports/{id}': session('own import reports only'),
  'POST /api/recycle-bin/query': perm('recycleBin:view'),
  'DELETE /api/recycle-bin/{module}/{id}': perm('recycleBin:delete'),
  'POST /api/export-requests': session("plus <module>:export of the requested module"),
  'GET /api/export-requests': session('own requests; approvers also those in their scope'),
  'POST /api/export-requests/{id}/approve': perm('exportRequest:approve'),
  'POST /api/export-requests/{id}/reject': perm('exportRequest:approve'),
  'GET /api/export-requests/{id}/download': session('requester only, plus <module>:export'),
  'GET /api/attachments/{attachmentId}/download': session("plus <module>:view of the record it is attached to"),
  'DELETE /api/attachments/{attachmentId}': session("plus <module>:edit of the record it is attached to"),
  'GET /api/backups': perm('backup:view'),
  'POST /api/backups': perm('backup:create'),
  'GET /api/backups/{id}/download': perm('backup:export'),
  'POST /api/backups/upload': perm('backup:import'),
  'POST /api/backups/{id}/restore': perm('backup:import'),
  'DELETE /api/backups/{id}': perm('backup:delete'),
  'POST /api/backups/prune': perm('backup:delete'),
  'GET /api/organisations/tree': perm('organisation:view'),
  'GET /api/customers/{id}/summary': perm('customer:view'),
  'GET /api/salespeople/{id}/performance': perm('salesperson:view'),
  'GET /api/products/{id}/rating': perm('product:view'),
  'GET /api/policies/renewals': perm('policy:view'),
  'POST /api/policies/{id}/renew': perm('policy:create'),
  'GET /api/policies/{id}/claim-summary': perm('policy:view'),
  'GET /api/sms/rules': perm('smsTemplate:view'),
  'PUT /api/sms/rules/{kind}': perm('smsTemplate:edit'),
  'POST /api/sms/templates/{id}/preview': perm('smsTemplate:view'),
  'POST /api/sms/manual/preview': perm('smsMessage:create'),
  'POST /api/sms/manual/send': perm('smsMessage:create'),
  'GET /api/sms/opt-outs/{customerId}': perm('smsMessage:view'),
  'POST /api/sms/opt-outs': perm('smsMessage:edit'),
  'GET /api/sms/stats': perm('smsMessage:view'),
  'POST /api/sms/receipts/{provider}': open('shared gateway token in the query; a wrong token answers 404'),
  'GET /api/competitors/report': perm('competitor:view', 'opportunity:view'),
  'GET /api/customers/pool': perm('customer:view'),
  'POST /api/customers/{id}/claim': perm('customer:edit'),
  'POST /api/customers/{id}/release': perm('customer:edit'),
  'GET /api/customers/{id}/pool-history': perm('customer:view'),
  'GET /api/incentives/runs': perm('incentiveRun:view'),
  'POST /api/incentives/runs': { kind: 'permission', all: ['incentiveRun:create'], companyWide: true },
  'POST /api/incentives/runs/{period}/approve': { kind: 'permission', all: ['incentiveRun:approve'], companyWide: true },
  'GET /api/incentives/statements': perm('incentiveRun:view'),
  'GET /api/incentives/statements/{period}/{salespersonId}': perm('incentiveRun:view'),
  'POST /api/incentive-policies/{id}/revise': perm('incentivePolicy:create', 'incentivePolicy:edit'),
  'GET /api/sales-performance/ranking': perm('salesPerformance:view'),
  'GET /api/sales-performance/trend': perm('salesPerformance:view'),
  'GET /api/opportunities/pipeline': perm('opportunity:view'),
  'POST /api/opportunities/{id}/move': perm('opportunity:edit'),
  'GET /api/opportunities/board': perm('opportunity:view'),
  'GET /api/opportunities/statistics': perm('opportunity:view'),
  'GET /api/sales-plans/tree': perm('salesPlan:view'),
  'GET /api/sales-plans/{id}/progress': perm('salesPlan:view'),
  'POST /api/sales-plans/{id}/split': perm('salesPlan:create'),
  'POST /api/sales-plans/{id}/notes': { kind: 'permission', all: ['salesPlan:view'], note: "the plan's own salesperson, or salesPlan:edit" },
  'POST /api/campaigns/{id}/participants/from-audience': perm('campaignParticipant:create'),
  'GET /api/campaigns/{id}/results': perm('campaign:view'),
  'GET /api/interactions/follow-ups': perm('interaction:view'),
  'POST /api/surveys/send': perm('survey:create'),
  'POST /api/surveys/{id}/link': perm('survey:edit'),
  'POST /api/surveys/{id}/answers': perm('survey:edit'),
  'GET /api/surveys/{id}/questions': perm('survey:view'),
  'GET /api/surveys/satisfaction': perm('survey:view'),
  'POST /api/sms/messages/{id}/resolve': perm('smsMessage:edit'),
  'GET /api/reports/{type}': perm('reportDefinition:view'),
  'GET /api/reports/{type}/export': perm('reportDefinition:export'),
  'GET /api/customer-analysis': perm('customerAnalysis:view'),
  'GET /api/workbench': session('own figures; managers also their data scope'),
  'GET /api/customers/{id}/profile': perm('customer:view'),
  'GET /api/customers/{id}/suggestions': perm('customer:view'),
  'POST /api/customers/{id}/suggestions/{productId}/accept': perm('opportunity:create'),
  'POST /api/customers/{id}/suggestions/{productId}/skip': perm('customer:edit'),
  'GET /api/profiles/suggestion-stats': perm('customer:view'),
  'GET /api/profiles/settings': perm('customer:view'),
  'PUT /api/profiles/settings': { kind: 'permission', all: ['customerTag:edit'], companyWide: true },
  'GET /api/profiles/rebuild': perm('customer:view'),
  'POST /api/profiles/rebuild': { kind: 'permission', all: ['customerTag:edit'], companyWide: true },
  'POST /api/customer-segments/{id}/opportunities': { kind: 'permission', all: ['opportunity:create', 'customerSegment:view'], note: 'members within my data scope; owners I may assign' },
  'GET /api/customer-segments/fields': perm('customerSegment:view'),
  'POST /api/customer-segments/preview': perm('customerSegment:view'),
  'GET /api/customer-segments/{id}/preview': perm('customerSegment:view'),
  'GET /api/customer-segments/{id}/members': perm('customerSegment:view'),
  'GET /api/public/surveys/{token}': open('one-time 256-bit link token'),
  'POST /api/public/surveys/{token}': open('one-time 256-bit link token'),
};

/** Generic entity routes: path suffix after /api/<plural> → action of the entity's permission module. */
const genericActions: Record<string, string> = {
  'GET ': 'view',
  'POST /query': 'view',
  'GET /options': 'view',
  'GET /custom-fields': 'view',
  'GET /{id}': 'view',
  'GET /{id}/history': 'view',
  'GET /{id}/dependents': 'view',
  'GET /{id}/timeline': 'view',
  'GET /{id}/attachments': 'view',
  'POST /check-duplicates': 'view',
  'POST ': 'create',
  'PATCH /{id}': 'edit',
  'POST /{id}/attachments': 'edit',
  'DELETE /{id}': 'delete',
  'POST /batch-delete': 'delete',
  'POST /{id}/restore': 'delete',
  'POST /{id}/reveal': 'reveal',
  'GET /export': 'export',
  'POST /export': 'export',
  'POST /export/preflight': 'export',
  'GET /import-template': 'import',
  'POST /import': 'import',
};

/** The declared access of one route (`GET`, `/api/customers/{id}`), or null when nothing declares it. */
export function routeAccess(method: string, path: string): RouteAccess | null {
  const key = `${method} ${path}`;
  if (domainRouteAccess[key]) return domainRouteAccess[key];
  const match = /^\/api\/([a-z-]+)(\/.*)?$/.exec(path);
  if (!match) return null;
  const entity = findEntityByPlural(match[1]!);
  if (!entity) return null;
  const suffix = match[2] ?? '';
  const move = /^\/\{id\}\/actions\/([A-Za-z]+)$/.exec(suffix);
  if (move && method === 'POST') {
    const transition = entity.workflow?.transitions.find((candidate) => candidate.action === move[1]);
    return transition ? perm(`${entity.name}:${transition.permission}`) : null;
  }
  const action = genericActions[`${method} ${suffix}`];
  return action ? perm(`${entity.name}:${action}`) : null;
}

export interface MatrixRole {
  key: string;
  name: string;
  dataScope: BuiltinRole['dataScope'] | null;
  permissions: Set<string>;
}

/** The columns: anonymous plus every built-in role with the permissions bootstrap gives it. */
export function matrixRoles(): MatrixRole[] {
  return [
    { key: 'anonymous', name: 'anonymous', dataScope: null, permissions: new Set() },
    ...builtinRoles.map((role) => ({ key: role.key, name: role.name.en, dataScope: role.dataScope, permissions: new Set(role.permissions()) })),
  ];
}

export type Cell = 'allowed' | 'denied' | 'unauthenticated';

export function cellFor(access: RouteAccess, role: MatrixRole): Cell {
  if (access.kind === 'public') return 'allowed';
  if (role.key === 'anonymous') return 'unauthenticated';
  if (access.kind === 'session') return 'allowed';
  if (!access.all.every((permission) => role.permissions.has(permission))) return 'denied';
  if (access.companyWide && role.dataScope !== 'all') return 'denied';
  return 'allowed';
}

export interface RouteRow {
  method: string;
  path: string;
  access: RouteAccess;
}

function describe(access: RouteAccess): string {
  const base = access.kind === 'public' ? 'public' : access.kind === 'session' ? 'signed in' : access.all.map((key) => `\`${key}\``).join(' + ') + (access.companyWide ? ' (scope all)' : '');
  return access.note ? `${base}; ${access.note}` : base;
}

const mark: Record<Cell, string> = { allowed: '✓', denied: '·', unauthenticated: '–' };

/** docs/access-matrix.md from the route list (every /api route of the OpenAPI document). */
export function renderAccessMatrix(routes: RouteRow[]): string {
  const roles = matrixRoles();
  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  let cells = 0;
  const lines = [
    '# Access matrix (generated)',
    '',
    '<!-- Generated by `npm run -s cli -- docs access-matrix` from server/src/platform/access/route-access.ts,',
    '     the entity declarations and the built-in roles (packages/model/src/permissions.ts). Do not edit by hand:',
    '     server/test/access-matrix.test.ts fails when this file differs from the declarations, and asserts every',
    '     cell through HTTP. -->',
    '',
    `Legend: ✓ allowed (never 401/403) · denied (403) – not signed in (401). Data scope (own / org / all) applies on top`,
    `of every ✓: records outside it answer 404, exactly like a missing record. Roles: ${roles.slice(1).map((role) => `${role.key} = ${role.name} (scope ${role.dataScope})`).join('; ')}.`,
    '',
    `| route | requires | ${roles.map((role) => role.key).join(' | ')} |`,
    `| --- | --- | ${roles.map(() => ':-:').join(' | ')} |`,
  ];
  for (const route of sorted) {
    const row = roles.map((role) => mark[cellFor(route.access, role)]);
    cells += row.length;
    lines.push(`| \`${route.method} ${route.path}\` | ${describe(route.access)} | ${row.join(' | ')} |`);
  }
  lines.splice(7, 0, `${sorted.length} routes × ${roles.length} columns = ${cells} cells.`, '');
  return `${lines.join('\n')}\n`;
}

/** Every /api operation of an OpenAPI document with its declared access (null when undeclared). */
export function routesOf(document: { paths: Record<string, Record<string, unknown>> }): { method: string; path: string; access: RouteAccess | null }[] {
  const found: { method: string; path: string; access: RouteAccess | null }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const method of Object.keys(methods)) {
      const upper = method.toUpperCase();
      if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(upper)) continue;
      found.push({ method: upper, path, access: routeAccess(upper, path) });
    }
  }
  return found;
}


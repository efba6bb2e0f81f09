import { actions, type Action } from './entity.ts';
import { entities } from './registry.ts';

/** Modules that exist outside the entity engine but carry permissions. */
export const extraModules = [
  { name: 'auditLog', label: { zh: '操作日志', en: 'Operation log' }, actions: ['view', 'export'] as Action[] },
  { name: 'loginLog', label: { zh: '登录日志', en: 'Login log' }, actions: ['view', 'export'] as Action[] },
  { name: 'apiToken', label: { zh: 'API 令牌', en: 'API tokens' }, actions: ['view', 'create', 'delete'] as Action[] },
];

/** Actions that make sense for an entity: reveal only where it holds personal data. */
export function entityActions(entityName: string): Action[] {
  const entity = entities.find((candidate) => candidate.name === entityName);
  if (!entity) return extraModules.find((module) => module.name === entityName)?.actions ?? [];
  const hasPii = Object.values(entity.fields).some((field) => field.pii);
  return actions.filter((action) => action !== 'reveal' || hasPii);
}

export function allPermissionKeys(): string[] {
  const modules = [...entities.map((entity) => entity.name), ...extraModules.map((module) => module.name)];
  return modules.flatMap((module) => entityActions(module).map((action) => `${module}:${action}`));
}

const read = (module: string) => [`${module}:view`, `${module}:export`];
const write = (module: string) => [`${module}:view`, `${module}:create`, `${module}:edit`, `${module}:export`];

export interface BuiltinRole {
  key: string;
  name: { zh: string; en: string };
  dataScope: 'own' | 'org' | 'all';
  permissions: () => string[];
}

/** The roles every installation starts with (SPEC: roles). Admins may edit their permissions later. */
export const builtinRoles: BuiltinRole[] = [
  { key: 'admin', name: { zh: '系统管理员', en: 'System admin' }, dataScope: 'all', permissions: allPermissionKeys },
  {
    key: 'branchManager',
    name: { zh: '分公司经理', en: 'Branch manager' },
    dataScope: 'org',
    permissions: () => [
      ...write('organisation'),
      ...write('salesperson'),
      ...write('customer'),
      'customer:delete',
      'customer:import',
      'customer:approve',
      'customer:reveal',
      'salesperson:reveal',
      ...read('account'),
    ],
  },
  {
    key: 'salesManager',
    name: { zh: '销售经理', en: 'Sales manager' },
    dataScope: 'org',
    permissions: () => [...read('organisation'), ...read('salesperson'), ...write('customer'), 'customer:reveal'],
  },
  {
    key: 'salesperson',
    name: { zh: '业务员', en: 'Salesperson' },
    dataScope: 'own',
    permissions: () => ['organisation:view', 'salesperson:view', 'customer:view', 'customer:create', 'customer:edit', 'customer:reveal'],
  },
  {
    key: 'serviceAgent',
    name: { zh: '客服专员', en: 'Customer-service agent' },
    dataScope: 'org',
    permissions: () => ['organisation:view', 'salesperson:view', 'customer:view', 'customer:edit'],
  },
  {
    key: 'claimsHandler',
    name: { zh: '理赔专员', en: 'Claims handler' },
    dataScope: 'org',
    permissions: () => ['organisation:view', 'customer:view'],
  },
  {
    key: 'analyst',
    name: { zh: '数据分析师', en: 'Analyst' },
    dataScope: 'all',
    permissions: () => [...read('organisation'), ...read('salesperson'), ...read('customer')],
  },
  {
    key: 'trainer',
    name: { zh: '培训专员', en: 'Trainer' },
    dataScope: 'org',
    permissions: () => ['organisation:view', 'salesperson:view'],
  },
];

import { actions, type Action } from './entity.ts';
import { entities } from './registry.ts';

/** Modules that exist outside the entity engine but carry permissions. */
export const extraModules = [
  { name: 'auditLog', label: { zh: '操作日志', en: 'Operation log' }, actions: ['view', 'export'] as Action[] },
  { name: 'loginLog', label: { zh: '登录日志', en: 'Login log' }, actions: ['view', 'export'] as Action[] },
  { name: 'apiToken', label: { zh: 'API 令牌', en: 'API tokens' }, actions: ['view', 'create', 'delete'] as Action[] },
  { name: 'incentiveRun', label: { zh: '佣金结算', en: 'Commission runs' }, actions: ['view', 'create', 'approve'] as Action[] },
  { name: 'salesPerformance', label: { zh: '销售业绩统计', en: 'Sales performance' }, actions: ['view'] as Action[] },
  { name: 'recycleBin', label: { zh: '回收站', en: 'Recycle bin' }, actions: ['view', 'delete'] as Action[] },
  { name: 'exportRequest', label: { zh: '导出审批', en: 'Export approvals' }, actions: ['view', 'approve'] as Action[] },
  // export = download a backup file; import = upload one and restore (restore also asks for the password again).
  { name: 'backup', label: { zh: '数据备份', en: 'Backups' }, actions: ['view', 'create', 'delete', 'export', 'import'] as Action[] },
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

const read = (...modules: string[]) => modules.flatMap((module) => [`${module}:view`, `${module}:export`]);
const view = (...modules: string[]) => modules.map((module) => `${module}:view`);
const write = (...modules: string[]) =>
  modules.flatMap((module) => [`${module}:view`, `${module}:create`, `${module}:edit`, `${module}:export`]);
const manage = (...modules: string[]) =>
  modules.flatMap((module) => [...write(module), `${module}:delete`, `${module}:import`, `${module}:approve`]);

const businessModules = entities
  .filter((entity) => !['account', 'role', 'customFieldDefinition'].includes(entity.name))
  .map((entity) => entity.name);

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
    key: 'securityAdmin',
    name: { zh: '安全管理员', en: 'Security admin' },
    dataScope: 'all',
    permissions: () => [...manage('role', 'account'), 'apiToken:view', 'apiToken:create', 'apiToken:delete', 'organisation:view', 'salesperson:view', 'loginLog:view'],
  },
  {
    key: 'auditor',
    name: { zh: '审计员', en: 'Auditor' },
    dataScope: 'all',
    permissions: () => ['auditLog:view', 'auditLog:export', 'loginLog:view', 'loginLog:export'],
  },
  {
    key: 'branchManager',
    name: { zh: '分公司经理', en: 'Branch manager' },
    dataScope: 'org',
    permissions: () => [
      ...manage(...businessModules),
      'customer:reveal',
      'salesperson:reveal',
      'claim:reveal',
      'smsMessage:reveal',
      ...read('account'),
      'exportRequest:view',
      'exportRequest:approve',
      'incentiveRun:view', 'incentiveRun:create', 'incentiveRun:approve', 'salesPerformance:view',
    ],
  },
  {
    key: 'salesManager',
    name: { zh: '销售经理', en: 'Sales manager' },
    dataScope: 'org',
    permissions: () => [
      ...view('organisation', 'product', 'incentivePolicy', 'smsTemplate', 'trainingPlan', 'trainingCourse', 'trainingSession', 'ticketSla', 'serviceCalendar', 'surveyTemplate'),
      ...read('salesperson', 'policy', 'contract', 'claim', 'incentivePayout', 'trainingEnrolment', 'competitorAnalysis', 'competitor', 'pipelineStage', 'reportDefinition', 'qualification'),
      ...write('customer', 'customerGroup', 'customerTag', 'customerSegment', 'customerRelation', 'externalPolicy', 'consent', 'interaction', 'feedback', 'opportunity', 'salesPlan', 'signing', 'campaign', 'campaignParticipant', 'smsMessage', 'survey'),
      'customer:reveal',
      'opportunity:delete',
      'salesPlan:approve',
      'exportRequest:view',
      'exportRequest:approve',
      'incentiveRun:view',
      'salesPerformance:view',
    ],
  },
  {
    key: 'salesperson',
    name: { zh: '业务员', en: 'Salesperson' },
    dataScope: 'own',
    permissions: () => [
      ...view('organisation', 'salesperson', 'product', 'policy', 'contract', 'claim', 'salesPlan', 'incentivePayout', 'trainingPlan', 'trainingCourse', 'trainingSession', 'trainingEnrolment', 'campaign', 'campaignParticipant', 'competitorAnalysis', 'competitor', 'customerGroup', 'customerTag', 'customerSegment', 'qualification', 'survey', 'surveyTemplate', 'reportDefinition'),
      ...write('customer', 'customerRelation', 'externalPolicy', 'consent', 'interaction', 'opportunity', 'signing', 'feedback'),
      'customer:reveal',
      'incentiveRun:view',
      'salesPerformance:view',
    ],
  },
  {
    key: 'serviceAgent',
    name: { zh: '客服专员', en: 'Customer-service agent' },
    dataScope: 'org',
    permissions: () => [
      ...view('organisation', 'salesperson', 'product', 'policy', 'contract', 'claim', 'smsMessage', 'smsTemplate', 'ticketSla', 'serviceCalendar', 'surveyTemplate'),
      'customer:view',
      'customer:edit',
      ...write('consent', 'interaction', 'feedback', 'survey'),
      'feedback:approve',
    ],
  },
  {
    key: 'claimsHandler',
    name: { zh: '理赔专员', en: 'Claims handler' },
    dataScope: 'org',
    permissions: () => [...view('organisation', 'customer', 'product', 'policy', 'contract', 'contractAmendment'), ...write('claim'), 'claim:approve', 'claim:reveal'],
  },
  {
    key: 'analyst',
    name: { zh: '数据分析师', en: 'Analyst' },
    dataScope: 'all',
    permissions: () => [...read(...businessModules), ...write('customerAnalysis', 'reportDefinition'), 'customerAnalysis:delete', 'reportDefinition:delete', 'incentiveRun:view', 'salesPerformance:view'],
  },
  {
    key: 'trainer',
    name: { zh: '培训专员', en: 'Trainer' },
    dataScope: 'org',
    permissions: () => [...view('organisation', 'salesperson', 'product'), ...manage('trainingPlan', 'trainingCourse', 'trainingSession', 'trainingEnrolment', 'qualification')],
  },
];

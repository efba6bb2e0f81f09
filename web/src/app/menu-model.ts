import type { Label } from '@insure/model/field';
import type { MenuGroup } from '@insure/model/entity';
import { extraModules } from '@insure/model/permissions';
import { entities } from '@insure/model/registry';
import { labelOf } from './i18n.ts';

export const menuGroups: readonly MenuGroup[] = ['org', 'customers', 'insurance', 'sales', 'admin'];

export interface MenuLeaf {
  /** Route path, also the menu key. */
  path: string;
  /** A declaration's label, or a locale key for pages outside the engine. */
  label: Label | string;
  /** Permission module name (entity name or extra module). */
  module: string;
  icon?: string;
  /** The `menu-<testId>` test id; defaults to the module (pages sharing a module need their own). */
  testId?: string;
  /** Overrides the `<module>:view` rule. */
  visibleWith?: (allowed: ReadonlySet<string>) => boolean;
}

export interface MenuSection {
  group: MenuGroup;
  items: MenuLeaf[];
}

/** Pages outside the entity engine, keyed by their permission module. */
export const adminPages: Record<string, { path: string; icon: string; visibleWith?: (allowed: ReadonlySet<string>) => boolean }> = {
  auditLog: { path: '/admin/audit-logs', icon: 'FileSearchOutlined' },
  // Requesters follow their own requests there, so anyone who may export sees it.
  exportRequest: { path: '/admin/export-requests', icon: 'AuditOutlined', visibleWith: (allowed) => [...allowed].some((key) => key.endsWith(':export')) },
  loginLog: { path: '/admin/login-logs', icon: 'LoginOutlined' },
  apiToken: { path: '/admin/api-tokens', icon: 'KeyOutlined' },
  recycleBin: { path: '/admin/recycle-bin', icon: 'DeleteOutlined' },
  backup: { path: '/admin/backups', icon: 'DatabaseOutlined' },
};

/** Domain pages shown right after an entity's own entry, visible with that entity's view permission (or `module`'s). */
export const domainPages: { after: string; path: string; labelKey: string; icon: string; testId: string; module?: string; visibleWith?: (allowed: ReadonlySet<string>) => boolean }[] = [
  { after: 'policy', path: '/renewals', labelKey: 'menu.renewals', icon: 'SyncOutlined', testId: 'renewals' },
  { after: 'interaction', path: '/follow-ups', labelKey: 'menu.followUps', icon: 'BellOutlined', testId: 'follow-ups' },
  { after: 'survey', path: '/surveys/satisfaction', labelKey: 'menu.satisfaction', icon: 'SmileOutlined', testId: 'satisfaction' },
  { after: 'trainingEnrolment', path: '/my-training', labelKey: 'menu.myTraining', icon: 'ReadOutlined', testId: 'my-training' },
  { after: 'customerSegment', path: '/segments/builder', labelKey: 'menu.segmentBuilder', icon: 'TagsOutlined', testId: 'segment-builder' },
  { after: 'customer', path: '/customer-pool', labelKey: 'menu.customerPool', icon: 'ContactsOutlined', testId: 'customer-pool' },
  { after: 'opportunity', path: '/sales/pipeline-statistics', labelKey: 'menu.pipelineStatistics', icon: 'BarChartOutlined', testId: 'pipeline-statistics' },
  { after: 'competitor', path: '/sales/competitor-report', labelKey: 'menu.competitorReport', icon: 'FundOutlined', testId: 'competitor-report' },
  { after: 'smsMessage', path: '/sms', labelKey: 'menu.smsCenter', icon: 'BarChartOutlined', testId: 'sms-center' },
  { after: 'salesPlan', path: '/sales/plan-board', labelKey: 'menu.planBoard', icon: 'DashboardOutlined', testId: 'plan-board' },
  { after: 'salesPlan', path: '/sales/performance', labelKey: 'menu.salesPerformance', icon: 'BarChartOutlined', testId: 'sales-performance', module: 'salesPerformance' },
  { after: 'reportDefinition', path: '/reports', labelKey: 'menu.reportDashboard', icon: 'BarChartOutlined', testId: 'report-dashboard' },
  { after: 'customerAnalysis', path: '/customer-analysis', labelKey: 'menu.analysisDashboard', icon: 'PieChartOutlined', testId: 'analysis-dashboard' },
  // Rule settings of the computed profiles: whoever may edit tags (the server lets only company-wide roles save).
  { after: 'customerAnalysis', path: '/profiles/settings', labelKey: 'menu.profileSettings', icon: 'SettingOutlined', testId: 'profile-settings', module: 'customerTag', visibleWith: (allowed) => allowed.has('customerTag:edit') },
  { after: 'incentivePayout', path: '/sales/commission', labelKey: 'menu.commission', icon: 'AuditOutlined', testId: 'commission', module: 'incentiveRun' },
];

export const entityPath = (plural: string): string => `/m/${plural}`;

/** The side menu: every declared entity plus the admin pages, limited to what the user may view. */
export function buildMenu(permissions: readonly string[]): MenuSection[] {
  const allowed = new Set(permissions);
  const leaves: (MenuLeaf & { group: MenuGroup })[] = entities.flatMap((entity) => [
    { path: entityPath(entity.plural), label: entity.label, module: entity.name, group: entity.group, icon: entity.icon },
    ...domainPages
      .filter((page) => page.after === entity.name)
      .map((page) => ({ path: page.path, label: page.labelKey, module: page.module ?? entity.name, group: entity.group, icon: page.icon, testId: page.testId, visibleWith: page.visibleWith })),
  ]);
  for (const module of extraModules) {
    const page = adminPages[module.name];
    if (page) leaves.push({ path: page.path, label: module.label, module: module.name, group: 'admin', icon: page.icon, visibleWith: page.visibleWith });
  }
  return menuGroups
    .map((group) => ({
      group,
      items: leaves.filter((leaf) => leaf.group === group && (leaf.visibleWith?.(allowed) ?? allowed.has(`${leaf.module}:view`))),
    }))
    .filter((section) => section.items.length > 0);
}

/** The text of a menu entry in the user's language. */
export const leafLabel = (leaf: MenuLeaf, t: (key: string) => string, locale: string): string =>
  typeof leaf.label === 'string' ? t(leaf.label) : labelOf(leaf.label, locale);

import type { Label } from '@insure/model/field';
import type { MenuGroup } from '@insure/model/entity';
import { extraModules } from '@insure/model/permissions';
import { entities } from '@insure/model/registry';

export const menuGroups: readonly MenuGroup[] = ['org', 'customers', 'insurance', 'sales', 'admin'];

export interface MenuLeaf {
  /** Route path, also the menu key. */
  path: string;
  label: Label;
  /** Permission module name (entity name or extra module). */
  module: string;
  icon?: string;
}

export interface MenuSection {
  group: MenuGroup;
  items: MenuLeaf[];
}

/** Pages outside the entity engine, keyed by their permission module. */
export const adminPages: Record<string, { path: string; icon: string }> = {
  auditLog: { path: '/admin/audit-logs', icon: 'FileSearchOutlined' },
  loginLog: { path: '/admin/login-logs', icon: 'LoginOutlined' },
  apiToken: { path: '/admin/api-tokens', icon: 'KeyOutlined' },
  recycleBin: { path: '/admin/recycle-bin', icon: 'DeleteOutlined' },
};

export const entityPath = (plural: string): string => `/m/${plural}`;

/** The side menu: every declared entity plus the admin pages, limited to what the user may view. */
export function buildMenu(permissions: readonly string[]): MenuSection[] {
  const allowed = new Set(permissions);
  const leaves: (MenuLeaf & { group: MenuGroup })[] = entities.map((entity) => ({
    path: entityPath(entity.plural),
    label: entity.label,
    module: entity.name,
    group: entity.group,
    icon: entity.icon,
  }));
  for (const module of extraModules) {
    const page = adminPages[module.name];
    if (page) leaves.push({ path: page.path, label: module.label, module: module.name, group: 'admin', icon: page.icon });
  }
  return menuGroups
    .map((group) => ({
      group,
      items: leaves.filter((leaf) => leaf.group === group && allowed.has(`${leaf.module}:view`)),
    }))
    .filter((section) => section.items.length > 0);
}

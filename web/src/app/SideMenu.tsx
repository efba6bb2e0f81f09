import { Menu, type MenuProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useMe } from './AuthProvider.tsx';
import { groupIcon, iconFor, workbenchIcon } from './icon-registry.tsx';
import { buildMenu, entityPath, leafLabel } from './menu-model.ts';
import { entities } from '@insure/model/registry';
import { recordPageBase } from '../entity/entity-lookup.ts';

/** The menu entry a page belongs to: a record page (/policies/12) highlights its module's list. */
function menuKeyOf(pathname: string): string {
  const owner = entities.find((entity) => {
    const base = recordPageBase(entity);
    return base !== undefined && pathname.startsWith(`${base}/`);
  });
  if (owner) return entityPath(owner.plural);
  return pathname.split('/').slice(0, 3).join('/') || '/';
}

type MenuItem = Required<MenuProps>['items'][number];

export function SideMenu({ onNavigate, collapsed }: { onNavigate?: () => void; collapsed?: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const sections = useMemo(() => buildMenu(me.permissions), [me.permissions]);

  const items: MenuItem[] = [
    { key: '/', icon: workbenchIcon, label: t('menu.workbench') },
    ...sections.map(
      (section): MenuItem => ({
        key: `group:${section.group}`,
        icon: groupIcon(section.group),
        label: t(`menu.group.${section.group}`),
        children: section.items.map((item) => ({
          key: item.path,
          icon: iconFor(item.icon, item.module),
          label: <span data-testid={`menu-${item.testId ?? item.module}`}>{leafLabel(item, t, i18n.language)}</span>,
        })),
      }),
    ),
  ];

  const selected = menuKeyOf(location.pathname);
  const currentGroup = sections.find((section) => section.items.some((item) => item.path === selected))?.group;
  const [openKeys, setOpenKeys] = useState<string[]>(currentGroup ? [`group:${currentGroup}`] : []);
  useEffect(() => {
    if (currentGroup) setOpenKeys((keys) => (keys.includes(`group:${currentGroup}`) ? keys : [...keys, `group:${currentGroup}`]));
  }, [currentGroup]);

  return (
    <Menu
      mode="inline"
      theme="dark"
      items={items}
      selectedKeys={[selected]}
      {...(collapsed ? {} : { openKeys, onOpenChange: setOpenKeys })}
      onClick={({ key }) => {
        navigate(key);
        onNavigate?.();
      }}
    />
  );
}

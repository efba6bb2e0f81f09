import { Menu, type MenuProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useMe } from './AuthProvider.tsx';
import { labelOf } from './i18n.ts';
import { groupIcon, iconFor, workbenchIcon } from './icon-registry.tsx';
import { buildMenu } from './menu-model.ts';

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
          label: <span data-testid={`menu-${item.module}`}>{labelOf(item.label, i18n.language)}</span>,
        })),
      }),
    ),
  ];

  const selected = location.pathname.split('/').slice(0, 3).join('/') || '/';
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

import {
  LockOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuOutlined,
  MenuUnfoldOutlined,
  MoonOutlined,
  SunOutlined,
  TranslationOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Space, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppLocale } from './auth-api.ts';
import { useAuth, useMe } from './AuthProvider.tsx';
import { usePreferences } from './PreferencesProvider.tsx';

interface HeaderBarProps {
  isMobile: boolean;
  isCollapsed: boolean;
  onToggleMenu: () => void;
  onChangePassword: () => void;
}

export const localeNames: Record<AppLocale, string> = { 'zh-CN': '简体中文', 'en-US': 'English' };

export function LanguageSwitch({ onChange }: { onChange: (locale: AppLocale) => void }) {
  const { t } = useTranslation();
  const { locale } = usePreferences();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: (Object.keys(localeNames) as AppLocale[]).map((key) => ({ key, label: localeNames[key] })),
        onClick: ({ key }) => onChange(key === 'en-US' ? 'en-US' : 'zh-CN'),
      }}
    >
      <Button type="text" icon={<TranslationOutlined />} aria-label={t('header.language')} data-testid="language-switch">
        {localeNames[locale]}
      </Button>
    </Dropdown>
  );
}

export function HeaderBar({ isMobile, isCollapsed, onToggleMenu, onChangePassword }: HeaderBarProps) {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut, saveSettings } = useAuth();
  const { theme } = usePreferences();
  const isDark = theme === 'dark';
  const toggleIcon = isMobile ? <MenuOutlined /> : isCollapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />;

  return (
    <div className="app-header">
      <Space>
        <Button type="text" icon={toggleIcon} onClick={onToggleMenu} aria-label={t('header.toggleMenu')} data-testid="menu-toggle" />
        {isMobile && <Typography.Text strong>{t('app.shortTitle')}</Typography.Text>}
      </Space>
      <Space size={isMobile ? 0 : 'small'}>
        <LanguageSwitch onChange={(locale) => saveSettings({ locale })} />
        <Tooltip title={isDark ? t('header.lightTheme') : t('header.darkTheme')}>
          <Button
            type="text"
            icon={isDark ? <SunOutlined /> : <MoonOutlined />}
            aria-label={isDark ? t('header.lightTheme') : t('header.darkTheme')}
            data-testid="theme-toggle"
            onClick={() => saveSettings({ theme: isDark ? 'light' : 'dark' })}
          />
        </Tooltip>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'password', icon: <LockOutlined />, label: t('header.changePassword') },
              { type: 'divider' },
              { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), danger: true },
            ],
            onClick: ({ key }) => (key === 'logout' ? void signOut() : onChangePassword()),
          }}
        >
          <Button type="text" data-testid="user-menu" aria-label={t('header.userMenu')}>
            <Space>
              <Avatar size="small" icon={<UserOutlined />} />
              {!isMobile && <span>{me.displayName}</span>}
            </Space>
          </Button>
        </Dropdown>
      </Space>
    </div>
  );
}

import { Drawer, Layout, theme } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation } from 'react-router';
import { useAuth, useMe } from './AuthProvider.tsx';
import { ChangePasswordDialog } from './ChangePasswordDialog.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { HeaderBar } from './HeaderBar.tsx';
import { SideMenu } from './SideMenu.tsx';
import { useIsMobile } from './use-is-mobile.ts';
import { PageSpinner } from './PageSpinner.tsx';

function Brand({ isCollapsed }: { isCollapsed: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="app-brand">
      <img src="/favicon.svg" alt="" width={28} height={28} />
      {!isCollapsed && <span>{t('app.shortTitle')}</span>}
    </div>
  );
}

export function AppLayout() {
  const me = useMe();
  const { refreshMe } = useAuth();
  const isMobile = useIsMobile();
  const { token } = theme.useToken();
  const location = useLocation();
  const [isCollapsed, setIsCollapsed] = useState(false);
  const [isDrawerOpen, setIsDrawerOpen] = useState(false);
  const [isPasswordOpen, setIsPasswordOpen] = useState(false);

  return (
    <Layout className="app-layout">
      {isMobile ? (
        <Drawer
          placement="left"
          open={isDrawerOpen}
          onClose={() => setIsDrawerOpen(false)}
          size={256}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' } }}
        >
          <Brand isCollapsed={false} />
          <SideMenu onNavigate={() => setIsDrawerOpen(false)} />
        </Drawer>
      ) : (
        <Layout.Sider collapsible collapsed={isCollapsed} trigger={null} width={220} className="app-sider">
          <Brand isCollapsed={isCollapsed} />
          <SideMenu collapsed={isCollapsed} />
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="app-header-bar" style={{ background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <HeaderBar
            isMobile={isMobile}
            isCollapsed={isCollapsed}
            onToggleMenu={() => (isMobile ? setIsDrawerOpen(true) : setIsCollapsed((value) => !value))}
            onChangePassword={() => setIsPasswordOpen(true)}
          />
        </Layout.Header>
        <Layout.Content className="app-content">
          <ErrorBoundary resetKey={location.pathname}>
            <Suspense fallback={<PageSpinner />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </Layout.Content>
      </Layout>
      <ChangePasswordDialog
        open={isPasswordOpen || me.mustChangePassword}
        isForced={me.mustChangePassword}
        onCancel={() => setIsPasswordOpen(false)}
        onDone={() => {
          setIsPasswordOpen(false);
          void refreshMe();
        }}
      />
    </Layout>
  );
}

import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AppLayout, PageSpinner } from './AppLayout.tsx';
import { hasPermission } from './auth-api.ts';
import { useAuth } from './AuthProvider.tsx';
import { MfaEnrolmentGate } from './MfaEnrolmentGate.tsx';

const LoginPage = lazy(() => import('../auth/LoginPage.tsx').then((module) => ({ default: module.LoginPage })));
const WorkbenchPage = lazy(() =>
  import('../domains/workbench/WorkbenchPage.tsx').then((module) => ({ default: module.WorkbenchPage })),
);
const EntityRoute = lazy(() => import('../entity/EntityRoute.tsx').then((module) => ({ default: module.EntityRoute })));
const AuditLogPage = lazy(() => import('../domains/admin/AuditLogPage.tsx').then((module) => ({ default: module.AuditLogPage })));
const LoginLogPage = lazy(() => import('../domains/admin/LoginLogPage.tsx').then((module) => ({ default: module.LoginLogPage })));
const ApiTokenPage = lazy(() => import('../domains/admin/ApiTokenPage.tsx').then((module) => ({ default: module.ApiTokenPage })));
const RecycleBinPage = lazy(() => import('../domains/admin/RecycleBinPage.tsx').then((module) => ({ default: module.RecycleBinPage })));
const Customer360Page = lazy(() =>
  import('../domains/customers/Customer360Page.tsx').then((module) => ({ default: module.Customer360Page })),
);
const PolicyPage = lazy(() => import('../domains/insurance/PolicyPage.tsx').then((module) => ({ default: module.PolicyPage })));
const ClaimPage = lazy(() => import('../domains/insurance/ClaimPage.tsx').then((module) => ({ default: module.ClaimPage })));
const RenewalsPage = lazy(() => import('../domains/insurance/RenewalsPage.tsx').then((module) => ({ default: module.RenewalsPage })));
const ForbiddenPage = lazy(() => import('../pages/ForbiddenPage.tsx').then((module) => ({ default: module.ForbiddenPage })));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage.tsx').then((module) => ({ default: module.NotFoundPage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, isLoading } = useAuth();
  const location = useLocation();
  if (isLoading) return <PageSpinner />;
  if (!me) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <MfaEnrolmentGate>{children}</MfaEnrolmentGate>;
}

function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { me } = useAuth();
  return hasPermission(me, permission) ? children : <ForbiddenPage />;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<PageSpinner />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<WorkbenchPage />} />
          <Route path="m/:plural" element={<EntityRoute />} />
          <Route path="customers/:id" element={<Customer360Page />} />
          <Route path="policies/:id" element={<PolicyPage />} />
          <Route path="claims/:id" element={<ClaimPage />} />
          <Route
            path="renewals"
            element={
              <RequirePermission permission="policy:view">
                <RenewalsPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/audit-logs"
            element={
              <RequirePermission permission="auditLog:view">
                <AuditLogPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/login-logs"
            element={
              <RequirePermission permission="loginLog:view">
                <LoginLogPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/api-tokens"
            element={
              <RequirePermission permission="apiToken:view">
                <ApiTokenPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/recycle-bin"
            element={
              <RequirePermission permission="recycleBin:view">
                <RecycleBinPage />
              </RequirePermission>
            }
          />
          <Route path="403" element={<ForbiddenPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

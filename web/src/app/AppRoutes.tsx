import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { hasPermission } from './auth-api.ts';
import { useAuth } from './AuthProvider.tsx';
import { PageSpinner } from './PageSpinner.tsx';

// The signed-in frame (menu, header, the entity registry behind the menu) is its own chunk: the login page
// loads only what the form needs.
const AppLayout = lazy(() => import('./AppLayout.tsx').then((module) => ({ default: module.AppLayout })));
const MfaEnrolmentGate = lazy(() => import('./MfaEnrolmentGate.tsx').then((module) => ({ default: module.MfaEnrolmentGate })));

const LoginPage = lazy(() => import('../auth/LoginPage.tsx').then((module) => ({ default: module.LoginPage })));
const WorkbenchPage = lazy(() =>
  import('../domains/workbench/WorkbenchPage.tsx').then((module) => ({ default: module.WorkbenchPage })),
);
const EntityRoute = lazy(() => import('../entity/EntityRoute.tsx').then((module) => ({ default: module.EntityRoute })));
const AuditLogPage = lazy(() => import('../domains/admin/AuditLogPage.tsx').then((module) => ({ default: module.AuditLogPage })));
const LoginLogPage = lazy(() => import('../domains/admin/LoginLogPage.tsx').then((module) => ({ default: module.LoginLogPage })));
const ApiTokenPage = lazy(() => import('../domains/admin/ApiTokenPage.tsx').then((module) => ({ default: module.ApiTokenPage })));
const ExportRequestsPage = lazy(() => import('../domains/admin/ExportRequestsPage.tsx').then((module) => ({ default: module.ExportRequestsPage })));
const BackupPage = lazy(() => import('../domains/admin/BackupPage.tsx').then((module) => ({ default: module.BackupPage })));
const RecycleBinPage = lazy(() => import('../domains/admin/RecycleBinPage.tsx').then((module) => ({ default: module.RecycleBinPage })));
const Customer360Page = lazy(() =>
  import('../domains/customers/Customer360Page.tsx').then((module) => ({ default: module.Customer360Page })),
);
const PolicyPage = lazy(() => import('../domains/insurance/PolicyPage.tsx').then((module) => ({ default: module.PolicyPage })));
const ClaimPage = lazy(() => import('../domains/insurance/ClaimPage.tsx').then((module) => ({ default: module.ClaimPage })));
const RenewalsPage = lazy(() => import('../domains/insurance/RenewalsPage.tsx').then((module) => ({ default: module.RenewalsPage })));
const FollowUpsPage = lazy(() => import('../domains/service/FollowUpsPage.tsx').then((module) => ({ default: module.FollowUpsPage })));
const SatisfactionPage = lazy(() => import('../domains/service/SatisfactionPage.tsx').then((module) => ({ default: module.SatisfactionPage })));
const MyTrainingPage = lazy(() => import('../domains/service/MyTrainingPage.tsx').then((module) => ({ default: module.MyTrainingPage })));
const PublicSurveyPage = lazy(() => import('../domains/service/PublicSurveyPage.tsx').then((module) => ({ default: module.PublicSurveyPage })));
const PipelineStatisticsPage = lazy(() => import('../domains/sales/PipelineStatisticsPage.tsx').then((module) => ({ default: module.PipelineStatisticsPage })));
const CustomerPoolPage = lazy(() => import('../domains/sales/CustomerPoolPage.tsx').then((module) => ({ default: module.CustomerPoolPage })));
const CompetitorReportPage = lazy(() => import('../domains/sales/CompetitorReportPage.tsx').then((module) => ({ default: module.CompetitorReportPage })));
const SmsCenterPage = lazy(() => import('../domains/notifications/SmsCenterPage.tsx').then((module) => ({ default: module.SmsCenterPage })));
const PlanBoardPage = lazy(() => import('../domains/sales/PlanBoardPage.tsx').then((module) => ({ default: module.PlanBoardPage })));
const PerformancePage = lazy(() => import('../domains/sales/PerformancePage.tsx').then((module) => ({ default: module.PerformancePage })));
const CommissionPage = lazy(() => import('../domains/sales/CommissionPage.tsx').then((module) => ({ default: module.CommissionPage })));
const StatementPage = lazy(() => import('../domains/sales/StatementPage.tsx').then((module) => ({ default: module.StatementPage })));
const ReportsPage = lazy(() => import('../domains/reports/ReportsPage.tsx').then((module) => ({ default: module.ReportsPage })));
const CustomerAnalysisPage = lazy(() => import('../domains/reports/CustomerAnalysisPage.tsx').then((module) => ({ default: module.CustomerAnalysisPage })));
const ProfileSettingsPage = lazy(() => import('../domains/profiles/ProfileSettingsPage.tsx').then((module) => ({ default: module.ProfileSettingsPage })));
const SegmentBuilderPage = lazy(() => import('../domains/profiles/SegmentBuilderPage.tsx').then((module) => ({ default: module.SegmentBuilderPage })));
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
        {/* 回访 links reach customers without accounts: outside the signed-in layout. */}
        <Route path="/s/:token" element={<PublicSurveyPage />} />
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
          <Route
            path="segments/builder"
            element={
              <RequirePermission permission="customerSegment:view">
                <SegmentBuilderPage />
              </RequirePermission>
            }
          />
          <Route
            path="profiles/settings"
            element={
              <RequirePermission permission="customerTag:edit">
                <ProfileSettingsPage />
              </RequirePermission>
            }
          />
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
            path="follow-ups"
            element={
              <RequirePermission permission="interaction:view">
                <FollowUpsPage />
              </RequirePermission>
            }
          />
          <Route
            path="surveys/satisfaction"
            element={
              <RequirePermission permission="survey:view">
                <SatisfactionPage />
              </RequirePermission>
            }
          />
          <Route
            path="my-training"
            element={
              <RequirePermission permission="trainingEnrolment:view">
                <MyTrainingPage />
              </RequirePermission>
            }
          />
          <Route
            path="sms"
            element={
              <RequirePermission permission="smsMessage:view">
                <SmsCenterPage />
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
          <Route path="admin/export-requests" element={<ExportRequestsPage />} />
          <Route
            path="sales/plan-board"
            element={
              <RequirePermission permission="salesPlan:view">
                <PlanBoardPage />
              </RequirePermission>
            }
          />
          <Route
            path="sales/performance"
            element={
              <RequirePermission permission="salesPerformance:view">
                <PerformancePage />
              </RequirePermission>
            }
          />
          <Route
            path="reports"
            element={
              <RequirePermission permission="reportDefinition:view">
                <ReportsPage />
              </RequirePermission>
            }
          />
          <Route
            path="customer-analysis"
            element={
              <RequirePermission permission="customerAnalysis:view">
                <CustomerAnalysisPage />
              </RequirePermission>
            }
          />
          <Route
            path="sales/commission"
            element={
              <RequirePermission permission="incentiveRun:view">
                <CommissionPage />
              </RequirePermission>
            }
          />
          <Route
            path="sales/commission/:period/:salespersonId"
            element={
              <RequirePermission permission="incentiveRun:view">
                <StatementPage />
              </RequirePermission>
            }
          />
          <Route
            path="sales/pipeline-statistics"
            element={
              <RequirePermission permission="opportunity:view">
                <PipelineStatisticsPage />
              </RequirePermission>
            }
          />
          <Route
            path="customer-pool"
            element={
              <RequirePermission permission="customer:view">
                <CustomerPoolPage />
              </RequirePermission>
            }
          />
          <Route
            path="sales/competitor-report"
            element={
              <RequirePermission permission="competitor:view">
                <CompetitorReportPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/backups"
            element={
              <RequirePermission permission="backup:view">
                <BackupPage />
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

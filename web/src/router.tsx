import { Center } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { Navigate, Outlet, createBrowserRouter, useLocation, useSearchParams } from 'react-router';
import { useMe } from './api/queries';
import { AppLayout } from './components/AppLayout';
import { ErrorState, PageLoader } from './components/States';
import { SessionContext } from './components/session';
import { safeNext } from './lib/nav';
import { InvitePage } from './pages/auth/InvitePage';
import { LoginPage } from './pages/auth/LoginPage';
import { SignupPage } from './pages/auth/SignupPage';
import { NotFoundPage, RouteErrorPage } from './pages/notfound/NotFoundPage';
import { TwoFactorRequiredPage } from './pages/account/TwoFactorRequiredPage';

// Pages load with their route, so the login page does not download the
// kanban, the charts and every other page (docs/performance.md).
const ActivitiesPage = lazy(() => import('./pages/activities/ActivitiesPage').then((m) => ({ default: m.ActivitiesPage })));
const ContactDetailPage = lazy(() => import('./pages/contacts/ContactDetailPage').then((m) => ({ default: m.ContactDetailPage })));
const DuplicatesPage = lazy(() => import('./pages/contacts/DuplicatesPage').then((m) => ({ default: m.DuplicatesPage })));
const ImportPage = lazy(() => import('./pages/imports/ImportPage').then((m) => ({ default: m.ImportPage })));
const DashboardPage = lazy(() => import('./pages/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const DealDetailPage = lazy(() => import('./pages/deals/DealDetailPage').then((m) => ({ default: m.DealDetailPage })));
const DealsPage = lazy(() => import('./pages/deals/DealsPage').then((m) => ({ default: m.DealsPage })));
const ContactsPage = lazy(() => import('./pages/contacts/ContactsPage').then((m) => ({ default: m.ContactsPage })));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const SmsPage = lazy(() => import('./pages/sms/SmsPage').then((m) => ({ default: m.SmsPage })));
const CallsPage = lazy(() => import('./pages/calls/CallsPage').then((m) => ({ default: m.CallsPage })));
const TenancyAuditPage = lazy(() => import('./pages/admin/TenancyAuditPage').then((m) => ({ default: m.TenancyAuditPage })));
const AccountPage = lazy(() => import('./pages/account/AccountPage').then((m) => ({ default: m.AccountPage })));
const TrashPage = lazy(() => import('./pages/trash/TrashPage').then((m) => ({ default: m.TrashPage })));

/** SignedIn renders the app shell for a session, and sends everyone else to /login. */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoader />;
  if (me.isError) {
    return (
      <Center mih="100vh">
        <ErrorState error={me.error} onRetry={() => me.refetch()} title="Sales CRM is not reachable" />
      </Center>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.data.two_factor_setup_required) return <TwoFactorRequiredPage me={me.data} />;
  return (
    <SessionContext.Provider value={me.data}>
      <AppLayout />
    </SessionContext.Provider>
  );
}

/** SignedOut renders the sign-in pages, and sends people with a session into the app. */
function SignedOut() {
  const me = useMe();
  const [params] = useSearchParams();
  if (me.isPending) return <PageLoader />;
  if (me.data) return <Navigate to={safeNext(params.get('next'))} replace />;
  return <Outlet />;
}

function AdminOnly() {
  const me = useMe();
  if (!me.data?.user.is_platform_admin) return <NotFoundPage />;
  return (
    <Suspense fallback={<PageLoader />}>
      <TenancyAuditPage />
    </Suspense>
  );
}

/**
 * Root puts modals and notifications inside the router, so their content may
 * hold links (an "Open" link in a toast, for instance).
 */
function Root() {
  return (
    <ModalsProvider labels={{ confirm: 'Confirm', cancel: 'Cancel' }}>
      <Notifications position="top-right" limit={4} />
      <Outlet />
    </ModalsProvider>
  );
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <RouteErrorPage />,
    children: [
      {
        element: <SignedOut />,
        children: [
          { path: '/login', element: <LoginPage /> },
          { path: '/signup', element: <SignupPage /> },
        ],
      },
      { path: '/invite/:token', element: <InvitePage /> },
      {
        element: <SignedIn />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: '/contacts', element: <ContactsPage /> },
          { path: '/contacts/duplicates', element: <DuplicatesPage /> },
          { path: '/contacts/:id', element: <ContactDetailPage /> },
          { path: '/deals', element: <DealsPage /> },
          { path: '/deals/:id', element: <DealDetailPage /> },
          { path: '/activities', element: <ActivitiesPage /> },
          { path: '/sms', element: <SmsPage /> },
          { path: '/sms/:threadId', element: <SmsPage /> },
          { path: '/calls', element: <CallsPage /> },
          { path: '/import', element: <ImportPage /> },
          { path: '/imports', element: <Navigate to="/import" replace /> },
          { path: '/trash/:tab?', element: <TrashPage /> },
          { path: '/settings', element: <Navigate to="/settings/company" replace /> },
          { path: '/settings/:tab', element: <SettingsPage /> },
          { path: '/admin', element: <AdminOnly /> },
          { path: '/account', element: <AccountPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

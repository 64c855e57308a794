import { Center } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { Navigate, Outlet, createBrowserRouter, useLocation, useSearchParams } from 'react-router';
import { useMe } from './api/queries';
import { AppLayout } from './components/AppLayout';
import { ErrorState, PageLoader } from './components/States';
import { SessionContext } from './components/session';
import { safeNext } from './lib/nav';
import { ActivitiesPage } from './pages/activities/ActivitiesPage';
import { ContactDetailPage } from './pages/contacts/ContactDetailPage';
import { DuplicatesPage } from './pages/contacts/DuplicatesPage';
import { ImportPage } from './pages/imports/ImportPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { DealDetailPage } from './pages/deals/DealDetailPage';
import { DealsPage } from './pages/deals/DealsPage';
import { ContactsPage } from './pages/contacts/ContactsPage';
import { InvitePage } from './pages/auth/InvitePage';
import { LoginPage } from './pages/auth/LoginPage';
import { SignupPage } from './pages/auth/SignupPage';
import { NotFoundPage, RouteErrorPage } from './pages/notfound/NotFoundPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SmsPage } from './pages/sms/SmsPage';
import { CallsPage } from './pages/calls/CallsPage';
import { TenancyAuditPage } from './pages/admin/TenancyAuditPage';
import { TrashPage } from './pages/trash/TrashPage';

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
  return <TenancyAuditPage />;
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
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

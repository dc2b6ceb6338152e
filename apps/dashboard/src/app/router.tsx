import { Navigate, createBrowserRouter } from 'react-router';
import { SignInPage } from '../features/auth/sign-in-page';
import { ConnectionsPage } from '../features/connections/pages/connections-page';
import { FailedDeliveriesPage } from '../features/deliveries/pages/failed-deliveries-page';
import { DestinationsPage } from '../features/destinations/pages/destinations-page';
import { EventPage } from '../features/events/pages/event-page';
import { EventsPage } from '../features/events/pages/events-page';
import { AppLayout } from '../features/layout/app-layout';
import { NotFoundPage } from '../features/layout/not-found-page';
import { RequireSession } from '../features/layout/require-session';
import { RouteError } from '../features/layout/route-error';
import { OverviewPage } from '../features/overview/pages/overview-page';
import { SourcesPage } from '../features/sources/pages/sources-page';

export const routes = [
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/events" replace /> },
      { path: 'overview', element: <OverviewPage /> },
      { path: 'events', element: <EventsPage /> },
      { path: 'events/:eventId', element: <EventPage /> },
      { path: 'deliveries/failed', element: <FailedDeliveriesPage /> },
      { path: 'sources', element: <SourcesPage /> },
      { path: 'destinations', element: <DestinationsPage /> },
      { path: 'connections', element: <ConnectionsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes);

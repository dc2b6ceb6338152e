import { Accordion, MantineProvider, createTheme, mergeThemeOverrides } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter, useRoutes } from 'react-router';
import { routes } from '../app/router';
import { theme } from '../app/theme';

/** jsdom fires no `transitionend`: collapsibles open at once in tests. */
const testTheme = mergeThemeOverrides(
  theme,
  createTheme({
    components: { Accordion: Accordion.extend({ defaultProps: { transitionDuration: 0 } }) },
  }),
);

export interface Rendered extends RenderResult {
  user: UserEvent;
  queryClient: QueryClient;
}

const newQueryClient = () =>
  new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });

function renderInProviders(ui: ReactElement, queryClient: QueryClient): Rendered {
  const user = userEvent.setup();
  const result = render(
    <MantineProvider theme={testTheme} env="test">
      <Notifications />
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </MantineProvider>,
  );
  return { ...result, user, queryClient };
}

/** A component inside the app's providers: theme, a fresh query client, a router. */
export function renderWithProviders(
  ui: ReactElement,
  {
    route = '/',
    queryClient = newQueryClient(),
  }: { route?: string; queryClient?: QueryClient } = {},
): Rendered {
  return renderInProviders(<MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>, queryClient);
}

function AppRoutes() {
  return useRoutes(routes);
}

/**
 * The whole app (its routes) at an address. In a memory router: a data router needs the
 * Fetch API's `Request`, which jsdom lacks.
 */
export function renderApp(route: string): Rendered {
  return renderWithProviders(<AppRoutes />, { route });
}

/** A `fetch` stand-in answering JSON per "METHOD /path" (query string ignored). */
export function mockApi(
  routes: Record<string, (init: RequestInit, url: URL) => { status?: number; body?: unknown }>,
): jest.Mock<Promise<Response>, [string, RequestInit?]> {
  const mock = jest.fn((input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://dashboard.test');
    const key = `${init.method ?? 'GET'} ${url.pathname}`;
    const route = routes[key];
    const { status = 200, body } = route
      ? route(init, url)
      : {
          status: 404,
          body: { statusCode: 404, error: 'Not Found', message: `No mock for ${key}` },
        };
    const text = body === undefined ? '' : JSON.stringify(body);
    return Promise.resolve({
      ok: status >= 200 && status < 300,
      status,
      statusText: '',
      text: () => Promise.resolve(text),
    } as Response);
  });
  global.fetch = mock as unknown as typeof fetch;
  return mock;
}

import type {
  DeliveryCounts,
  DeliveryResponse,
  EventSummary,
  SourceResponse,
} from '@hookyard/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { signIn } from '../../../lib/session';
import { EventSourceStub } from '../../../test/event-source-stub';
import { mockApi, renderApp, renderWithProviders } from '../../../test/render';
import { EventsPage } from './events-page';

const SOURCE_ID = '00000000-0000-4000-8000-000000000001';
const source = {
  id: SOURCE_ID,
  name: 'GitHub',
  slug: 'gh',
  ingestUrl: 'http://localhost:3000/in/gh',
  verification: { type: 'none', secretCount: 0 },
  passthrough: null,
} as SourceResponse;

const counts = (c: Partial<DeliveryCounts>): DeliveryCounts => ({
  total: 0,
  pending: 0,
  succeeded: 0,
  failed: 0,
  dead: 0,
  cancelled: 0,
  ...c,
});

function summary(id: string, path: string, deliveryCounts = counts({})): EventSummary {
  return {
    id,
    sourceId: SOURCE_ID,
    method: 'POST',
    path,
    query: '',
    contentType: 'application/json',
    size: 2,
    sourceIp: '127.0.0.1',
    receivedAt: '2025-01-01T12:00:00.000Z',
    status: 'accepted',
    verified: true,
    rejectionReason: null,
    handshake: null,
    dedupeKey: null,
    deliveryCounts,
  };
}

const rowOf = async (path: string) =>
  (await screen.findByRole('link', { name: `/in/gh${path}` })).closest('tr') as HTMLElement;

describe('the delivery column', () => {
  it("shows each event's roll-up as the server counted it, and follows the stream", async () => {
    signIn('the-admin-token-0123456789');
    EventSourceStub.install();
    mockApi({
      'GET /api/v1/sources': () => ({ body: { data: [source], nextCursor: null } }),
      'GET /api/v1/events': () => ({
        body: {
          data: [
            summary('e1', '/mixed', counts({ total: 3, succeeded: 1, dead: 2 })),
            summary('e2', '/one', counts({ total: 1, pending: 1 })),
            summary('e3', '/none'),
          ],
          nextCursor: null,
        },
      }),
    });
    renderApp('/events');

    expect(within(await rowOf('/mixed')).getByText('2/3 dead')).toBeInTheDocument();
    expect(within(await rowOf('/one')).getByText('pending')).toBeInTheDocument();
    expect(within(await rowOf('/none')).getByText('—')).toBeInTheDocument();

    const delivered: DeliveryResponse = {
      id: 'd1',
      eventId: 'e2',
      destinationId: 'dest',
      url: null,
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      edited: false,
      createdAt: '2025-01-01T12:00:00.000Z',
      updatedAt: '2025-01-01T12:00:01.000Z',
    };
    act(() => {
      EventSourceStub.latest().open();
      EventSourceStub.latest().emit('delivery.updated', delivered);
    });

    expect(await within(await rowOf('/one')).findByText('delivered')).toBeInTheDocument();
    expect(within(await rowOf('/one')).queryByText('pending')).not.toBeInTheDocument();
  });
});

describe('the virtualised list', () => {
  const ROW_HEIGHT = 45;
  const scrollY = Object.getOwnPropertyDescriptor(window, 'scrollY');

  beforeEach(() => {
    // jsdom lays nothing out: every row is this tall, and the window 768 px high.
    jest.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(ROW_HEIGHT);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    if (scrollY) Object.defineProperty(window, 'scrollY', scrollY);
  });

  const scrollTo = (y: number) =>
    act(() => {
      Object.defineProperty(window, 'scrollY', { value: y, configurable: true });
      window.dispatchEvent(new Event('scroll'));
    });

  const firstPage = Array.from({ length: 2000 }, (_, i) => summary(`e${i}`, `/e/${i}`));

  it('renders a window of 2,000 rows and fetches the next page near the end', async () => {
    const api = mockApi({
      'GET /api/v1/sources': () => ({ body: { data: [source], nextCursor: null } }),
      'GET /api/v1/events': (_init, url) =>
        url.searchParams.get('cursor') === 'page-2'
          ? { body: { data: [summary('e2000', '/e/2000')], nextCursor: null } }
          : { body: { data: firstPage, nextCursor: 'page-2' } },
    });
    renderWithProviders(<EventsPage />, { route: '/events' });

    const table = await screen.findByRole('table', { name: 'Events' });
    expect(await within(table).findByRole('link', { name: '/in/gh/e/0' })).toBeInTheDocument();
    const rendered = within(table).getAllByRole('link');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(50);
    expect(table).toHaveAttribute('aria-rowcount', '2001');
    expect(within(table).queryByRole('link', { name: '/in/gh/e/1999' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load more' })).toBeInTheDocument();
    const cursors = () =>
      api.mock.calls
        .filter(([url]) => url.startsWith('/api/v1/events'))
        .map(([url]) => new URL(url, 'http://dashboard.test').searchParams.get('cursor'));
    expect(cursors()).toEqual([null]);

    scrollTo(ROW_HEIGHT * 1990);

    expect(await within(table).findByRole('link', { name: '/in/gh/e/1999' })).toBeInTheDocument();
    expect(within(table).queryByRole('link', { name: '/in/gh/e/0' })).not.toBeInTheDocument();
    expect(within(table).getAllByRole('link').length).toBeLessThan(50);
    await waitFor(() => expect(cursors()).toEqual([null, 'page-2']));
    expect(await within(table).findByRole('link', { name: '/in/gh/e/2000' })).toBeInTheDocument();
    expect(await screen.findByText('2001 events, all loaded')).toBeInTheDocument();
  });

  it('keeps a Load more button that tries again after a page failed to load', async () => {
    let failures = 1;
    mockApi({
      'GET /api/v1/sources': () => ({ body: { data: [source], nextCursor: null } }),
      'GET /api/v1/events': (_init, url) => {
        if (url.searchParams.get('cursor') !== 'page-2') {
          return { body: { data: firstPage.slice(0, 3), nextCursor: 'page-2' } };
        }
        if (failures-- > 0) {
          return { status: 503, body: { statusCode: 503, error: 'x', message: 'Try later' } };
        }
        return { body: { data: [summary('e3', '/e/3')], nextCursor: null } };
      },
    });
    const { user } = renderWithProviders(<EventsPage />, { route: '/events' });

    // Three rows do not fill the window: the next page is asked for at once, and fails.
    expect(await screen.findByText('Could not load more events')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('link', { name: '/in/gh/e/3' })).toBeInTheDocument();
    expect(screen.getByText('4 events, all loaded')).toBeInTheDocument();
  });
});

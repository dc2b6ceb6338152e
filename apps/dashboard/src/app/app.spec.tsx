import type {
  DeliveryDetailResponse,
  EventResponse,
  EventSummary,
  SourceResponse,
} from '@hookyard/contracts';
import { act, screen, within } from '@testing-library/react';
import { getToken, signIn } from '../lib/session';
import { EventSourceStub } from '../test/event-source-stub';
import { mockApi, renderApp } from '../test/render';

const TOKEN = 'the-admin-token-0123456789';
const SOURCE_ID = '00000000-0000-4000-8000-000000000001';
const EVENT_ID = '00000000-0000-4000-8000-0000000000e1';
const DELIVERY_ID = '00000000-0000-4000-8000-0000000000d1';

const source = {
  id: SOURCE_ID,
  name: 'GitHub',
  slug: 'gh',
  ingestUrl: 'http://localhost:3000/in/gh',
  verification: { type: 'github', secretCount: 1 },
  passthrough: null,
} as SourceResponse;

function summary(id: string, path: string): EventSummary {
  return {
    id,
    sourceId: SOURCE_ID,
    method: 'POST',
    path,
    query: '',
    contentType: 'application/json',
    size: 12,
    sourceIp: '127.0.0.1',
    receivedAt: new Date().toISOString(),
    status: 'accepted',
    verified: true,
    rejectionReason: null,
    handshake: null,
    dedupeKey: null,
    deliveryCounts: { total: 0, pending: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0 },
  };
}

const page = <T,>(data: T[]) => ({ data, nextCursor: null });
const unauthorized = { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' };
const authorized = (init: RequestInit) =>
  new Headers(init.headers).get('Authorization') === `Bearer ${TOKEN}`;

beforeEach(() => {
  EventSourceStub.install();
});

describe('signing in', () => {
  it('checks the token with the server before keeping it', async () => {
    mockApi({
      'GET /api/v1/sources': (init) =>
        authorized(init) ? { body: page([source]) } : { status: 401, body: unauthorized },
      'GET /api/v1/events': () => ({ body: page([summary(EVENT_ID, '/push')]) }),
      'GET /api/v1/deliveries': () => ({ body: page([]) }),
    });
    const { user } = renderApp('/events');

    const field = await screen.findByLabelText('Admin token');
    await user.type(field, 'not-the-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('The server refused this token')).toBeInTheDocument();
    expect(getToken()).toBeNull();

    await user.clear(field);
    await user.type(field, TOKEN);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Events' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: '/in/gh/push' })).toBeInTheDocument();
    expect(getToken()).toBe(TOKEN);
  });

  it('signs out when the API refuses the session token', async () => {
    signIn(TOKEN);
    mockApi({
      'GET /api/v1/sources': () => ({ status: 401, body: unauthorized }),
      'GET /api/v1/events': () => ({ status: 401, body: unauthorized }),
      'GET /api/v1/deliveries': () => ({ status: 401, body: unauthorized }),
    });
    renderApp('/events');

    expect(await screen.findByLabelText('Admin token')).toBeInTheDocument();
    expect(screen.getByText('The server refused the token: sign in again.')).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });
});

describe('the events list', () => {
  it('puts new requests on top as the stream announces them', async () => {
    signIn(TOKEN);
    mockApi({
      'GET /api/v1/sources': () => ({ body: page([source]) }),
      'GET /api/v1/events': () => ({ body: page([summary(EVENT_ID, '/older')]) }),
      'GET /api/v1/deliveries': () => ({ body: page([]) }),
    });
    renderApp('/events');
    await screen.findByRole('link', { name: '/in/gh/older' });

    const stream = EventSourceStub.latest();
    expect(stream.url).toBe(`/api/v1/stream?access_token=${TOKEN}`);
    act(() => {
      stream.open();
      stream.emit('event.created', summary('00000000-0000-4000-8000-0000000000e2', '/newer'));
    });

    const table = screen.getByRole('table', { name: 'Events' });
    await within(table).findByRole('link', { name: '/in/gh/newer' });
    const links = within(table)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(links).toEqual(['/in/gh/newer', '/in/gh/older']);
    expect(screen.getByLabelText('Live stream: Live')).toBeInTheDocument();
  });
});

describe("an event's page", () => {
  const event: EventResponse = {
    ...summary(EVENT_ID, '/push'),
    headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' },
    body: '{"ref":"main"}',
    bodyEncoding: 'utf8',
    rejection: null,
    deliveries: [
      {
        id: DELIVERY_ID,
        destinationId: null,
        status: 'dead',
        attempts: 1,
        nextAttemptAt: null,
        lastStatusCode: 500,
      },
    ],
  };
  const delivery: DeliveryDetailResponse = {
    id: DELIVERY_ID,
    eventId: EVENT_ID,
    destinationId: null,
    url: 'http://127.0.0.1:9000/hook',
    status: 'dead',
    attemptCount: 1,
    nextAttemptAt: null,
    lastStatusCode: 500,
    edited: false,
    createdAt: event.receivedAt,
    updatedAt: event.receivedAt,
    override: null,
    attempts: [
      {
        n: 1,
        at: event.receivedAt,
        url: 'http://127.0.0.1:9000/hook',
        requestHeaders: {},
        statusCode: 500,
        durationMs: 12,
        error: null,
        errorKind: null,
        responseHeaders: {},
        responseBody: 'boom',
        responseBodyEncoding: 'utf8',
      },
    ],
  };

  it('shows the request and retries a delivery', async () => {
    signIn(TOKEN);
    const api = mockApi({
      'GET /api/v1/sources': () => ({ body: page([source]) }),
      'GET /api/v1/destinations': () => ({ body: page([]) }),
      [`GET /api/v1/events/${EVENT_ID}`]: () => ({ body: event }),
      [`GET /api/v1/deliveries/${DELIVERY_ID}`]: () => ({ body: delivery }),
      [`POST /api/v1/deliveries/${DELIVERY_ID}/retry`]: () => ({
        status: 202,
        body: { id: DELIVERY_ID, status: 'scheduled' },
      }),
    });
    const { user } = renderApp(`/events/${EVENT_ID}`);

    expect(await screen.findByRole('heading', { name: '/in/gh/push' })).toBeInTheDocument();
    expect(screen.getByText('ref: "main"')).toBeInTheDocument();
    const panel = await screen.findByRole('region', {
      name: 'Delivery to URL http://127.0.0.1:9000/hook',
    });
    expect(await within(panel).findByText('Attempt 1')).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('Retry scheduled')).toBeInTheDocument();
    expect(api).toHaveBeenCalledWith(
      `/api/v1/deliveries/${DELIVERY_ID}/retry`,
      expect.objectContaining({ method: 'POST' }),
    );
  });
});

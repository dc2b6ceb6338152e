import type {
  DeliveryCounts,
  DeliveryResponse,
  EventResponse,
  EventSummary,
  Page,
} from '@hookyard/contracts';
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { waitFor } from '@testing-library/react';
import type { EventFilters } from '../events/events.api';
import { eventKeys } from '../events/query-keys';
import { mockApi } from '../../test/render';
import { applyStreamMessage, eventMatches, type KnownStatuses } from './stream-cache';

const SOURCE_A = '00000000-0000-4000-8000-00000000000a';
const SOURCE_B = '00000000-0000-4000-8000-00000000000b';

function summary(id: string, overrides: Partial<EventSummary> = {}): EventSummary {
  return {
    id,
    sourceId: SOURCE_A,
    method: 'POST',
    path: '/',
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
    deliveryCounts: counts({}),
    ...overrides,
  };
}

function counts(c: Partial<DeliveryCounts>): DeliveryCounts {
  return { total: 0, pending: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, ...c };
}

const list = (...events: EventSummary[]): InfiniteData<Page<EventSummary>, string | null> => ({
  pages: [{ data: events, nextCursor: null }],
  pageParams: [null],
});

const delivery = (overrides: Partial<DeliveryResponse> = {}): DeliveryResponse => ({
  id: 'd1',
  eventId: 'e1',
  destinationId: 'dest',
  url: null,
  status: 'failed',
  attemptCount: 2,
  nextAttemptAt: '2025-01-01T12:01:00.000Z',
  lastStatusCode: 503,
  edited: false,
  createdAt: '2025-01-01T12:00:00.000Z',
  updatedAt: '2025-01-01T12:00:30.000Z',
  ...overrides,
});

describe('eventMatches', () => {
  it('checks source, status and the time range, and cannot judge a text search', () => {
    const event = summary('e');
    expect(eventMatches(event, {})).toBe(true);
    expect(eventMatches(event, { sourceId: SOURCE_B })).toBe(false);
    expect(eventMatches(event, { status: 'rejected' })).toBe(false);
    expect(eventMatches(event, { since: '2025-01-01T12:00:01Z' })).toBe(false);
    expect(eventMatches(event, { until: '2025-01-01T11:59:59Z' })).toBe(false);
    expect(eventMatches(event, { since: '2025-01-01T11:00:00Z' })).toBe(true);
    expect(eventMatches(event, { q: 'push' })).toBeNull();
  });
});

describe('applyStreamMessage', () => {
  it('puts a new event on top of the lists it belongs to, once', () => {
    const client = new QueryClient();
    client.setQueryData(eventKeys.list({}), list(summary('old')));
    client.setQueryData(eventKeys.list({ sourceId: SOURCE_B }), list(summary('b')));

    const created = summary('new');
    applyStreamMessage(client, { type: 'event.created', data: created }, new Map());
    applyStreamMessage(client, { type: 'event.created', data: created }, new Map());

    const all = client.getQueryData<InfiniteData<Page<EventSummary>>>(eventKeys.list({}));
    expect(all?.pages[0].data.map((e) => e.id)).toEqual(['new', 'old']);
    const other = client.getQueryData<InfiniteData<Page<EventSummary>>>(
      eventKeys.list({ sourceId: SOURCE_B }),
    );
    expect(other?.pages[0].data.map((e) => e.id)).toEqual(['b']);
  });

  it("updates an open event's delivery and adds a replay's new one", () => {
    const client = new QueryClient();
    const event = {
      ...summary('e1'),
      headers: {},
      body: '{}',
      bodyEncoding: 'utf8',
      rejection: null,
      deliveries: [
        {
          id: 'd1',
          destinationId: 'dest',
          status: 'scheduled',
          attempts: 0,
          nextAttemptAt: null,
          lastStatusCode: null,
        },
      ],
    } satisfies EventResponse;
    client.setQueryData(eventKeys.detail('e1'), event);

    const known: KnownStatuses = new Map();
    applyStreamMessage(client, { type: 'delivery.updated', data: delivery() }, known);
    applyStreamMessage(
      client,
      {
        type: 'delivery.updated',
        data: delivery({ id: 'd2', status: 'succeeded', attemptCount: 1, lastStatusCode: 200 }),
      },
      known,
    );

    expect(client.getQueryData<EventResponse>(eventKeys.detail('e1'))?.deliveries).toEqual([
      expect.objectContaining({ id: 'd1', status: 'failed', attempts: 2, lastStatusCode: 503 }),
      expect.objectContaining({ id: 'd2', status: 'succeeded', lastStatusCode: 200 }),
    ]);
  });

  /** The counts of `e1` in the cached list with these filters. */
  const countsIn = (client: QueryClient, filters: EventFilters = {}) =>
    client
      .getQueryData<InfiniteData<Page<EventSummary>>>(eventKeys.list(filters))
      ?.pages.flatMap((page) => page.data)
      .find((e) => e.id === 'e1')?.deliveryCounts;
  const updated = (
    client: QueryClient,
    known: KnownStatuses,
    overrides: Partial<DeliveryResponse>,
  ) => applyStreamMessage(client, { type: 'delivery.updated', data: delivery(overrides) }, known);

  it("moves each delivery within its event's counts, in every list showing the event", () => {
    const client = new QueryClient();
    const listed = summary('e1', { deliveryCounts: counts({ total: 2, pending: 2 }) });
    client.setQueryData(eventKeys.list({}), list(summary('e0'), listed));
    client.setQueryData(eventKeys.list({ sourceId: SOURCE_A }), list(listed));
    const known: KnownStatuses = new Map();

    // Heard of for the first time: a first attempt's outcome follows "scheduled".
    updated(client, known, { id: 'd1', status: 'failed', attemptCount: 1 });
    expect(countsIn(client)).toEqual(counts({ total: 2, pending: 1, failed: 1 }));
    // Known from then on, and a message that comes twice counts once.
    updated(client, known, { id: 'd1', status: 'dead', attemptCount: 2 });
    updated(client, known, { id: 'd1', status: 'dead', attemptCount: 2 });
    updated(client, known, { id: 'd2', status: 'succeeded', attemptCount: 1 });

    const expected = counts({ total: 2, succeeded: 1, dead: 1 });
    expect(countsIn(client)).toEqual(expected);
    expect(countsIn(client, { sourceId: SOURCE_A })).toEqual(expected);
  });

  it("adds a replay's new delivery to its event's counts", () => {
    const client = new QueryClient();
    client.setQueryData(
      eventKeys.list({}),
      list(summary('e1', { deliveryCounts: counts({ total: 1, succeeded: 1 }) })),
    );
    const at = '2025-01-01T13:00:00.000Z';

    updated(client, new Map(), {
      id: 'replay',
      status: 'scheduled',
      attemptCount: 0,
      createdAt: at,
      updatedAt: at,
    });

    expect(countsIn(client)).toEqual(counts({ total: 2, succeeded: 1, pending: 1 }));
  });

  it('counts the deliveries again from the server when a change cannot be placed', async () => {
    const api = mockApi({
      'GET /api/v1/deliveries': () => ({
        body: {
          data: [
            delivery({ id: 'd1', status: 'succeeded', attemptCount: 3 }),
            delivery({ id: 'd2', status: 'dead', attemptCount: 9 }),
          ],
          nextCursor: null,
        },
      }),
    });
    const client = new QueryClient();
    client.setQueryData(
      eventKeys.list({}),
      list(summary('e1', { deliveryCounts: counts({ total: 2, failed: 2 }) })),
    );
    const known: KnownStatuses = new Map();

    // A third attempt that succeeded: the delivery may have been failed, or retried by hand.
    updated(client, known, { id: 'd1', status: 'succeeded', attemptCount: 3 });

    await waitFor(() =>
      expect(countsIn(client)).toEqual(counts({ total: 2, succeeded: 1, dead: 1 })),
    );
    expect(api).toHaveBeenCalledTimes(1);
    expect(api.mock.calls[0][0]).toContain('eventId=e1');
    // What the server said is known now: the next change moves the counts at once.
    updated(client, known, { id: 'd2', status: 'scheduled', attemptCount: 9 });
    expect(countsIn(client)).toEqual(counts({ total: 2, succeeded: 1, pending: 1 }));
    expect(api).toHaveBeenCalledTimes(1);
  });

  it('leaves events that no list shows alone', () => {
    const api = mockApi({});
    const client = new QueryClient();
    client.setQueryData(eventKeys.list({}), list(summary('e0')));
    const known: KnownStatuses = new Map();

    updated(client, known, { id: 'd1', eventId: 'e1', status: 'succeeded', attemptCount: 4 });

    expect(known.size).toBe(0);
    expect(api).not.toHaveBeenCalled();
  });
});

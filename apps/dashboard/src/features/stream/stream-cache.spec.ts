import type { DeliveryResponse, EventResponse, EventSummary, Page } from '@hookyard/contracts';
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { deliveryKeys } from '../deliveries/query-keys';
import { eventKeys } from '../events/query-keys';
import { applyStreamMessage, eventMatches } from './stream-cache';

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
    ...overrides,
  };
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
    applyStreamMessage(client, { type: 'event.created', data: created });
    applyStreamMessage(client, { type: 'event.created', data: created });

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

    applyStreamMessage(client, { type: 'delivery.updated', data: delivery() });
    applyStreamMessage(client, {
      type: 'delivery.updated',
      data: delivery({ id: 'd2', status: 'succeeded', attemptCount: 1, lastStatusCode: 200 }),
    });

    expect(client.getQueryData<EventResponse>(eventKeys.detail('e1'))?.deliveries).toEqual([
      expect.objectContaining({ id: 'd1', status: 'failed', attempts: 2, lastStatusCode: 503 }),
      expect.objectContaining({ id: 'd2', status: 'succeeded', lastStatusCode: 200 }),
    ]);
  });

  it('keeps the recent deliveries, which give the events list its delivery column, current', () => {
    const client = new QueryClient();
    client.setQueryData(deliveryKeys.recent(), { data: [delivery()], nextCursor: null });

    applyStreamMessage(client, {
      type: 'delivery.updated',
      data: delivery({ status: 'succeeded', lastStatusCode: 200 }),
    });

    expect(client.getQueryData<Page<DeliveryResponse>>(deliveryKeys.recent())?.data).toEqual([
      expect.objectContaining({ id: 'd1', status: 'succeeded' }),
    ]);
  });
});

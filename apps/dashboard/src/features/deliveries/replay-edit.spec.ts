import type { DeliverySummary, EventResponse } from '@hookyard/contracts';
import {
  editedParts,
  headerRow,
  headerRowErrors,
  initialEdit,
  jsonBodyError,
  originalDeliveryOf,
  type RequestEdit,
} from './replay-edit';

const edit = (headers: [string, string][], body = '', bodyEncoding: 'utf8' | 'base64' = 'utf8') =>
  ({
    headers: headers.map(([name, value]) => headerRow(name, value)),
    body,
    bodyEncoding,
  }) satisfies RequestEdit;

const summary = (id: string, destinationId: string | null, attempts = 1): DeliverySummary => ({
  id,
  destinationId,
  status: 'succeeded',
  attempts,
  nextAttemptAt: null,
  lastStatusCode: 200,
});

/** Only the fields a helper reads. */
const eventWith = (fields: Partial<EventResponse>) => fields as EventResponse;

describe('initialEdit', () => {
  it('keeps a body that only claims to be JSON, and base64, as they came', () => {
    const event = eventWith({
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
      bodyEncoding: 'utf8',
      contentType: 'application/json',
    });
    expect(initialEdit(event).body).toBe('{not json');
    expect(initialEdit({ ...event, body: '/w==', bodyEncoding: 'base64' })).toMatchObject({
      body: '/w==',
      bodyEncoding: 'base64',
    });
  });
});

describe('editedParts', () => {
  it('sends only what changed, and says when the body is base64', () => {
    const initial = edit([['X-A', '1']], 'AAE=', 'base64');
    expect(editedParts({ ...initial }, initial)).toEqual({});
    expect(editedParts({ ...initial, body: 'AAI=' }, initial)).toEqual({
      body: 'AAI=',
      bodyEncoding: 'base64',
    });
    expect(editedParts({ ...initial, headers: [] }, initial)).toEqual({ headers: {} });
  });

  it('leaves blank rows out', () => {
    const initial = edit([['X-A', '1']]);
    expect(
      editedParts({ ...initial, headers: [...initial.headers, headerRow()] }, initial),
    ).toEqual({});
  });
});

describe('headerRowErrors', () => {
  it('names rows without a name, with a bad name, repeated, or with a line break', () => {
    const rows = edit([
      ['', 'orphan value'],
      ['Bad Name', 'x'],
      ['X-A', '1'],
      ['x-a', '2'],
      ['X-B', 'a\nb'],
    ]).headers;
    expect(Object.values(headerRowErrors(rows))).toEqual([
      'Name the header',
      'Not a valid header name',
      'Already set above',
      'Value must not contain line breaks',
    ]);
  });
});

describe('jsonBodyError', () => {
  it('checks a changed body only when the Content-Type it goes with is JSON', () => {
    const initial = edit([['Content-Type', 'application/vnd.api+json']], '{}');
    expect(jsonBodyError({ ...initial, body: '{"a":' }, initial)).toMatch(/^Not valid JSON/);
    expect(jsonBodyError({ ...initial, body: '{"a":1}' }, initial)).toBeNull();
    const plain = edit([['Content-Type', 'text/plain']], '{}');
    expect(jsonBodyError({ ...plain, body: '{"a":' }, plain)).toBeNull();
  });
});

describe('originalDeliveryOf', () => {
  const event = eventWith({
    deliveries: [summary('a', 'dest-a'), summary('b', 'dest-b'), summary('c', 'dest-c', 0)],
  });

  it('prefers the delivery to the same destination, else the latest one tried', () => {
    expect(originalDeliveryOf(event, 'dest-a')?.id).toBe('a');
    expect(originalDeliveryOf(event, null)?.id).toBe('b');
    expect(originalDeliveryOf(event, 'dest-c')?.id).toBe('b');
    expect(originalDeliveryOf(eventWith({ deliveries: [] }), null)).toBeNull();
  });
});

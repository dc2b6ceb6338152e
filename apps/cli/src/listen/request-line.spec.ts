import { outcomeOf, requestLine } from './request-line';

const delivery = { method: 'POST', path: '/orders', query: 'id=7', eventId: 'evt-1' };

describe('requestLine', () => {
  it('shows time, method, path and query, status, duration and event id', () => {
    expect(
      requestLine({
        time: '14:02:11',
        delivery,
        result: { statusCode: 200, durationMs: 12, error: null },
      }),
    ).toBe('14:02:11  POST /orders?id=7  200  12 ms  evt-1');
  });

  it('names the source when listening to several, and the error when there was no answer', () => {
    expect(
      requestLine({
        time: '14:02:11',
        source: 'gh',
        delivery: { ...delivery, path: '', query: '' },
        result: {
          statusCode: null,
          durationMs: 3,
          error: { kind: 'connection_refused', message: 'connection refused by localhost:3000' },
        },
      }),
    ).toBe('14:02:11  [gh]  POST /  failed (connection refused by localhost:3000)  3 ms  evt-1');
  });
});

describe('outcomeOf', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [302, 'failed'],
    [404, 'client_error'],
    [500, 'failed'],
    [null, 'failed'],
  ])('%s → %s', (statusCode, outcome) => expect(outcomeOf({ statusCode })).toBe(outcome));
});

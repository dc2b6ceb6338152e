import { ApiError, apiUrl, request } from './api-client';
import { getToken, signIn } from './session';

function answer(status: number, body: unknown, statusText = ''): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    text: () => Promise.resolve(text),
  } as Response;
}

describe('request', () => {
  const fetchMock = jest.fn<Promise<Response>, [string, RequestInit]>();

  beforeEach(() => {
    fetchMock.mockReset();
    global.fetch = fetchMock as unknown as typeof fetch;
  });

  it('sends the session token as a bearer token and JSON bodies', async () => {
    signIn('0123456789abcdef');
    fetchMock.mockResolvedValue(answer(201, { id: 'x' }));

    await expect(request('/sources', { method: 'POST', body: { name: 'A' } })).resolves.toEqual({
      id: 'x',
    });

    const [url, init] = fetchMock.mock.calls[0];
    const headers = new Headers(init.headers);
    expect(url).toBe('/api/v1/sources');
    expect(headers.get('Authorization')).toBe('Bearer 0123456789abcdef');
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(init.body).toBe('{"name":"A"}');
  });

  it('leaves out empty query parameters', () => {
    expect(apiUrl('/events', { sourceId: undefined, q: '', status: 'rejected', limit: 50 })).toBe(
      '/api/v1/events?status=rejected&limit=50',
    );
  });

  it('throws an ApiError carrying the API error body', async () => {
    signIn('0123456789abcdef');
    fetchMock.mockResolvedValue(
      answer(400, { statusCode: 400, error: 'Bad Request', message: 'slug: must be 1–63 …' }),
    );

    const error = await request('/sources').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'slug: must be 1–63 …',
    });
    expect(getToken()).toBe('0123456789abcdef');
  });

  it('turns a non-JSON error page into an ApiError with the status', async () => {
    fetchMock.mockResolvedValue(answer(502, '<html>bad gateway</html>', 'Bad Gateway'));

    await expect(request('/events')).rejects.toMatchObject({
      statusCode: 502,
      error: 'Bad Gateway',
    });
  });

  it('signs out on a 401', async () => {
    signIn('0123456789abcdef');
    fetchMock.mockResolvedValue(
      answer(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' }),
    );

    await expect(request('/events')).rejects.toMatchObject({ statusCode: 401 });
    expect(getToken()).toBeNull();
  });

  it('keeps the session when a token being tried is refused', async () => {
    signIn('0123456789abcdef');
    fetchMock.mockResolvedValue(
      answer(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' }),
    );

    await expect(request('/sources', { token: 'wrong-token-here' })).rejects.toBeInstanceOf(
      ApiError,
    );
    expect(new Headers(fetchMock.mock.calls[0][1].headers).get('Authorization')).toBe(
      'Bearer wrong-token-here',
    );
    expect(getToken()).toBe('0123456789abcdef');
  });

  it('reports an unreachable server as status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));

    await expect(request('/events')).rejects.toMatchObject({
      statusCode: 0,
      error: 'Network Error',
    });
  });
});

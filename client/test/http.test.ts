import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/ApiError.js';
import { apiRequest, http, onUnauthorized } from '../src/api/http.js';

/** Unit tests of the wrapper's parsing: fetch is replaced by canned responses. */
function respond(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const fetchMock = vi.fn(() =>
    Promise.resolve(
      new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers:
          body === undefined || typeof body === 'string' ? headers : { 'Content-Type': 'application/json', ...headers },
      }),
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => vi.unstubAllGlobals());

describe('apiRequest', () => {
  it('sends JSON with the session cookie and returns the parsed body', async () => {
    const fetchMock = respond(201, { user: { id: '1' } });
    await expect(http.post('/api/auth/register', { username: 'ada' })).resolves.toEqual({ user: { id: '1' } });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/register');
    expect(init.credentials).toBe('include');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(init.body).toBe('{"username":"ada"}');
  });

  it('adds query parameters and skips undefined ones', async () => {
    const fetchMock = respond(200, { messages: [] });
    await http.get('/api/conversations/1/messages', { query: { before: undefined, limit: 20 } });
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe('/api/conversations/1/messages?limit=20');
  });

  it('returns undefined for 204', async () => {
    respond(204);
    await expect(http.post('/api/auth/logout')).resolves.toBeUndefined();
  });

  it('throws ApiError built from {error: {code, message, field}}', async () => {
    respond(400, { error: { code: 'bad_request', message: 'username: too short', field: 'username' } });
    const error = await failure(http.post('/api/auth/register', {}));
    expect([error.status, error.code, error.message, error.field]).toEqual([
      400,
      'bad_request',
      'username: too short',
      'username',
    ]);
  });

  it('reads Retry-After on 429', async () => {
    respond(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '90' });
    const error = await failure(http.post('/api/auth/login', {}));
    expect([error.status, error.code, error.retryAfter]).toEqual([429, 'rate_limited', 90]);
  });

  it('derives the code from the status when the body is not the protocol shape', async () => {
    respond(502, '<html>Bad gateway</html>', { 'Content-Type': 'text/html' });
    const error = await failure(http.get('/api/me'));
    expect([error.status, error.code]).toEqual([502, 'unavailable']);
    respond(404, 'nope');
    expect((await failure(http.get('/api/x'))).code).toBe('not_found');
  });

  it('turns a failed fetch into network_error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const error = await failure(apiRequest('GET', '/api/me'));
    expect([error.status, error.code]).toEqual([0, 'network_error']);
  });

  it('tells listeners about 401 answers', async () => {
    const seen: string[] = [];
    const stop = onUnauthorized((path) => seen.push(path));
    respond(401, { error: { code: 'unauthorized', message: 'no session' } });
    await failure(http.get('/api/contacts'));
    stop();
    await failure(http.get('/api/contacts'));
    expect(seen).toEqual(['/api/contacts']);
  });
});

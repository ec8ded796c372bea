import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  REQUEST_TIMEOUT_MS,
  retryDelay,
  shouldRetry,
  apiGet,
  apiGetPaged,
  apiSend,
  buildQuery,
  fillPath,
  requestHeaders,
  setCsrfToken,
  setUnauthenticatedHandler,
} from './client';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('buildQuery', () => {
  it('drops empty values and sorts keys', () => {
    expect(buildQuery({ b: 2, a: 'x', c: '', d: null, e: undefined })).toBe('?a=x&b=2');
    expect(buildQuery({})).toBe('');
    expect(buildQuery({ id: ['a', 'b'], z: 1 })).toBe('?id=a&id=b&z=1');
  });
});

describe('CSRF header injection', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken('tok-123');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
    setUnauthenticatedHandler(null);
  });

  it('adds X-CSRF-Token to POST/PUT/PATCH/DELETE only', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(requestHeaders(m, true)['X-CSRF-Token']).toBe('tok-123');
    }
    expect(requestHeaders('GET', false)['X-CSRF-Token']).toBeUndefined();
  });

  it('sends the token, cookies and JSON body on a POST', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { data: { run_id: 'r1', status: 'started', message: '' } }));
    await apiSend('POST', '/reconciliation/run', { body: { date: '2026-01-15' } });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/reconciliation/run');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('include');
    expect(init.headers['X-CSRF-Token']).toBe('tok-123');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ date: '2026-01-15' });
  });

  it('does not send the token on GET', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { data: [] }));
    await apiGet('/transactions', { query: { page: 1 } });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/transactions?page=1');
    expect(init.headers['X-CSRF-Token']).toBeUndefined();
  });

  it('sends no body (and no Content-Type) when the operation takes none', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { data: { signed_out: true } }));
    await apiSend('POST', '/auth/logout', { skipAuthRedirect: true });
    const [, init] = fetchMock.mock.calls[0]!;
    expect(init.body).toBeUndefined();
    expect(init.headers['Content-Type']).toBeUndefined();
    expect(init.headers['X-CSRF-Token']).toBe('tok-123');
  });
});

describe('path parameters', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('fills and encodes each {name} of the path', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { data: { id: 'a/b c' } }));
    await apiGet('/transactions/{transaction_id}', { path: { transaction_id: 'a/b c' } });
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/v1/transactions/a%2Fb%20c');
    expect(fillPath('/users/{user_id}', { user_id: 'u1' })).toBe('/users/u1');
  });

  it('refuses a path whose parameter has no value', () => {
    expect(() => fillPath('/tokens/{token_id}', {})).toThrow('no value for {token_id}');
    expect(() => fillPath('/tokens/{token_id}', { token_id: '' })).toThrow();
  });

  it('omits the header when no token is known', () => {
    setCsrfToken(null);
    expect(requestHeaders('POST', true)['X-CSRF-Token']).toBeUndefined();
  });
});

describe('errors', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthenticatedHandler(null);
  });

  it('parses the error envelope', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, { error: { code: 'VALIDATION_ERROR', message: 'Invalid date format', details: { field: 'from_date' } } }),
    );
    const err = (await apiGet('/transactions').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ field: 'from_date' });
  });

  it('calls the 401 handler unless told not to', async () => {
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in' } }));
    await apiGet('/metrics/overview').catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'Bad password' } }));
    await apiSend('POST', '/auth/login', { body: { email: 'a@b.c', password: 'x' }, skipAuthRedirect: true }).catch(
      () => undefined,
    );
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('maps network failures to NETWORK_ERROR', async () => {
    fetchMock.mockRejectedValue(new TypeError('fetch failed'));
    const err = (await apiGet('/sync/status').catch((e) => e)) as ApiError;
    expect(err.code).toBe('NETWORK_ERROR');
  });

  it('gives up on a request that does not answer in time, as a network error', async () => {
    vi.useFakeTimers();
    try {
      fetchMock.mockImplementation(
        (_url: string, init: RequestInit) =>
          new Promise((_, reject) =>
            init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
          ),
      );
      const pending = apiGet('/sync/status').catch((e) => e);
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
      expect(((await pending) as ApiError).code).toBe('NETWORK_ERROR');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a caller abort pass through as an abort (a cancelled query is not an error)', async () => {
    fetchMock.mockImplementation(
      (_url: string, init: RequestInit) =>
        new Promise((_, reject) =>
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    );
    const ctl = new AbortController();
    const pending = apiGet('/sync/status', { signal: ctl.signal }).catch((e) => e);
    ctl.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
  });

  it('retries only network errors: an HTTP error reaches the UI after one call', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: shouldRetry, retryDelay: () => 0 } } });
    fetchMock.mockImplementation(async () => jsonResponse(500, { error: { code: 'INTERNAL_ERROR', message: 'down' } }));
    const http = await client.fetchQuery({ queryKey: ['a'], queryFn: () => apiGet('/sync/status') }).catch((e) => e);
    expect((http as ApiError).status).toBe(500);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fetchMock.mockReset();
    fetchMock.mockImplementation(async () => jsonResponse(404, { error: { code: 'NOT_FOUND', message: 'gone' } }));
    await client.fetchQuery({ queryKey: ['b'], queryFn: () => apiGet('/sync/status') }).catch((e) => e);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fetchMock.mockReset();
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { data: { sources: [] } }));
    const ok = await client.fetchQuery({ queryKey: ['c'], queryFn: () => apiGet('/sync/status') });
    expect(ok).toEqual({ sources: [] });
    expect(fetchMock).toHaveBeenCalledTimes(3);

    fetchMock.mockReset();
    fetchMock.mockRejectedValue(new TypeError('fetch failed'));
    const down = await client.fetchQuery({ queryKey: ['d'], queryFn: () => apiGet('/sync/status') }).catch((e) => e);
    expect((down as ApiError).code).toBe('NETWORK_ERROR');
    expect(fetchMock).toHaveBeenCalledTimes(4); // the first try and three retries
  });

  it('backs off between network retries', () => {
    expect([0, 1, 2, 3, 9].map(retryDelay)).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('returns items and meta for paged lists', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(200, { data: [{ id: 1 }], meta: { page: 2, limit: 50, total: 51, total_pages: 2 } }),
    );
    const res = await apiGetPaged('/transactions', { query: { page: 2 } });
    expect(res.items).toEqual([{ id: 1 }]);
    expect(res.meta.total).toBe(51);
  });

  it('takes a list answered without meta for a single page', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { data: [{ id: 1 }, { id: 2 }] }));
    const res = await apiGetPaged('/audit');
    expect(res.meta).toEqual({ page: 1, limit: 2, total: 2, total_pages: 1 });
  });
});

// Compile-time checks (`npm run typecheck` fails when one stops holding): calls are typed
// by the OpenAPI document's paths. Never run.
export async function _typedByTheDocument() {
  // @ts-expect-error a path the document does not have
  await apiGet('/transaction');
  // @ts-expect-error the detail path needs its {transaction_id}
  await apiGet('/transactions/{transaction_id}');
  // @ts-expect-error the summary's `date` query parameter is required
  await apiGet('/reconciliation/summary');
  // @ts-expect-error a value outside the schema's enum
  await apiGetPaged('/transactions', { query: { status: 'settled' } });
  // @ts-expect-error /sync/status is not a paged list
  await apiGetPaged('/sync/status');
  // @ts-expect-error the body lacks `date`
  await apiSend('POST', '/reconciliation/run', { body: { day: '2026-01-15' } });
  // @ts-expect-error /sync/status answers GET only
  await apiSend('POST', '/sync/status');
  const overview = await apiGet('/metrics/overview', { query: { from_date: '2026-01-01', to_date: '2026-01-31' } });
  // @ts-expect-error money may arrive as a decimal string (parseJsonLossless), or null
  const amount: number = overview.total.amount;
  const count: number = overview.total.count;
  return [amount, count];
}

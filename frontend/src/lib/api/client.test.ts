import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  apiGet,
  apiGetPaged,
  apiSend,
  buildQuery,
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
    await apiSend('POST', '/reconciliation/run', { date: '2026-01-15' });
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
    await apiGet('/transactions', { page: 1 });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/transactions?page=1');
    expect(init.headers['X-CSRF-Token']).toBeUndefined();
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
    await apiSend('POST', '/auth/login', {}, { skipAuthRedirect: true }).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('maps network failures to NETWORK_ERROR', async () => {
    fetchMock.mockRejectedValue(new TypeError('fetch failed'));
    const err = (await apiGet('/sync/status').catch((e) => e)) as ApiError;
    expect(err.code).toBe('NETWORK_ERROR');
  });

  it('returns items and meta for paged lists', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(200, { data: [{ id: 1 }], meta: { page: 2, limit: 50, total: 51, total_pages: 2 } }),
    );
    const res = await apiGetPaged<{ id: number }>('/transactions', { page: 2 });
    expect(res.items).toEqual([{ id: 1 }]);
    expect(res.meta.total).toBe(51);
  });
});

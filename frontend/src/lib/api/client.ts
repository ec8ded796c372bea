import { parseJsonLossless } from './json';
import type { Envelope, ErrorBody, PageMeta } from './types';

/**
 * The one place that talks HTTP. Same origin as the backend (the static export is served
 * by it), so URLs are relative and auth is the httpOnly session cookie. Every
 * state-changing call carries the CSRF token that /auth/login and /auth/me hand out.
 */

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | null;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown> | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
let unauthenticatedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}
/** Called on any 401 (except from the login call itself); the app redirects to /login. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  unauthenticatedHandler = fn;
}

/** `?a=1&b=x`, dropping null/undefined/'' and keeping key order stable. */
export function buildQuery(params?: QueryParams): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v === null || v === undefined || v === '') continue;
    sp.set(key, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function apiUrl(path: string, params?: QueryParams): string {
  return `${API_BASE}${path}${buildQuery(params)}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Don't fire the global 401 redirect (used by the login form and the /auth/me probe). */
  skipAuthRedirect?: boolean;
}

/** Headers for a request: JSON accept/content type and, on unsafe methods, X-CSRF-Token. */
export function requestHeaders(method: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (hasBody) headers['Content-Type'] = 'application/json';
  if (UNSAFE_METHODS.has(method.toUpperCase()) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return headers;
}

/** Turn a non-2xx response into an ApiError using the contract's error envelope. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await res.text();
    body = text ? parseJsonLossless(text) : null;
  } catch {
    body = null;
  }
  const err = (body as ErrorBody | null)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiError(res.status, err.code, err.message || err.code, err.details ?? null);
  }
  return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `Request failed (${res.status})`);
}

export function handleUnauthenticated(status: number, skip?: boolean): void {
  if (status === 401 && !skip && unauthenticatedHandler) unauthenticatedHandler();
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<Envelope<T>> {
  const method = options.method ?? 'GET';
  const hasBody = options.body !== undefined;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), {
      method,
      credentials: 'include',
      headers: requestHeaders(method, hasBody),
      body: hasBody ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and retry.');
  }
  if (!res.ok) {
    handleUnauthenticated(res.status, options.skipAuthRedirect);
    throw await errorFromResponse(res);
  }
  if (res.status === 204) return { data: undefined as T };
  const text = await res.text();
  const parsed = (text ? parseJsonLossless(text) : { data: null }) as Envelope<T>;
  return parsed;
}

export async function apiGet<T>(path: string, query?: QueryParams, signal?: AbortSignal): Promise<T> {
  return (await request<T>(path, { query, signal })).data;
}

export interface Paged<T> {
  items: T[];
  meta: PageMeta;
}

/** A paged list: `data` is the array, `meta` the paging (a missing meta means one page). */
export async function apiGetPaged<T>(path: string, query?: QueryParams, signal?: AbortSignal): Promise<Paged<T>> {
  const env = await request<T[] | { items: T[] }>(path, { query, signal });
  const items = Array.isArray(env.data) ? env.data : (env.data?.items ?? []);
  const meta = env.meta ?? { page: 1, limit: items.length, total: items.length, total_pages: 1 };
  return { items, meta };
}

export async function apiSend<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: Pick<RequestOptions, 'skipAuthRedirect'> = {},
): Promise<T> {
  return (await request<T>(path, { method, body, ...opts })).data;
}

/** Message for an error shown to a person. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}

import { parseJsonLossless } from './json';
import {
  API_BASE,
  type Data,
  type GetOptions,
  type Item,
  type Meta,
  type OptionsArg,
  type PagedPath,
  type PathsWith,
  type SendMethod,
  type SendOptions,
} from './paths';
import type { components } from './schema';

/**
 * The one place that talks HTTP. Same origin as the backend (the static export is served
 * by it), so URLs are relative and auth is the httpOnly session cookie. Every
 * state-changing call carries the CSRF token that /auth/login and /auth/me hand out.
 */

export { API_BASE };

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
/** Query parameters where a list repeats its key (`id=1&id=2`). */
export type ListQueryParams = Record<string, QueryValue | readonly string[]>;

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

/** `?a=1&b=x`, dropping null/undefined/'' and keeping key order stable; a list repeats its key (`id=1&id=2`). */
export function buildQuery(params?: ListQueryParams): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) sp.append(key, item);
    else sp.set(key, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function apiUrl(path: string, params?: ListQueryParams): string {
  return `${API_BASE}${path}${buildQuery(params)}`;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: ListQueryParams;
  /** Values for the path's `{name}` placeholders. */
  path?: Record<string, string>;
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
  const err = (body as Partial<components['schemas']['ErrorEnvelope']> | null)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiError(res.status, err.code, err.message || err.code, err.details ?? null);
  }
  return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `Request failed (${res.status})`);
}

export function handleUnauthenticated(status: number, skip?: boolean): void {
  if (status === 401 && !skip && unauthenticatedHandler) unauthenticatedHandler();
}

/** '/transactions/{transaction_id}' + { transaction_id: 'a/b' } → '/transactions/a%2Fb'. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

/** The envelope every JSON answer comes in: `data`, and `meta` on paged lists. */
interface Envelope {
  data: unknown;
  meta?: unknown;
}

/** A request that has not answered in this long is given up as a network error (and retried if a query). */
export const REQUEST_TIMEOUT_MS = 30_000;

export const NETWORK_ERROR = 'NETWORK_ERROR';

/** True for "the server could not be reached" (fetch rejected or timed out), not for an HTTP answer. */
export function isNetworkError(e: unknown): boolean {
  return e instanceof ApiError && e.code === NETWORK_ERROR;
}

/**
 * Query retry policy: an HTTP answer (4xx or 5xx) is shown at once with "Retry" — a server
 * that said no will say it again a second later, and retrying hid a 500 behind a skeleton
 * for ~15 s. Only a request that never got an answer is retried, up to 3 times.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return isNetworkError(error) && failureCount < 3;
}

/** 1 s, 2 s, 4 s between network retries. */
export function retryDelay(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 8000);
}

function withTimeout(signal: AbortSignal | undefined): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const ctl = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    ctl.abort();
  }, REQUEST_TIMEOUT_MS);
  const forward = () => ctl.abort();
  if (signal?.aborted) ctl.abort();
  else signal?.addEventListener('abort', forward, { once: true });
  return {
    signal: ctl.signal,
    timedOut: () => expired,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    },
  };
}

async function request(path: string, options: RequestOptions = {}): Promise<Envelope> {
  const method = options.method ?? 'GET';
  const hasBody = options.body !== undefined;
  const deadline = withTimeout(options.signal);
  let res: Response;
  try {
    res = await fetch(apiUrl(fillPath(path, options.path), options.query), {
      method,
      credentials: 'include',
      headers: requestHeaders(method, hasBody),
      body: hasBody ? JSON.stringify(options.body) : undefined,
      signal: deadline.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError' && !deadline.timedOut()) throw e;
    throw new ApiError(0, NETWORK_ERROR, 'Cannot reach the server. Check your connection and retry.');
  } finally {
    deadline.done();
  }
  if (!res.ok) {
    handleUnauthenticated(res.status, options.skipAuthRedirect);
    throw await errorFromResponse(res);
  }
  if (res.status === 204) return { data: undefined };
  const text = await res.text();
  return (text ? parseJsonLossless(text) : { data: null }) as Envelope;
}

/**
 * GET a path of the OpenAPI document; resolves to its response's `data`, typed from the
 * schema: `apiGet('/metrics/overview', { query: { from_date, to_date } })`,
 * `apiGet('/transactions/{transaction_id}', { path: { transaction_id: id } })`.
 */
export async function apiGet<P extends PathsWith<'get'>>(path: P, ...[options]: OptionsArg<GetOptions<P>>): Promise<Data<P>> {
  const o = (options ?? {}) as RequestOptions;
  return (await request(path, { query: o.query, path: o.path, signal: o.signal })).data as Data<P>;
}

/**
 * GET a route newer than the generated schema.d.ts (typed by the caller, by hand, until the
 * integrator regenerates it); prefer `apiGet`, which checks path and types against the document.
 */
export async function apiGetUntyped<T>(
  path: string,
  options: { query?: ListQueryParams; signal?: AbortSignal } = {},
): Promise<T> {
  return (await request(path, { query: options.query, signal: options.signal })).data as T;
}

export interface Paged<P extends PagedPath> {
  items: Item<P>[];
  meta: Meta<P>;
}

/** GET a paged list: `data` is the page's items, `meta` the paging (a missing meta means one page). */
export async function apiGetPaged<P extends PagedPath>(path: P, ...[options]: OptionsArg<GetOptions<P>>): Promise<Paged<P>> {
  const o = (options ?? {}) as RequestOptions;
  const env = await request(path, { query: o.query, path: o.path, signal: o.signal });
  const items = (env.data ?? []) as Item<P>[];
  const meta = env.meta ?? { page: 1, limit: items.length, total: items.length, total_pages: 1 };
  return { items, meta: meta as Meta<P> };
}

/** POST/PUT/PATCH/DELETE a path of the document, with the body its operation takes. */
export async function apiSend<V extends Uppercase<SendMethod>, P extends PathsWith<Lowercase<V>>>(
  method: V,
  path: P,
  ...[options]: OptionsArg<SendOptions<P, Lowercase<V>>>
): Promise<Data<P, Lowercase<V>>> {
  const o = (options ?? {}) as RequestOptions;
  const env = await request(path, {
    method,
    path: o.path,
    query: o.query,
    body: o.body,
    skipAuthRedirect: o.skipAuthRedirect,
  });
  return env.data as Data<P, Lowercase<V>>;
}

/** Message for an error shown to a person. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}

/**
 * Calls of the workbench routes that the generated OpenAPI paths may not list yet (assign,
 * comments, bulk resolve, catch-up). They go through the same pieces as the typed client
 * (URL, CSRF header, error envelope, 401 redirect, lossless JSON), untyped: the answers are
 * read through the hand-written types of workbench-types.ts.
 */
import {
  ApiError,
  apiUrl,
  errorFromResponse,
  fillPath,
  handleUnauthenticated,
  requestHeaders,
  type QueryParams,
} from '@/lib/api/client';
import { parseJsonLossless } from '@/lib/api/json';

export async function workbenchCall<T>(
  method: 'GET' | 'POST',
  path: string,
  opts: { path?: Record<string, string>; query?: QueryParams; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const hasBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(apiUrl(fillPath(path, opts.path), opts.query), {
      method,
      credentials: 'include',
      headers: requestHeaders(method, hasBody),
      body: hasBody ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and retry.');
  }
  if (!res.ok) {
    handleUnauthenticated(res.status);
    throw await errorFromResponse(res);
  }
  const text = await res.text();
  const env = (text ? parseJsonLossless(text) : { data: null }) as { data: T };
  return env.data;
}

/** The route is not there (an older backend): 404 or 405 on the path itself. */
export function isMissingRoute(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405);
}

import {
  apiUrl,
  ApiError,
  errorFromResponse,
  fillPath,
  handleUnauthenticated,
  NETWORK_ERROR,
  requestHeaders,
  type QueryParams,
} from '@/lib/api/client';
import { parseJsonLossless } from '@/lib/api/json';

/** The enveloped body of an endpoint the generated types do not cover (yet). */
export interface Envelope {
  data?: unknown;
  meta?: unknown;
}

/** One request with the client's conventions (cookie, CSRF on unsafe methods, error envelope, 401 redirect). */
export async function fetchJson(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: { path?: Record<string, string>; query?: QueryParams; body?: unknown; signal?: AbortSignal } = {},
): Promise<Envelope | null> {
  const hasBody = options.body !== undefined;
  let res: Response;
  try {
    res = await fetch(apiUrl(fillPath(path, options.path), options.query), {
      method,
      credentials: 'include',
      headers: requestHeaders(method, hasBody),
      body: hasBody ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, NETWORK_ERROR, 'Cannot reach the server. Check your connection and retry.');
  }
  if (!res.ok) {
    handleUnauthenticated(res.status);
    throw await errorFromResponse(res);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? (parseJsonLossless(text) as Envelope) : null;
}

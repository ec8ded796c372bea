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

/**
 * Calls of the PayShack reference API (docs/payshack-reference.md). These routes answer
 * their documented bodies (`{items, ...}`), not the `data` envelope, so they go through
 * this small fetcher with the hand-written types below.
 */

export type ProjectSource = 'admin' | 'env' | 'none';

export interface PayShackClient {
  client_id: string;
  name: string;
  project: string | null;
  project_source: ProjectSource;
  reseller_id: string | null;
  reseller_name: string | null;
  balance: string | number | null;
  currency: string;
  refreshed_at: string;
  active: boolean;
}

export interface ClientList {
  items: PayShackClient[];
  refreshed_at: string | null;
  last_attempt_at: string | null;
  last_error: string | null;
}

export interface BalancePoint {
  at: string;
  balance: string | number;
}

export interface ReferenceEntry {
  id: string;
  name: string | null;
  refreshed_at: string;
  active: boolean;
}

export interface RefreshResult {
  status: 'success' | 'failed' | 'skipped' | 'not_configured';
  clients: number;
  balance_changes: number;
  error: string | null;
}

/** A project slug as the API accepts it. */
export const PROJECT_SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export const clientKeys = {
  all: ['payshack'] as const,
  clients: () => ['payshack', 'clients'] as const,
  balances: (id: string, q: QueryParams) => ['payshack', 'balances', id, q] as const,
  resellers: () => ['payshack', 'resellers'] as const,
  providers: () => ['payshack', 'service-providers'] as const,
};

export function getClients(signal?: AbortSignal): Promise<ClientList> {
  return fetchJson<ClientList>('GET', '/payshack/clients', { signal });
}

export async function getBalances(id: string, query: QueryParams, signal?: AbortSignal): Promise<BalancePoint[]> {
  const body = await fetchJson<{ items: BalancePoint[] }>('GET', '/payshack/clients/{id}/balances', {
    path: { id },
    query,
    signal,
  });
  return body.items;
}

export async function getResellers(signal?: AbortSignal): Promise<ReferenceEntry[]> {
  return (await fetchJson<{ items: ReferenceEntry[] }>('GET', '/payshack/resellers', { signal })).items;
}

export async function getServiceProviders(signal?: AbortSignal): Promise<ReferenceEntry[]> {
  return (await fetchJson<{ items: ReferenceEntry[] }>('GET', '/payshack/service-providers', { signal })).items;
}

export function setProject(id: string, project: string | null): Promise<PayShackClient> {
  return fetchJson<PayShackClient>('PUT', '/payshack/clients/{id}/project', { path: { id }, body: { project } });
}

export function refreshNow(): Promise<RefreshResult> {
  return fetchJson<RefreshResult>('POST', '/payshack/reference/refresh');
}

/** One request with the client's conventions (cookie, CSRF on unsafe methods, error envelope, 401 redirect). */
async function fetchJson<T>(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { path?: Record<string, string>; query?: QueryParams; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
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
  return parseJsonLossless(await res.text()) as T;
}

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
import type { Delivery, Schedule, ScheduleBody } from './report-types';

/** Calls of the reports API (docs/reports.md), through the client's conventions. */

export const reportKeys = {
  all: ['reports'] as const,
  schedules: () => ['reports', 'schedules'] as const,
  deliveries: (scheduleId: string | null) => ['reports', 'deliveries', scheduleId ?? 'all'] as const,
};

export const HISTORY_LIMIT = 50;

export async function getSchedules(signal?: AbortSignal): Promise<Schedule[]> {
  return ((await fetchJson('GET', '/reports/schedules', { signal }))?.data ?? []) as Schedule[];
}

export async function getDeliveries(scheduleId: string | null, signal?: AbortSignal): Promise<Delivery[]> {
  const query: QueryParams = { limit: HISTORY_LIMIT, schedule_id: scheduleId ?? undefined };
  return ((await fetchJson('GET', '/reports/deliveries', { query, signal }))?.data ?? []) as Delivery[];
}

export async function createSchedule(body: ScheduleBody): Promise<Schedule> {
  return (await fetchJson('POST', '/reports/schedules', { body }))?.data as Schedule;
}

export async function updateSchedule(id: string, body: Partial<ScheduleBody>): Promise<Schedule> {
  return (await fetchJson('PATCH', '/reports/schedules/{id}', { path: { id }, body }))?.data as Schedule;
}

export async function deleteSchedule(id: string): Promise<void> {
  await fetchJson('DELETE', '/reports/schedules/{id}', { path: { id } });
}

export async function runSchedule(id: string): Promise<Delivery> {
  return (await fetchJson('POST', '/reports/schedules/{id}/run', { path: { id } }))?.data as Delivery;
}

interface Envelope {
  data?: unknown;
}

async function fetchJson(
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

import type { QueryParams } from '@/lib/api/client';
import { fetchJson } from '@/lib/api/untyped';
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

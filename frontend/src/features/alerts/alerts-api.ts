import { apiGetUntyped, ApiError, type QueryParams } from '@/lib/api/client';
import { fetchJson } from '@/lib/api/untyped';
import type { PageMeta } from '@/components/ui/pager';
import type { Alert, AlertFilters, AlertsSummary, Channel, ChannelTest, NewChannel, Rule, RulePatch } from './alert-types';

/**
 * Calls of the alerts API (docs/alerts.md). The routes are newer than the generated
 * schema.d.ts, so they go through the untyped helpers with the hand-written types of
 * alert-types.ts; once the integrator regenerates the schema these can become apiGet/apiSend.
 */

export const ALERTS_PAGE_SIZE = 20;

/** A 404 on an alerts route: the backend has no alerts yet (the UI hides them instead of erroring). */
export function isAbsent(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

export function alertsQuery(f: AlertFilters): QueryParams {
  return {
    state: f.state === 'firing' ? 'firing' : 'resolved',
    kind: f.kind,
    project: f.project,
    source: f.source,
    acknowledged: f.acknowledged,
    page: f.page,
    limit: ALERTS_PAGE_SIZE,
  };
}

export function getSummary(signal?: AbortSignal): Promise<AlertsSummary> {
  return apiGetUntyped<AlertsSummary>('/alerts/summary', { signal });
}

export async function getAlerts(query: QueryParams, signal?: AbortSignal): Promise<{ items: Alert[]; meta: PageMeta }> {
  const res = await fetchJson('GET', '/alerts', { query, signal });
  const items = (res?.data ?? []) as Alert[];
  const meta = (res?.meta as PageMeta | undefined) ?? { page: 1, limit: items.length, total: items.length, total_pages: 1 };
  return { items, meta };
}

export function getRules(signal?: AbortSignal): Promise<Rule[]> {
  return apiGetUntyped<Rule[]>('/alerts/rules', { signal });
}

export function getChannels(signal?: AbortSignal): Promise<Channel[]> {
  return apiGetUntyped<Channel[]>('/alerts/channels', { signal });
}

export async function acknowledge(id: string): Promise<Alert> {
  return (await fetchJson('POST', '/alerts/{id}/acknowledge', { path: { id } }))?.data as Alert;
}

export async function patchRule(id: string, body: RulePatch): Promise<Rule> {
  return (await fetchJson('PATCH', '/alerts/rules/{id}', { path: { id }, body }))?.data as Rule;
}

export async function createChannel(body: NewChannel): Promise<Channel> {
  return (await fetchJson('POST', '/alerts/channels', { body }))?.data as Channel;
}

export async function deleteChannel(id: string): Promise<void> {
  await fetchJson('DELETE', '/alerts/channels/{id}', { path: { id } });
}

export async function testChannel(id: string): Promise<ChannelTest> {
  return (await fetchJson('POST', '/alerts/channels/{id}/test', { path: { id } }))?.data as ChannelTest;
}

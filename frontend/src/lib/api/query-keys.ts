import type { QueryParams } from './client';

/**
 * Query keys: [domain, kind, params]. Params are normalised (empty values dropped, keys
 * sorted) so `{a: 1, b: ''}` and `{a: 1}` share a cache entry, and live-update events can
 * invalidate a whole domain by its prefix.
 */

export type CleanParams = Record<string, string | number | boolean>;

export function cleanParams(params: QueryParams = {}): CleanParams {
  const out: CleanParams = {};
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v === null || v === undefined || v === '') continue;
    out[key] = v;
  }
  return out;
}

export const queryKeys = {
  me: () => ['auth', 'me'] as const,
  overview: (p: QueryParams) => ['metrics', 'overview', cleanParams(p)] as const,
  byProject: (p: QueryParams) => ['metrics', 'by-project', cleanParams(p)] as const,
  trends: (p: QueryParams) => ['metrics', 'trends', cleanParams(p)] as const,
  heatmap: (p: QueryParams) => ['metrics', 'heatmap', cleanParams(p)] as const,
  projects: () => ['metrics', 'projects'] as const,
  transactions: (p: QueryParams) => ['transactions', 'list', cleanParams(p)] as const,
  transaction: (id: string) => ['transactions', 'detail', id] as const,
  reconSummary: (date: string) => ['reconciliation', 'summary', { date }] as const,
  discrepancies: (p: QueryParams) => ['reconciliation', 'discrepancies', cleanParams(p)] as const,
  reconRuns: (date: string) => ['reconciliation', 'runs', { date }] as const,
  syncStatus: () => ['sync', 'status'] as const,
  syncRuns: (p: QueryParams) => ['sync', 'runs', cleanParams(p)] as const,
  quarantine: (p: QueryParams) => ['sync', 'quarantine', cleanParams(p)] as const,
  users: () => ['admin', 'users'] as const,
  tokens: () => ['admin', 'tokens'] as const,
  audit: (p: QueryParams) => ['admin', 'audit', cleanParams(p)] as const,
  alertsSummary: () => ['alerts', 'summary'] as const,
  alerts: (p: QueryParams) => ['alerts', 'list', cleanParams(p)] as const,
  alertRules: () => ['alerts', 'rules'] as const,
  alertChannels: () => ['alerts', 'channels'] as const,
};

export type LiveEvent = 'sync.finished' | 'recon.finished';
export const LIVE_EVENTS: LiveEvent[] = ['sync.finished', 'recon.finished'];

/** Which cached queries a live event makes stale (prefix keys). */
export function invalidationsFor(event: LiveEvent): (readonly string[])[] {
  switch (event) {
    case 'sync.finished':
      // New rows change every metric, list and the open reconciliation coverage.
      return [['sync'], ['metrics'], ['transactions'], ['reconciliation', 'summary']];
    case 'recon.finished':
      return [['reconciliation']];
  }
}

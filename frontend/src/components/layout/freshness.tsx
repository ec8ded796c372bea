'use client';

import { useQuery } from '@tanstack/react-query';
import { Badge, type Tone } from '@/components/ui/badge';
import { apiGet } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { SyncStatus } from '@/lib/api/types';
import { formatDateTime, formatRelative, secondsSince } from '@/lib/dates';
import { usePreferences } from '@/lib/app/preferences';

export function useSyncStatus() {
  return useQuery({
    queryKey: queryKeys.syncStatus(),
    queryFn: ({ signal }) => apiGet('/sync/status', { signal }),
    refetchInterval: 60_000,
  });
}

/**
 * Oldest "last successful sync" across the configured sources that have synced: data is only
 * as fresh as its stalest feed. A source that has never synced does not make the badge say
 * "never" while figures from the others are on screen: it is named in `neverSynced`
 * instead (amber). Null when nothing is known yet (no status, or no source ever synced).
 * `failing`: a source's last run failed; `incomplete`: a source's last run could not show
 * it read everything the provider reports (data may be missing even when recent).
 */
export function freshness(status: SyncStatus | undefined, now = new Date()) {
  const sources = (status?.sources ?? []).filter((x) => x.configured !== false);
  if (sources.length === 0) return null;
  const failing = sources.some((x) => x.status === 'failed');
  const incomplete = sources.some((x) => x.status === 'incomplete');
  const neverSynced: string[] = [];
  let oldest: string | null = null;
  let oldestAge = -1;
  for (const s of sources) {
    const age = secondsSince(s.last_successful_sync, now);
    if (age === null) neverSynced.push(s.source);
    else if (age > oldestAge) {
      oldestAge = age;
      oldest = s.last_successful_sync;
    }
  }
  if (oldest === null) return { ts: null, age: null, failing, incomplete, neverSynced };
  return { ts: oldest, age: oldestAge, failing, incomplete, neverSynced };
}

/** Red only for data known to be over an hour old; amber for any doubt; neutral when unknown. */
export function freshnessTone(age: number | null, failing: boolean, incomplete = false, someNeverSynced = false): Tone {
  if (age === null) return 'neutral';
  if (age > 3600) return 'failed';
  if (failing || incomplete || someNeverSynced || age > 900) return 'pending';
  return 'success';
}

const SOURCE_LABEL: Record<string, string> = { vima: 'Vima', payshack: 'PayShack' };

/**
 * Which database the figures were read from, when a read replica is configured (null
 * otherwise): "replica, 4 s behind", or the primary while the replica lags or is down.
 */
export function readsNote(reads: SyncStatus['reads'] | undefined): string | null {
  if (!reads?.replica_configured) return null;
  const lag = reads.lag_seconds == null ? null : Math.round(reads.lag_seconds);
  if (reads.source === 'replica') return lag ? `replica, ${lag} s behind` : 'replica';
  return lag == null ? 'primary (replica unreachable)' : `primary (replica ${lag} s behind)`;
}

/**
 * The freshness of the figures on screen. Says nothing until /sync/status has answered
 * (a placeholder keeps the layout still), so a first load never flashes a wrong state.
 */
export function FreshnessBadge() {
  const { tz } = usePreferences();
  const q = useSyncStatus();
  if (q.isPending) return <span className="inline-block h-6 w-32" aria-hidden data-testid="freshness-pending" />;
  const f = q.isError ? null : freshness(q.data);
  if (!f) {
    return (
      <Badge tone="neutral" data-testid="freshness-badge" title="The sync status could not be read">
        Freshness unknown
      </Badge>
    );
  }
  const never = f.neverSynced.map((s) => SOURCE_LABEL[s] ?? s).join(', ');
  const main = f.ts ? `Data as of ${formatRelative(f.ts)}` : 'Not synced from the providers yet';
  const notes = [
    f.ts && never ? `${never} never synced` : null,
    f.failing ? 'sync failing' : f.incomplete ? 'sync incomplete' : null,
    readsNote(q.data?.reads),
  ].filter(Boolean);
  return (
    <Badge
      tone={freshnessTone(f.age, f.failing, f.incomplete, f.neverSynced.length > 0)}
      data-testid="freshness-badge"
      title={f.ts ? `Oldest successful sync: ${formatDateTime(f.ts, tz)}` : 'No source has completed a sync yet'}
    >
      <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden />
      {main}
      {notes.length ? ` · ${notes.join(' · ')}` : ''}
    </Badge>
  );
}

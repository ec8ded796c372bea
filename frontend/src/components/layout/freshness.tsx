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
 * Oldest "last successful sync" across sources: data is only as fresh as its stalest feed.
 * `failing`: a source's last run failed; `incomplete`: a source's last run could not show it
 * read everything the provider reports (data may be missing even when recent).
 */
export function freshness(status: SyncStatus | undefined, now = new Date()) {
  const sources = status?.sources ?? [];
  if (sources.length === 0) return null;
  const failing = sources.some((x) => x.status === 'failed');
  const incomplete = sources.some((x) => x.status === 'incomplete');
  let oldest: string | null = null;
  let oldestAge = -1;
  for (const s of sources) {
    const age = secondsSince(s.last_successful_sync, now);
    if (age === null) return { ts: null, age: null, failing, incomplete };
    if (age > oldestAge) {
      oldestAge = age;
      oldest = s.last_successful_sync;
    }
  }
  return { ts: oldest, age: oldestAge, failing, incomplete };
}

export function freshnessTone(age: number | null, failing: boolean, incomplete = false): Tone {
  if (age === null) return 'failed';
  if (age > 3600) return 'failed';
  if (failing || incomplete || age > 900) return 'pending';
  return 'success';
}

export function FreshnessBadge() {
  const { tz } = usePreferences();
  const q = useSyncStatus();
  const f = freshness(q.data);
  if (q.isPending) return <Badge tone="neutral">Checking data…</Badge>;
  if (q.isError || !f) return <Badge tone="neutral">Freshness unknown</Badge>;
  return (
    <Badge
      tone={freshnessTone(f.age, f.failing, f.incomplete)}
      data-testid="freshness-badge"
      title={f.ts ? `Oldest successful sync: ${formatDateTime(f.ts, tz)}` : 'A source has never synced'}
    >
      <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden />
      {f.ts ? `Data as of ${formatRelative(f.ts)}` : 'Never synced'}
      {f.failing ? ' · sync failing' : f.incomplete ? ' · sync incomplete' : ''}
    </Badge>
  );
}

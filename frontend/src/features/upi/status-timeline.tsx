'use client';

import { useQuery } from '@tanstack/react-query';
import { StatusBadge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { apiGet } from '@/lib/api/client';
import { formatDateTime, tzLabel, type TimeZone } from '@/lib/dates';
import { UpiChip } from './upi-chip';
import type { UpiFlags } from './upi-labels';

/**
 * "Status timeline": every status the transaction was seen with across syncs, oldest first,
 * with when ingestion first stored it (docs/upi.md). Its own query: the drawer opens at once.
 */
export function StatusTimeline({ id, tz, upi }: { id: string; tz: TimeZone; upi?: UpiFlags | null }) {
  const timeline = useQuery({
    queryKey: ['transactions', 'timeline', id],
    queryFn: ({ signal }) => apiGet('/transactions/{transaction_id}/timeline', { path: { transaction_id: id }, signal }),
  });
  return (
    <section className="mb-5" data-testid="tx-status-timeline">
      <h3 className="mb-1 flex items-center gap-2 text-caption font-semibold uppercase tracking-wide text-fg-2">
        Status timeline ({tzLabel(tz)}) <UpiChip upi={upi} />
      </h3>
      <QueryView query={timeline} loading={<Skeleton className="h-16 w-full" />} errorTitle="Could not load the status timeline">
        {(data) =>
          data.items.length === 0 ? (
            <p className="text-caption text-fg-2">No status recorded yet.</p>
          ) : (
            <ol className="border-l border-border pl-4">
              {data.items.map((item, index) => (
                <li
                  key={`${item.seen_at}-${index}`}
                  className="relative py-1.5"
                  data-testid="tx-timeline-item"
                  data-status={item.status}
                >
                  <span className="absolute -left-[21px] top-3 h-2 w-2 rounded-full border border-border bg-panel" aria-hidden />
                  <div className="flex flex-wrap items-center gap-2">
                    <StatusBadge status={item.status} />
                    {item.original_status ? (
                      <span className="text-caption text-fg-2">upstream: {item.original_status}</span>
                    ) : null}
                  </div>
                  <p className="font-mono text-caption text-fg-2">
                    seen {formatDateTime(item.seen_at, tz)}
                    {item.sync_run_id ? (
                      <span className="text-muted" title={`Sync run ${item.sync_run_id}`}>
                        {' '}
                        · run {item.sync_run_id.slice(0, 8)}
                      </span>
                    ) : null}
                  </p>
                </li>
              ))}
            </ol>
          )
        }
      </QueryView>
    </section>
  );
}

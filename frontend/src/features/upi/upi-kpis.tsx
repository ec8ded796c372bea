'use client';

import { QueryView } from '@/components/ui/states';
import type { OverviewQuery } from '@/lib/filters';
import { formatCount, formatMoney } from '@/lib/money';
import { KpiCard, KpiSkeleton } from '@/features/overview/kpi-card';
import { useOverview } from '@/features/overview/queries';

/**
 * UPI-aware figures of the overview (docs/upi.md), from the same /metrics/overview answer as
 * the other cards (one request): deemed (stuck) pay-ins apart from the fresh pendings, and the
 * period's reversals. Payments, like the headline cards.
 */
export function UpiKpis({ query }: { query: OverviewQuery }) {
  const overview = useOverview(query);
  return (
    <section aria-label="UPI statuses" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-3 2xl:grid-cols-6">
      <QueryView
        query={overview}
        loading={[0, 1].map((i) => (
          <KpiSkeleton key={i} />
        ))}
        errorTitle="Could not load the UPI figures"
        errorCard="col-span-full"
      >
        {(data) => {
          const cur = data.total.currency;
          return (
            <>
              <KpiCard
                testId="kpi-deemed"
                label="Deemed (stuck)"
                raw={data.deemed_count}
                display={formatCount(data.deemed_count)}
                sub={
                  <span title={`UPI pay-ins still pending ${data.deemed_after_minutes} minutes after creation`}>
                    <span data-testid="kpi-deemed-amount" data-value={String(data.deemed_amount ?? '')}>
                      {formatMoney(data.deemed_amount, { currency: cur })}
                    </span>{' '}
                    · pending &gt; {data.deemed_after_minutes} min ·{' '}
                    <span data-testid="kpi-pending-fresh" data-value={String(data.pending_fresh_count)}>
                      {formatCount(data.pending_fresh_count)} fresh
                    </span>
                  </span>
                }
                tone="pending"
              />
              <KpiCard
                testId="kpi-reversals"
                label="Reversals"
                raw={data.reversals_count}
                display={formatCount(data.reversals_count)}
                sub={
                  <span title="Payments of the period seen successful, refunded since">
                    <span data-testid="kpi-reversals-amount" data-value={String(data.reversals_amount ?? '')}>
                      {formatMoney(data.reversals_amount, { currency: cur })}
                    </span>{' '}
                    · success → refunded
                  </span>
                }
                tone="failed"
              />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

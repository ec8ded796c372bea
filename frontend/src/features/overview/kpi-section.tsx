'use client';

import { QueryView } from '@/components/ui/states';
import type { Figure, Overview } from '@/lib/api/types';
import type { OverviewQuery } from '@/lib/filters';
import { formatCount, formatMoney, formatPercent } from '@/lib/money';
import { KpiCard, KpiSkeleton } from './kpi-card';
import { useOverview } from './queries';

export function KpiSection({ query }: { query: OverviewQuery }) {
  const overview = useOverview(query);
  return (
    <section aria-label="Key figures" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-3 2xl:grid-cols-6">
      <QueryView
        query={overview}
        loading={Array.from({ length: 6 }, (_, i) => (
          <KpiSkeleton key={i} />
        ))}
        errorTitle="Could not load the key figures"
        errorCard="col-span-full"
      >
        {(data) => <Kpis data={data} />}
      </QueryView>
    </section>
  );
}

function Kpis({ data }: { data: Overview }) {
  const cur = data.total.currency;
  const s = data.by_status;
  return (
    <>
      <KpiCard
        testId="kpi-volume"
        label="Total volume"
        raw={data.total.amount}
        display={formatMoney(data.total.amount, { currency: cur })}
        sub={
          <span data-testid="kpi-count" data-value={String(data.total.count)}>
            {formatCount(data.total.count)} transactions
          </span>
        }
        change={data.trends.total_change}
      />
      <KpiCard
        testId="kpi-success"
        label="Success"
        raw={s.success?.amount ?? 0}
        display={formatMoney(s.success?.amount ?? 0, { currency: cur })}
        sub={
          <span data-testid="kpi-success-count" data-value={String(s.success?.count ?? 0)}>
            {formatCount(s.success?.count ?? 0)} successful
          </span>
        }
        change={data.trends.success_change}
        tone="success"
      />
      <KpiCard
        testId="kpi-conversion"
        label="Conversion"
        raw={data.conversion_rate}
        display={formatPercent(data.conversion_rate)}
        sub="Success ÷ all transactions"
        change={data.trends.conversion_change}
      />
      <KpiCard
        testId="kpi-avg-ticket"
        label="Average ticket"
        raw={data.avg_ticket}
        display={formatMoney(data.avg_ticket, { currency: cur })}
        sub="Volume ÷ transactions"
        change={data.trends.avg_ticket_change}
      />
      <CountKpi status="failed" label="Failed" figure={s.failed} change={data.trends.failed_change} currency={cur} />
      <CountKpi status="pending" label="Pending" figure={s.pending} change={data.trends.pending_change} currency={cur} />
    </>
  );
}

/** Failed and pending: the count is the headline, the amount the subtext; up is bad. */
function CountKpi({
  status,
  label,
  figure,
  change,
  currency,
}: {
  status: 'failed' | 'pending';
  label: string;
  figure: Figure | undefined;
  change: number | null;
  currency: string | null;
}) {
  return (
    <KpiCard
      testId={`kpi-${status}`}
      label={label}
      raw={figure?.count ?? 0}
      display={formatCount(figure?.count ?? 0)}
      sub={formatMoney(figure?.amount ?? 0, { currency })}
      change={change}
      goodWhenUp={false}
      tone={status}
    />
  );
}

'use client';

import { QueryView } from '@/components/ui/states';
import type { TimeZone } from '@/lib/dates';
import type { OverviewQuery } from '@/lib/filters';
import { formatCount, formatMoney, formatPercent } from '@/lib/money';
import { KpiCard, KpiSkeleton } from './kpi-card';
import { comparisonLabel, headline, type Figure, type OverviewFull } from './payments';
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
        {(data) => <Kpis data={data as unknown as OverviewFull} tz={query.timezone} source={query.source} />}
      </QueryView>
    </section>
  );
}

/**
 * The headline figures, in payments (a payment recorded by two sources counts once) when
 * the API gives them; each change says what it compares with.
 */
function Kpis({ data, tz, source }: { data: OverviewFull; tz: TimeZone; source?: string }) {
  const cur = data.total.currency;
  const h = headline(data, source);
  const s = h.byStatus;
  const noun = h.unit === 'payments' ? 'payments' : 'transactions';
  const note = comparisonLabel(data, tz);
  return (
    <>
      <KpiCard
        testId="kpi-volume"
        label="Total volume"
        raw={h.amount}
        display={formatMoney(h.amount, { currency: cur })}
        sub={
          <span data-testid="kpi-count" data-value={String(h.count)} data-unit={h.unit}>
            {formatCount(h.count)} {noun}
            {h.unit === 'payments' && data.linked ? (
              <span className="text-muted" title="Payments recorded by both Vima and PayShack (a row in each), counted once">
                {' '}
                · {formatCount(data.linked)} linked
              </span>
            ) : null}
          </span>
        }
        change={h.trends.total_change}
        compareNote={note}
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
        change={h.trends.success_change}
        tone="success"
        compareNote={note}
      />
      <KpiCard
        testId="kpi-conversion"
        label="Conversion"
        raw={h.conversion}
        display={formatPercent(h.conversion)}
        sub={`Success ÷ all ${noun}`}
        change={h.trends.conversion_change}
        compareNote={note}
      />
      <KpiCard
        testId="kpi-avg-ticket"
        label="Average ticket"
        raw={h.avgTicket}
        display={formatMoney(h.avgTicket, { currency: cur })}
        sub={`Volume ÷ ${noun}`}
        change={h.trends.avg_ticket_change}
        compareNote={note}
      />
      <CountKpi status="failed" label="Failed" figure={s.failed} change={h.trends.failed_change} currency={cur} note={note} />
      <CountKpi status="pending" label="Pending" figure={s.pending} change={h.trends.pending_change} currency={cur} note={note} />
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
  note,
}: {
  status: 'failed' | 'pending';
  label: string;
  figure: Figure | undefined;
  change: number | null;
  currency: string | null;
  note: string;
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
      compareNote={note}
    />
  );
}

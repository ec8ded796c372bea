'use client';

import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { FreshnessBadge } from '@/components/layout/freshness';
import { PageHeader } from '@/components/layout/app-shell';
import { Heatmap } from '@/components/charts/heatmap';
import type { TrendMetric } from '@/components/charts/trend-chart';
import { SourceBadge, StatusBadge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState, QueryView } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import { apiGet, apiGetPaged, type QueryParams } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { ByProject, Granularity, Heatmap as HeatmapData, Overview, Transaction, Trends } from '@/lib/api/types';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { formatDate, formatRelative, tzLabel } from '@/lib/dates';
import {
  defaultGranularity,
  overviewFiltersToSearch,
  overviewQuery,
  parseOverviewFilters,
  type OverviewFilters,
} from '@/lib/filters';
import { formatCount, formatMoney, formatPercent, toChartNumber } from '@/lib/money';
import { KpiCard, KpiSkeleton } from './kpi-card';
import { OverviewFilterBar } from './overview-filters';

// The chart library is most of this page's JavaScript: loaded in a chunk of its own, in
// parallel with the data, so the KPI cards do not wait for it to be parsed.
const TrendChart = dynamic(() => import('@/components/charts/trend-chart').then((m) => m.TrendChart), {
  ssr: false,
  loading: () => <Skeleton className="h-[280px] w-full" />,
});
const StatusDonut = dynamic(() => import('@/components/charts/status-donut').then((m) => m.StatusDonut), {
  ssr: false,
  loading: () => <Skeleton className="h-[200px] w-full" />,
});

export function OverviewPage() {
  const { tz, setTz } = usePreferences();
  const { params, replace } = useUrlState();
  const filters = useMemo(() => parseOverviewFilters(params, tz), [params, tz]);

  // The header's zone switch is global; keep this page's URL in step with it.
  useEffect(() => {
    if (filters.tz !== tz) setTz(filters.tz);
    // Only when the URL changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);
  useEffect(() => {
    const urlTz = params.get('tz') ?? 'UTC';
    if (urlTz !== tz) replace(overviewFiltersToSearch({ ...filters, tz }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tz]);

  const setFilters = (f: OverviewFilters) => replace(overviewFiltersToSearch(f));
  const query = overviewQuery(filters);
  const from = query.from_date as string;
  const to = query.to_date as string;
  const granularity: Granularity = filters.granularity ?? defaultGranularity(from, to);

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          <span className="flex flex-wrap items-center gap-3">
            <span>
              {from === to ? formatDate(from) : `${formatDate(from)} – ${formatDate(to)}`} · {tzLabel(filters.tz)}
            </span>
            <FreshnessBadge />
          </span>
        }
      />
      <div className="mb-6">
        <OverviewFilterBar filters={filters} onChange={setFilters} />
      </div>

      <KpiSection query={query} />

      <div className="mb-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <TrendCard
          query={query}
          granularity={granularity}
          tz={filters.tz}
          onGranularity={(g) => setFilters({ ...filters, granularity: g })}
        />
        <StatusSplitCard query={query} />
      </div>

      <div className="mb-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <ByProjectCard query={query} />
        <BySourceCard query={query} />
      </div>

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
        <HeatmapCard query={query} tz={filters.tz} />
        <RecentCard source={filters.source} project={filters.project} />
      </div>
    </>
  );
}

// Each card subscribes to its own query, so an arriving response re-renders that card
// only: the KPIs do not wait for the charts' render, nor the charts for each other.

function useOverview(query: QueryParams) {
  return useQuery({
    queryKey: queryKeys.overview(query),
    queryFn: ({ signal }) => apiGet<Overview>('/metrics/overview', query, signal),
  });
}

function KpiSection({ query }: { query: QueryParams }) {
  const overview = useOverview(query);
  return (
    <section aria-label="Key figures" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-3 2xl:grid-cols-6">
      {overview.isPending ? (
        Array.from({ length: 6 }, (_, i) => <KpiSkeleton key={i} />)
      ) : overview.isError ? (
        <Card className="col-span-full">
          <ErrorState error={overview.error} onRetry={() => void overview.refetch()} title="Could not load the key figures" />
        </Card>
      ) : (
        <Kpis data={overview.data} />
      )}
    </section>
  );
}

function TrendCard({
  query,
  granularity,
  tz,
  onGranularity,
}: {
  query: QueryParams;
  granularity: Granularity;
  tz: OverviewFilters['tz'];
  onGranularity: (g: Granularity) => void;
}) {
  const [trendMetric, setTrendMetric] = useState<TrendMetric>('amount');
  const trendsQuery = { ...query, granularity };
  const trends = useQuery({
    queryKey: queryKeys.trends(trendsQuery),
    queryFn: ({ signal }) => apiGet<Trends>('/metrics/trends', trendsQuery, signal),
  });
  return (
    <Card className="xl:col-span-2">
      <CardHeader
        title="Transaction trend"
        description={`By ${granularity} · ${tzLabel(tz)}`}
        actions={
          <>
            <Tabs<TrendMetric>
              label="Trend metric"
              size="sm"
              value={trendMetric}
              onChange={setTrendMetric}
              items={[
                { value: 'amount', label: 'Volume' },
                { value: 'count', label: 'Count' },
              ]}
            />
            <Tabs<Granularity>
              label="Granularity"
              size="sm"
              value={granularity}
              onChange={onGranularity}
              items={[
                { value: 'hour', label: 'Hour' },
                { value: 'day', label: 'Day' },
                { value: 'week', label: 'Week' },
              ]}
            />
          </>
        }
      />
      <CardBody>
        <QueryView query={trends} loading={<Skeleton className="h-[280px] w-full" />}>
          {(data) =>
            data.points.every((p) => p.count === 0) ? (
              <EmptyState
                className="h-[280px]"
                title="No transactions in this period"
                hint="Try a longer period or clear the filters."
              />
            ) : (
              <TrendChart points={data.points} granularity={data.granularity ?? granularity} tz={tz} metric={trendMetric} />
            )
          }
        </QueryView>
      </CardBody>
    </Card>
  );
}

function StatusSplitCard({ query }: { query: QueryParams }) {
  const overview = useOverview(query);
  return (
    <Card>
      <CardHeader title="Status split" description="Share of transactions by status" />
      <CardBody>
        <QueryView query={overview} loading={<Skeleton className="h-[200px] w-full" />}>
          {(data) =>
            data.total.count === 0 ? (
              <EmptyState title="No transactions" />
            ) : (
              <StatusDonut byStatus={data.by_status} total={data.total.count} />
            )
          }
        </QueryView>
      </CardBody>
    </Card>
  );
}

function ByProjectCard({ query }: { query: QueryParams }) {
  const byProject = useQuery({
    queryKey: queryKeys.byProject(query),
    queryFn: ({ signal }) => apiGet<ByProject>('/metrics/by-project', query, signal),
  });
  return (
    <Card className="xl:col-span-2">
      <CardHeader title="By project" description="Volume, share and success rate" />
      <CardBody>
        <ByProjectBars q={byProject} />
      </CardBody>
    </Card>
  );
}

function BySourceCard({ query }: { query: QueryParams }) {
  const overview = useOverview(query);
  return (
    <Card>
      <CardHeader title="By source" description="Vima vs PayShack" />
      <CardBody>
        <QueryView query={overview} loading={<Skeleton className="h-24 w-full" />}>
          {(data) => <BySource data={data} />}
        </QueryView>
      </CardBody>
    </Card>
  );
}

function HeatmapCard({ query, tz }: { query: QueryParams; tz: OverviewFilters['tz'] }) {
  const [heatMetric, setHeatMetric] = useState<'count' | 'amount'>('count');
  const heatmap = useQuery({
    queryKey: queryKeys.heatmap(query),
    queryFn: ({ signal }) => apiGet<HeatmapData>('/metrics/heatmap', query, signal),
  });
  return (
    <Card className="xl:col-span-2">
      <CardHeader
        title="When payments happen"
        description={`Weekday × hour · ${tzLabel(tz)}`}
        actions={
          <Tabs<'count' | 'amount'>
            label="Heatmap metric"
            size="sm"
            value={heatMetric}
            onChange={setHeatMetric}
            items={[
              { value: 'count', label: 'Count' },
              { value: 'amount', label: 'Volume' },
            ]}
          />
        }
      />
      <CardBody>
        <QueryView query={heatmap} loading={<Skeleton className="h-52 w-full" />}>
          {(data) => <Heatmap cells={data.cells} metric={heatMetric} />}
        </QueryView>
      </CardBody>
    </Card>
  );
}

function RecentCard({ source, project }: { source: OverviewFilters['source']; project: OverviewFilters['project'] }) {
  const recentQuery = { source, project, limit: 8, sort_by: 'created_at', order: 'desc' };
  const recent = useQuery({
    queryKey: queryKeys.transactions(recentQuery),
    queryFn: ({ signal }) => apiGetPaged<Transaction>('/transactions', recentQuery, signal),
  });
  return (
    <Card>
      <CardHeader
        title="Recent transactions"
        actions={
          <Link href="/transactions/" className="text-caption font-medium text-accent hover:text-accent-hover">
            View all →
          </Link>
        }
      />
      <CardBody className="pt-2">
        {recent.isPending ? (
          <div className="space-y-3">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} className="h-8 w-full" />
            ))}
          </div>
        ) : recent.isError ? (
          <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />
        ) : recent.data.items.length === 0 ? (
          <EmptyState title="No transactions yet" />
        ) : (
          <ul className="divide-y divide-border">
            {recent.data.items.map((t) => (
              <li key={t.id}>
                <Link
                  href={`/transactions/?id=${encodeURIComponent(t.id)}`}
                  className="flex items-center gap-3 rounded-sm px-1 py-2 hover:bg-input"
                >
                  <SourceBadge source={t.source} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-mono text-caption text-fg">{t.client_operation_id ?? t.id}</span>
                    <span className="block truncate text-caption text-muted">
                      {t.project ?? '—'} · {formatRelative(t.created_at)}
                    </span>
                  </span>
                  <span className="text-right">
                    <span className="block font-mono text-caption text-fg">
                      {formatMoney(t.amount, { currency: t.currency })}
                    </span>
                    <StatusBadge status={t.status} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}

function Kpis({ data }: { data: Overview }) {
  const cur = data.total.currency;
  const s = data.by_status;
  // Failed/pending: the count is the headline, the amount the subtext.
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
      <KpiCard
        testId="kpi-failed"
        label="Failed"
        raw={s.failed?.count ?? 0}
        display={formatCount(s.failed?.count ?? 0)}
        sub={formatMoney(s.failed?.amount ?? 0, { currency: cur })}
        change={data.trends.failed_change}
        goodWhenUp={false}
        tone="failed"
      />
      <KpiCard
        testId="kpi-pending"
        label="Pending"
        raw={s.pending?.count ?? 0}
        display={formatCount(s.pending?.count ?? 0)}
        sub={formatMoney(s.pending?.amount ?? 0, { currency: cur })}
        change={data.trends.pending_change}
        goodWhenUp={false}
        tone="pending"
      />
    </>
  );
}

function ByProjectBars({ q }: { q: ReturnType<typeof useQuery<ByProject>> }) {
  if (q.isPending) {
    return (
      <div className="space-y-3">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-7 w-full" />
        ))}
      </div>
    );
  }
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const projects = [...q.data.projects].sort((a, b) => toChartNumber(b.amount) - toChartNumber(a.amount));
  if (projects.length === 0) return <EmptyState title="No project volume in this period" />;
  const total = projects.reduce((a, p) => a + toChartNumber(p.amount), 0) || 1;
  const max = toChartNumber(projects[0]!.amount) || 1;
  return (
    <table className="w-full text-body" data-testid="by-project">
      <thead className="sr-only">
        <tr>
          <th>Project</th>
          <th>Volume</th>
          <th>Share</th>
          <th>Transactions</th>
          <th>Success rate</th>
        </tr>
      </thead>
      <tbody>
        {projects.slice(0, 12).map((p) => {
          const share = (toChartNumber(p.amount) / total) * 100;
          const rate = p.success_rate;
          return (
            <tr key={p.project ?? '\u0000unassigned'} className="group">
              <td
                className={cn('w-32 truncate py-1.5 pr-3', p.project === null ? 'italic text-muted' : 'text-fg-2')}
                title={p.project ?? 'Transactions of no known project'}
              >
                {p.project ?? 'Unassigned'}
              </td>
              <td className="py-1.5 pr-3">
                <div className="h-5 w-full rounded-sm bg-input">
                  <div
                    className="flex h-full items-center rounded-sm bg-accent/80 transition-all duration-200 group-hover:bg-accent"
                    style={{ width: `${Math.max(2, (toChartNumber(p.amount) / max) * 100)}%` }}
                  />
                </div>
              </td>
              <td className="w-36 whitespace-nowrap py-1.5 pr-3 text-right font-mono text-caption text-fg">
                {formatMoney(p.amount)}
              </td>
              <td className="w-14 py-1.5 pr-3 text-right text-caption text-muted">{formatPercent(share)}</td>
              <td className="w-20 py-1.5 pr-3 text-right font-mono text-caption text-fg-2">{formatCount(p.count)}</td>
              <td className="w-20 py-1.5 text-right">
                <StatusBadge
                  status={rate === null ? null : rate >= 90 ? 'success' : rate >= 75 ? 'pending' : 'failed'}
                  label={rate === null ? '—' : `${formatPercent(rate)} ok`}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function BySource({ data }: { data: Overview }) {
  const rows = (['vima', 'payshack'] as const).map((s) => ({
    source: s,
    count: data.by_source[s]?.count ?? 0,
    amount: data.by_source[s]?.amount ?? 0,
  }));
  const total = rows.reduce((a, r) => a + toChartNumber(r.amount), 0);
  return (
    <div className="space-y-5" data-testid="by-source">
      {rows.map((r) => {
        const share = total > 0 ? (toChartNumber(r.amount) / total) * 100 : 0;
        return (
          <div key={r.source}>
            <div className="mb-1.5 flex items-center justify-between">
              <SourceBadge source={r.source} />
              <span className="font-mono text-body text-fg">{formatMoney(r.amount, { currency: data.total.currency })}</span>
            </div>
            <div className="h-2 w-full rounded-full bg-input">
              <div
                className={r.source === 'vima' ? 'h-full rounded-full bg-vima' : 'h-full rounded-full bg-payshack'}
                style={{ width: `${share}%` }}
              />
            </div>
            <p className="mt-1 text-caption text-muted">
              {formatCount(r.count)} transactions · {formatPercent(share)} of volume
            </p>
          </div>
        );
      })}
    </div>
  );
}

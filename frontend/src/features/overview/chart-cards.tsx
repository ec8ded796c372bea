'use client';

import dynamic from 'next/dynamic';
import { useState } from 'react';
import { Heatmap } from '@/components/charts/heatmap';
import type { TrendMetric } from '@/components/charts/trend-chart';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import type { Granularity, Overview } from '@/lib/api/types';
import { tzLabel, type TimeZone } from '@/lib/dates';
import type { OverviewQuery } from '@/lib/filters';
import { headline, type OverviewFull } from './payments';
import { useHeatmap, useOverview, useTrends } from './queries';

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

const TREND_METRICS: { value: TrendMetric; label: string }[] = [
  { value: 'amount', label: 'Volume' },
  { value: 'count', label: 'Count' },
];
const GRANULARITIES: { value: Granularity; label: string }[] = [
  { value: 'hour', label: 'Hour' },
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
];
type HeatMetric = 'count' | 'amount';
const HEAT_METRICS: { value: HeatMetric; label: string }[] = [
  { value: 'count', label: 'Count' },
  { value: 'amount', label: 'Volume' },
];

export function TrendCard({
  query,
  granularity,
  tz,
  onGranularity,
}: {
  query: OverviewQuery;
  granularity: Granularity;
  tz: TimeZone;
  onGranularity: (g: Granularity) => void;
}) {
  const [trendMetric, setTrendMetric] = useState<TrendMetric>('amount');
  const trends = useTrends(query, granularity);
  return (
    <Card className="xl:col-span-2">
      <CardHeader
        title="Payment trend"
        description={`${query.source ? 'Rows' : 'Payments'} by ${granularity} · ${tzLabel(tz)} · the bucket in progress is marked partial`}
        actions={
          <>
            <Tabs label="Trend metric" size="sm" value={trendMetric} onChange={setTrendMetric} items={TREND_METRICS} />
            <Tabs label="Granularity" size="sm" value={granularity} onChange={onGranularity} items={GRANULARITIES} />
          </>
        }
      />
      <CardBody>
        <QueryView
          query={trends}
          loading={<Skeleton className="h-[280px] w-full" />}
          empty={{
            when: (data) => data.points.every((p) => p.count === 0),
            title: 'No payments in this period',
            hint: 'Try a longer period or clear the filters.',
            className: 'h-[280px]',
          }}
        >
          {(data) => (
            <TrendChart
              points={data.points}
              granularity={data.granularity}
              tz={tz}
              metric={trendMetric}
              unit={query.source ? 'transactions' : 'payments'}
            />
          )}
        </QueryView>
      </CardBody>
    </Card>
  );
}

export function StatusSplitCard({ query }: { query: OverviewQuery }) {
  const overview = useOverview(query);
  return (
    <Card>
      <CardHeader title="Status split" description="Share of payments by status" />
      <CardBody>
        <QueryView
          query={overview}
          loading={<Skeleton className="h-[200px] w-full" />}
          empty={{ when: (data) => data.total.count === 0, title: 'No payments' }}
        >
          {(data) => {
            const h = headline(data as unknown as OverviewFull, query.source);
            return <StatusDonut byStatus={h.byStatus as Overview['by_status']} total={h.count} noun={h.unit} />;
          }}
        </QueryView>
      </CardBody>
    </Card>
  );
}

export function HeatmapCard({ query, tz }: { query: OverviewQuery; tz: TimeZone }) {
  const [heatMetric, setHeatMetric] = useState<HeatMetric>('count');
  const heatmap = useHeatmap(query);
  return (
    <Card className="xl:col-span-2">
      <CardHeader
        title="When payments happen"
        description={`Weekday × hour · ${tzLabel(tz)}`}
        actions={<Tabs label="Heatmap metric" size="sm" value={heatMetric} onChange={setHeatMetric} items={HEAT_METRICS} />}
      />
      <CardBody>
        <QueryView query={heatmap} loading={<Skeleton className="h-52 w-full" />}>
          {(data) => <Heatmap cells={data.cells} metric={heatMetric} />}
        </QueryView>
      </CardBody>
    </Card>
  );
}

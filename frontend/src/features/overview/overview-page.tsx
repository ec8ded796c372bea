'use client';

import { useEffect, useMemo } from 'react';
import { FreshnessBadge } from '@/components/layout/freshness';
import { PageHeader } from '@/components/layout/app-shell';
import type { Granularity } from '@/lib/api/types';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { formatDate, tzLabel } from '@/lib/dates';
import {
  defaultGranularity,
  overviewFiltersToSearch,
  overviewQuery,
  parseOverviewFilters,
  type OverviewFilters,
} from '@/lib/filters';
import { ByProjectCard, BySourceCard } from './breakdown-cards';
import { HeatmapCard, StatusSplitCard, TrendCard } from './chart-cards';
import { KpiSection } from './kpi-section';
import { NetFlowCard } from './net-flow-card';
import { OverviewFilterBar } from './overview-filters';
import { RecentCard } from './recent-card';
import { UpiKpis } from '@/features/upi/upi-kpis';

/**
 * The dashboard: filters in the URL, then cards that each subscribe to their own query
 * (queries.ts), so an arriving response re-renders that card only: the KPIs do not wait
 * for the charts' render, nor the charts for each other.
 */
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
  const { from_date: from, to_date: to } = query;
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
      <UpiKpis query={query} />

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
      <NetFlowCard query={query} />

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
        <HeatmapCard query={query} tz={filters.tz} />
        <RecentCard source={filters.source} project={filters.project} />
      </div>
    </>
  );
}

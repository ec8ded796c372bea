'use client';

import { useQuery } from '@tanstack/react-query';
import { apiGet, apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { Granularity } from '@/lib/api/types';
import type { OverviewFilters, OverviewQuery } from '@/lib/filters';

// The overview's queries. Cards that show the same endpoint (the KPIs, the status split,
// by source) call the same hook and share its cache entry: one request.

export function useOverview(query: OverviewQuery) {
  return useQuery({
    queryKey: queryKeys.overview(query),
    queryFn: ({ signal }) => apiGet('/metrics/overview', { query, signal }),
  });
}

/**
 * The trend and the project breakdown count payments (`unit=payments`: a payment recorded by
 * both sources once); a backend that does not know the parameter ignores it and counts rows.
 * Filtered to one source they count its rows (see payments.ts `headline`).
 */
const unitOf = (query: OverviewQuery) => ({ unit: query.source ? 'rows' : 'payments' }) as const;

export function useTrends(query: OverviewQuery, granularity: Granularity) {
  const trendsQuery = { ...query, granularity, ...unitOf(query) };
  return useQuery({
    queryKey: queryKeys.trends(trendsQuery),
    queryFn: ({ signal }) => apiGet('/metrics/trends', { query: trendsQuery, signal }),
  });
}

export function useByProject(query: OverviewQuery) {
  const projectsQuery = { ...query, ...unitOf(query) };
  return useQuery({
    queryKey: queryKeys.byProject(projectsQuery),
    queryFn: ({ signal }) => apiGet('/metrics/by-project', { query: projectsQuery, signal }),
  });
}

export function useHeatmap(query: OverviewQuery) {
  return useQuery({
    queryKey: queryKeys.heatmap(query),
    queryFn: ({ signal }) => apiGet('/metrics/heatmap', { query, signal }),
  });
}

/** The newest transactions of the filtered source and project (any date). */
export function useRecentTransactions({ source, project }: Pick<OverviewFilters, 'source' | 'project'>) {
  const query = { source, project, limit: 8, sort_by: 'created_at', order: 'desc' } as const;
  return useQuery({
    queryKey: queryKeys.transactions(query),
    queryFn: ({ signal }) => apiGetPaged('/transactions', { query, signal }),
  });
}

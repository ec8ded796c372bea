'use client';

import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { addDays, todayIn } from '../dates';

/**
 * Project names for filter dropdowns. The contract has no project list endpoint, so this
 * takes the projects seen in the last 90 days from /metrics/by-project (cached 10 min).
 */
export function useProjects(): string[] {
  const q = useQuery({
    queryKey: queryKeys.projects(),
    queryFn: ({ signal }) => {
      const to = todayIn('UTC');
      return apiGet('/metrics/by-project', { query: { from_date: addDays(to, -89), to_date: to }, signal });
    },
    staleTime: 10 * 60_000,
    retry: false,
  });
  // `project: null` (unassigned) cannot be picked as a filter value.
  return (q.data?.projects ?? [])
    .map((p) => p.project)
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .sort((a, b) => a.localeCompare(b));
}

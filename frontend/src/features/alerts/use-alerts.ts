'use client';

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '@/lib/api/query-keys';
import { getSummary, isAbsent } from './alerts-api';

/** How often the header bell asks for the firing alerts. */
export const SUMMARY_POLL_MS = 30_000;

/** GET /alerts/summary, polled every 30 s; stops polling when the backend has no alerts (404). */
export function useAlertsSummary() {
  return useQuery({
    queryKey: queryKeys.alertsSummary(),
    queryFn: ({ signal }) => getSummary(signal),
    refetchInterval: (q) => (isAbsent(q.state.error) ? false : SUMMARY_POLL_MS),
    refetchOnWindowFocus: true,
  });
}

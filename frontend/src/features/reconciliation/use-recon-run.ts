'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useToast } from '@/components/ui/toast';
import { apiGetPaged, apiSend } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';

/** The runs of a day (newest first); `pollMs` refetches them while a run is being waited for. */
export function useReconRuns(date: string, pollMs: number | false = false) {
  return useQuery({
    queryKey: queryKeys.reconRuns(date),
    queryFn: ({ signal }) => apiGetPaged('/reconciliation/runs', { query: { date, limit: 20 }, signal }),
    refetchInterval: pollMs,
  });
}

/**
 * "Run reconciliation" for a day. POST /reconciliation/run answers when the run is done;
 * should it answer `started`, the day's runs are polled until that run is completed or
 * failed (the recon.finished event also refreshes them). Either way a toast says how it
 * ended and every reconciliation query is refreshed.
 */
export function useReconRun(date: string) {
  const qc = useQueryClient();
  const toast = useToast();
  const [runningId, setRunningId] = useState<string | null>(null);
  const runs = useReconRuns(date, runningId ? 1500 : false);

  const activeRun = runningId ? runs.data?.items.find((r) => r.run_id === runningId) : undefined;
  useEffect(() => {
    if (!runningId || !activeRun) return;
    if (activeRun.status === 'completed' || activeRun.status === 'failed') {
      setRunningId(null);
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(
        activeRun.status === 'completed'
          ? `Reconciliation for ${date} finished`
          : `Reconciliation failed: ${activeRun.error ?? 'see run history'}`,
        activeRun.status === 'completed' ? 'success' : 'error',
      );
    }
  }, [runningId, activeRun, qc, toast, date]);

  const run = useMutation({
    mutationFn: () => apiSend('POST', '/reconciliation/run', { body: { date } }),
    onSuccess: (r) => {
      if (r.status === 'started') setRunningId(r.run_id);
      else {
        void qc.invalidateQueries({ queryKey: ['reconciliation'] });
        toast(r.message || `Reconciliation ${r.status}`, r.status === 'failed' ? 'error' : 'success');
      }
    },
  });
  return {
    start: () => run.mutate(),
    running: run.isPending || !!runningId,
    error: run.isError ? run.error : null,
  };
}

'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Card } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { formatDate } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { isMissingRoute, workbenchCall } from './workbench-api';
import type { CatchUp } from './workbench-types';

const ACTIVE = new Set<CatchUp['state']>(['waiting_for_sync', 'running']);

/**
 * The demo reconciles its seeded days in the background at start: while it does, show how
 * far it got (polled); nothing when idle, done, or on a backend without the route. When it
 * finishes, the page's reconciliation figures are refreshed.
 */
export function CatchUpBanner() {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['reconciliation', 'catch-up'],
    queryFn: async ({ signal }) => {
      try {
        return await workbenchCall<CatchUp>('GET', '/reconciliation/catch-up', { signal });
      } catch (e) {
        if (isMissingRoute(e)) return null;
        throw e;
      }
    },
    refetchInterval: (query) => (query.state.data && ACTIVE.has(query.state.data.state) ? 2000 : false),
    retry: false,
  });
  const state = q.data?.state;
  const done = q.data?.done_days;
  const wasActive = useRef(false);
  useEffect(() => {
    if (state && ACTIVE.has(state)) wasActive.current = true;
    else if (wasActive.current) {
      wasActive.current = false;
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
    }
  }, [state, qc]);
  // Each finished day changes the figures of that day: refresh as the count moves.
  useEffect(() => {
    if (done) void qc.invalidateQueries({ queryKey: ['reconciliation', 'summary'] });
  }, [done, qc]);

  const c = q.data;
  if (!c || !ACTIVE.has(c.state)) return null;
  const waiting = c.state === 'waiting_for_sync';
  return (
    <Card className="mb-4 p-4" data-testid="recon-catch-up" role="status">
      <p className="mb-2 text-body text-fg">
        {waiting
          ? "Reconciling the demo's days: waiting for the first sync…"
          : `Reconciling the demo's days: ${formatCount(c.done_days)} of ${formatCount(c.total_days)}`}
        {c.current_date && !waiting ? <span className="text-muted"> · now {formatDate(c.current_date)}</span> : null}
      </p>
      <Progress value={waiting || !c.total_days ? null : c.done_days / c.total_days} label="Reconciling the demo's days" />
    </Card>
  );
}

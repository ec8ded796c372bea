'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DateField } from '@/components/ui/date-field';
import { GuardedButton, Reason } from '@/components/ui/guarded';
import { Label, Select } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { ApiError, apiGet, apiGetPaged, apiSend } from '@/lib/api/client';
import { SOURCES, type Source } from '@/lib/api/types';
import { addDays, formatDate, todayIn, type TimeZone } from '@/lib/dates';
import { BackfillProgress } from './backfill-progress';
import { isActive, type Backfill } from './backfill-types';
import { SOURCE_NAME } from './labels';

/** How often a pending or running backfill is re-read (its shards move day by day). */
const ACTIVE_POLL_MS = 2_000;

/** The latest backfills; polled quickly while one is pending or running. */
export function useBackfills() {
  return useQuery({
    queryKey: ['sync', 'backfills'],
    queryFn: async ({ signal }) => (await apiGetPaged('/sync/backfills', { query: { limit: 20 }, signal })).items as Backfill[],
    refetchInterval: (q) => (q.state.data?.some(isActive) ? ACTIVE_POLL_MS : 30_000),
  });
}

/** One backfill with its per-day shards (if the backend sends them). */
function useBackfill(id: string | undefined) {
  return useQuery({
    queryKey: ['sync', 'backfill', id],
    enabled: !!id,
    queryFn: async ({ signal }) =>
      (await apiGet('/sync/backfills/{backfill_id}', { path: { backfill_id: id! }, signal })) as Backfill,
    refetchInterval: (q) => (!q.state.data || isActive(q.state.data) ? ACTIVE_POLL_MS : false),
  });
}

/** Why "Start backfill" is disabled for this source right now, or null. */
export function busyReason(source: Source, backfills: Backfill[] | undefined): string | null {
  const active = backfills?.find((b) => b.source === source && isActive(b));
  if (!active) return null;
  return `A backfill of ${SOURCE_NAME[source]} (${formatDate(active.from_date)} – ${formatDate(active.to_date)}) is ${active.status}; one per source at a time.`;
}

export function BackfillForm({ roleReason, tz }: { roleReason: string | null; tz: TimeZone }) {
  const toast = useToast();
  const qc = useQueryClient();
  const [source, setSource] = useState<Source>('vima');
  const yesterday = addDays(todayIn('UTC'), -1);
  const [from, setFrom] = useState(addDays(yesterday, -6));
  const [to, setTo] = useState(yesterday);
  const backfills = useBackfills();
  // The one to show: the active one of the chosen source, else the newest of that source.
  const shown =
    backfills.data?.find((b) => b.source === source && isActive(b)) ?? backfills.data?.find((b) => b.source === source);
  const detail = useBackfill(shown?.id);
  const m = useMutation({
    mutationFn: () => apiSend('POST', '/sync/backfill', { body: { source, from_date: from, to_date: to } }),
    onSuccess: () => {
      toast('Backfill queued', 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
    onError: (e) => {
      // Another tab or user started one meanwhile: show it rather than only an error.
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: ['sync', 'backfills'] });
    },
  });
  const invalidRange = !from || !to || from > to;
  const reason = roleReason ?? busyReason(source, backfills.data);
  return (
    <Card>
      <CardHeader
        title="Backfill"
        description="Re-fetch a date range from one source, day by day. Existing rows are updated, not duplicated."
      />
      <CardBody>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason && !invalidRange) m.mutate();
          }}
          data-testid="backfill-form"
        >
          <Label>
            Source
            <Select value={source} onChange={(e) => setSource(e.target.value as Source)} data-testid="backfill-source">
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {SOURCE_NAME[s]}
                </option>
              ))}
            </Select>
          </Label>
          <Label>
            From
            <DateField label="From" value={from || undefined} max={to} required onChange={(v) => setFrom(v ?? '')} />
          </Label>
          <Label>
            To
            <DateField label="To" value={to || undefined} min={from} required onChange={(v) => setTo(v ?? '')} />
          </Label>
          <GuardedButton
            reason={reason}
            type="submit"
            variant="primary"
            loading={m.isPending}
            disabled={invalidRange}
            data-testid="backfill-start"
          >
            Start backfill
          </GuardedButton>
        </form>
        {reason ? (
          <p className="mt-2" data-testid="backfill-reason">
            <Reason>{reason}</Reason>
          </p>
        ) : null}
        <div className="mt-3">
          <InlineError error={m.error} />
        </div>
        {shown ? <BackfillProgress backfill={detail.data ?? shown} tz={tz} /> : null}
      </CardBody>
    </Card>
  );
}

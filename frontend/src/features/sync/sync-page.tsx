'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ChevronDown, RefreshCw } from 'lucide-react';
import { Fragment, useState } from 'react';
import { useSyncStatus } from '@/components/layout/freshness';
import { PageHeader } from '@/components/layout/app-shell';
import { Badge, SourceBadge, statusTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { Input, Label, Select } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState, InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGetPaged, apiSend } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import {
  SOURCES,
  type QuarantinedRecord,
  type Source,
  type SourceStatus,
  type SyncRun,
  type TriggerResult,
} from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { can } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { addDays, formatDateTime, formatDuration, formatRelative, secondsSince, todayIn, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';

const SOURCE_NAME: Record<Source, string> = { vima: 'Vima', payshack: 'PayShack' };

function lagText(seconds: number | null): string {
  if (seconds === null) return '—';
  return formatDuration(seconds * 1000).replace(/ \d+ s$/, '');
}

/** A next-sync time in the past means the scheduler is late: say so instead of "3 min ago". */
function nextSyncText(ts: string | null): string {
  if (!ts) return '—';
  const late = secondsSince(ts);
  if (late !== null && late > 60) return `overdue by ${lagText(late)}`;
  if (late !== null && late > 0) return 'due now';
  return formatRelative(ts);
}

function SourceCard({ s, tz, mayTrigger }: { s: SourceStatus; tz: TimeZone; mayTrigger: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const trigger = useMutation({
    mutationFn: () => apiSend<TriggerResult>('POST', '/sync/trigger', { source: s.source }),
    onSuccess: (r) => {
      toast(r.message || `${SOURCE_NAME[s.source]} sync triggered`, 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
    onError: (e) => toast(`Could not trigger ${SOURCE_NAME[s.source]}: ${(e as Error).message}`, 'error'),
  });
  const lag = s.lag_seconds ?? secondsSince(s.last_successful_sync);
  const colour = s.source === 'vima' ? 'border-t-vima' : 'border-t-payshack';
  return (
    <Card hover className={cn('border-t-4 p-5', colour)} data-testid={`sync-card-${s.source}`}>
      <div className="mb-4 flex items-start justify-between">
        <div>
          <h2 className={cn('text-h3', s.source === 'vima' ? 'text-vima' : 'text-payshack')}>{SOURCE_NAME[s.source]}</h2>
          <Badge
            tone={statusTone(s.status === 'idle' ? 'success' : s.status)}
            className="mt-1"
            data-testid={`sync-state-${s.source}`}
          >
            <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden />
            {s.status === 'idle' ? 'healthy' : s.status}
          </Badge>
        </div>
        {mayTrigger ? (
          <Button
            size="sm"
            onClick={() => trigger.mutate()}
            loading={trigger.isPending || s.status === 'running'}
            data-testid={`sync-now-${s.source}`}
          >
            {trigger.isPending || s.status === 'running' ? null : <RefreshCw className="h-3.5 w-3.5" aria-hidden />}
            {s.status === 'running' ? 'Syncing…' : 'Sync now'}
          </Button>
        ) : null}
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-body">
        <div>
          <dt className="text-caption text-muted">Last success</dt>
          <dd title={formatDateTime(s.last_successful_sync, tz)}>{formatRelative(s.last_successful_sync)}</dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Lag</dt>
          <dd className={cn(lag !== null && lag > 3600 ? 'text-failed' : lag !== null && lag > 900 ? 'text-pending' : 'text-fg')}>
            {lagText(lag)}
          </dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Records synced</dt>
          <dd className="font-mono">{formatCount(s.records_synced)}</dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Next sync</dt>
          <dd title={formatDateTime(s.next_sync_at, tz)}>{nextSyncText(s.next_sync_at)}</dd>
        </div>
        <div className="col-span-2">
          <dt className="text-caption text-muted">Last attempt</dt>
          <dd className="font-mono text-caption">{formatDateTime(s.last_sync_at, tz)}</dd>
        </div>
        <div className="col-span-2">
          <dt className="text-caption text-muted">Last error</dt>
          <dd
            className={cn('break-words text-caption', s.error_message ? 'text-failed' : 'text-muted')}
            data-testid={`sync-error-${s.source}`}
          >
            {s.error_message ?? 'None'}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

function BackfillForm() {
  const toast = useToast();
  const qc = useQueryClient();
  const [source, setSource] = useState<Source>('vima');
  const yesterday = addDays(todayIn('UTC'), -1);
  const [from, setFrom] = useState(addDays(yesterday, -6));
  const [to, setTo] = useState(yesterday);
  const m = useMutation({
    mutationFn: () => apiSend<TriggerResult>('POST', '/sync/backfill', { source, from_date: from, to_date: to }),
    onSuccess: (r) => {
      toast(r.message || 'Backfill queued', 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
  });
  return (
    <Card>
      <CardHeader
        title="Backfill"
        description="Re-fetch a date range from one source. Existing rows are updated, not duplicated."
      />
      <CardBody>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
          data-testid="backfill-form"
        >
          <Label>
            Source
            <Select value={source} onChange={(e) => setSource(e.target.value as Source)}>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {SOURCE_NAME[s]}
                </option>
              ))}
            </Select>
          </Label>
          <Label>
            From
            <Input type="date" value={from} max={to} required onChange={(e) => setFrom(e.target.value)} />
          </Label>
          <Label>
            To
            <Input type="date" value={to} min={from} required onChange={(e) => setTo(e.target.value)} />
          </Label>
          <Button type="submit" variant="primary" loading={m.isPending} disabled={!from || !to || from > to}>
            Start backfill
          </Button>
        </form>
        <div className="mt-3">
          <InlineError error={m.error} />
        </div>
      </CardBody>
    </Card>
  );
}

function RunsTable({ tz }: { tz: TimeZone }) {
  const [source, setSource] = useState<Source | ''>('');
  const [page, setPage] = useState(1);
  const q = { source, page, limit: 20 };
  const runs = useQuery({
    queryKey: queryKeys.syncRuns(q),
    queryFn: ({ signal }) => apiGetPaged<SyncRun>('/sync/runs', q, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const num = 'px-3 py-2 text-right font-mono text-caption';
  return (
    <Card>
      <CardHeader
        title="Run history"
        actions={
          <Select
            aria-label="Source"
            value={source}
            onChange={(e) => {
              setSource(e.target.value as Source | '');
              setPage(1);
            }}
          >
            <option value="">All sources</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_NAME[s]}
              </option>
            ))}
          </Select>
        }
      />
      <div className="mt-3 overflow-x-auto">
        {runs.isPending ? (
          <TableSkeleton rows={6} cols={8} />
        ) : runs.isError ? (
          <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
        ) : runs.data.items.length === 0 ? (
          <EmptyState title="No sync runs yet" />
        ) : (
          <>
            <table className="w-full text-left text-body" data-testid="sync-runs">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="px-3 py-2 font-medium">Source</th>
                  <th className="px-3 py-2 font-medium">Started</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 text-right font-medium">Fetched</th>
                  <th className="px-3 py-2 text-right font-medium">Inserted</th>
                  <th className="px-3 py-2 text-right font-medium">Updated</th>
                  {/* Secondary columns give way below 2xl so the table fits a 1280 px window. */}
                  <th className="hidden px-3 py-2 text-right font-medium 2xl:table-cell">Unchanged</th>
                  <th className="px-3 py-2 text-right font-medium">Quarantined</th>
                  <th className="px-3 py-2 text-right font-medium">Pages</th>
                  <th className="px-3 py-2 text-right font-medium">Took</th>
                  <th className="px-3 py-2 font-medium">Error</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((r, i) => (
                  <tr
                    key={r.id ?? i}
                    className="border-b border-border/60 last:border-0 hover:bg-input"
                    data-testid="sync-run-row"
                    data-status={r.status}
                  >
                    <td className="px-3 py-2">
                      <SourceBadge source={r.source} />
                      {r.kind && r.kind !== 'scheduled' ? <span className="ml-1 text-caption text-muted">{r.kind}</span> : null}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">{formatDateTime(r.started_at, tz)}</td>
                    <td className="px-3 py-2">
                      <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                    </td>
                    <td className={num}>{formatCount(r.fetched)}</td>
                    <td className={num}>{formatCount(r.inserted)}</td>
                    <td className={num}>{formatCount(r.updated)}</td>
                    <td className={cn(num, 'hidden 2xl:table-cell')}>{formatCount(r.unchanged)}</td>
                    <td className={cn(num, r.quarantined > 0 && 'text-pending')}>{formatCount(r.quarantined)}</td>
                    <td className={num}>{formatCount(r.pages)}</td>
                    <td className={cn(num, 'whitespace-nowrap text-muted')}>{formatDuration(r.duration_ms)}</td>
                    <td className="px-3 py-2 text-caption text-failed" title={r.error ?? undefined}>
                      {/* max-width is ignored on table cells: the inner block truncates. */}
                      <div className="max-w-[10rem] truncate 2xl:max-w-[16rem]">{r.error ?? ''}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              page={runs.data.meta.page}
              limit={runs.data.meta.limit}
              total={runs.data.meta.total}
              totalPages={runs.data.meta.total_pages}
              onPage={setPage}
              noun="runs"
            />
          </>
        )}
      </div>
    </Card>
  );
}

function QuarantineTable({ tz }: { tz: TimeZone }) {
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const q = { page, limit: 20 };
  const data = useQuery({
    queryKey: queryKeys.quarantine(q),
    queryFn: ({ signal }) => apiGetPaged<QuarantinedRecord>('/sync/quarantine', q, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Card>
      <CardHeader
        title="Quarantined records"
        description="Records a source sent that failed validation. They are kept, not loaded."
      />
      <div className="mt-3">
        {data.isPending ? (
          <TableSkeleton rows={4} cols={5} />
        ) : data.isError ? (
          <ErrorState error={data.error} onRetry={() => void data.refetch()} />
        ) : data.data.items.length === 0 ? (
          <EmptyState title="Nothing quarantined" hint="Every record the sources sent passed validation." />
        ) : (
          <>
            <table className="w-full text-left text-body" data-testid="quarantine">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="w-8 px-3 py-2" />
                  <th className="px-3 py-2 font-medium">Source</th>
                  <th className="px-3 py-2 font-medium">Record id</th>
                  <th className="px-3 py-2 font-medium">Reason</th>
                  <th className="px-3 py-2 font-medium">First seen</th>
                  <th className="px-3 py-2 font-medium">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {data.data.items.map((r, i) => (
                  <Fragment key={r.id ?? i}>
                    <tr className="border-b border-border/60 hover:bg-input">
                      <td className="px-3 py-2">
                        <button
                          type="button"
                          aria-expanded={open === i}
                          aria-label="Show raw record"
                          onClick={() => setOpen(open === i ? null : i)}
                          className="rounded-sm p-0.5 text-muted hover:text-fg"
                        >
                          <ChevronDown className={cn('h-4 w-4 transition-transform', open !== i && '-rotate-90')} />
                        </button>
                      </td>
                      <td className="px-3 py-2">
                        <SourceBadge source={r.source} />
                      </td>
                      <td className="px-3 py-2 font-mono text-caption">{r.source_record_id ?? '—'}</td>
                      <td className="px-3 py-2 text-caption text-pending">{r.reason}</td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">
                        {formatDateTime(r.first_seen_at, tz)}
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">{formatDateTime(r.last_seen_at, tz)}</td>
                    </tr>
                    {open === i ? (
                      <tr className="border-b border-border/60">
                        <td colSpan={6} className="px-3 py-2">
                          <div className="flex justify-end">
                            <CopyButton value={JSON.stringify(r.raw, null, 2)} label="Copy raw record" />
                          </div>
                          <pre className="max-h-64 overflow-auto rounded-md border border-border bg-bg p-3 font-mono text-[12px] text-fg-2">
                            {JSON.stringify(r.raw, null, 2)}
                          </pre>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
            <Pager
              page={data.data.meta.page}
              limit={data.data.meta.limit}
              total={data.data.meta.total}
              totalPages={data.data.meta.total_pages}
              onPage={setPage}
              noun="records"
            />
          </>
        )}
      </div>
    </Card>
  );
}

export function SyncPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const status = useSyncStatus();
  const qc = useQueryClient();
  const toast = useToast();
  const mayTrigger = can(me?.role, 'sync.trigger');
  const all = useMutation({
    mutationFn: () => apiSend<TriggerResult>('POST', '/sync/trigger', { source: null }),
    onSuccess: (r) => {
      toast(r.message || 'Sync triggered for all sources', 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
    onError: (e) => toast(`Could not trigger sync: ${(e as Error).message}`, 'error'),
  });
  return (
    <>
      <PageHeader
        title="Sync"
        description="Health of the Vima and PayShack feeds."
        actions={
          mayTrigger ? (
            <Button variant="primary" onClick={() => all.mutate()} loading={all.isPending} data-testid="sync-now-all">
              {all.isPending ? null : <RefreshCw className="h-4 w-4" aria-hidden />} Sync all now
            </Button>
          ) : null
        }
      />
      <div className="mb-6 grid grid-cols-1 gap-4 lg:grid-cols-2">
        {status.isPending ? (
          <>
            <Skeleton className="h-72" />
            <Skeleton className="h-72" />
          </>
        ) : status.isError ? (
          <Card className="col-span-full">
            <ErrorState error={status.error} onRetry={() => void status.refetch()} title="Could not load sync status" />
          </Card>
        ) : (
          status.data.sources.map((s) => <SourceCard key={s.source} s={s} tz={tz} mayTrigger={mayTrigger} />)
        )}
      </div>
      {can(me?.role, 'sync.backfill') ? (
        <div className="mb-6">
          <BackfillForm />
        </div>
      ) : null}
      <div className="mb-6">
        <RunsTable tz={tz} />
      </div>
      <QuarantineTable tz={tz} />
    </>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, SourceBadge, statusTone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { ChoiceSelect } from '@/components/ui/input';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { SOURCES, SYNC_RUN_KINDS, type Source, type SyncRun, type SyncRunKind } from '@/lib/api/types';
import { formatDateTime, formatDuration, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { completenessTitle, kindLabel, readExpected, runRange, SOURCE_NAME } from './labels';

const KIND_OPTION: Record<SyncRunKind, string> = {
  incremental: 'Incremental syncs',
  reread: 'Daily re-reads',
  backfill: 'Backfills',
  refetch: 'Re-fetches',
};

// Numbers sit closer together below 2xl so the whole table fits a 1280 px window.
const num = 'px-2 py-2 text-right font-mono text-caption 2xl:px-3';
const numHead = 'px-2 py-2 text-right font-medium 2xl:px-3';

export function RunsTableHead() {
  return (
    <thead>
      <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
        <th className="px-3 py-2 font-medium">Source</th>
        <th className="px-3 py-2 font-medium">Started</th>
        <th className="px-3 py-2 font-medium">Status</th>
        <th
          className={cn(numHead, 'whitespace-nowrap')}
          title="Rows the run accounted for / rows the provider said its windows hold"
        >
          Read / expected
        </th>
        <th className={numHead}>Fetched</th>
        <th className={numHead}>Inserted</th>
        <th className={numHead}>Updated</th>
        {/* Secondary columns give way below 2xl so the table fits a 1280 px window. */}
        <th className={cn(numHead, 'hidden 2xl:table-cell')}>Unchanged</th>
        <th className={numHead}>Quarantined</th>
        <th className={cn(numHead, 'hidden 2xl:table-cell')}>Pages</th>
        <th className={numHead}>Took</th>
        <th className="px-3 py-2 font-medium">Error</th>
      </tr>
    </thead>
  );
}

export function RunRow({ r, tz }: { r: SyncRun; tz: TimeZone }) {
  const kind = kindLabel(r.kind);
  const range = runRange(r);
  const re = readExpected(r);
  const windows = completenessTitle(r.completeness);
  const incomplete = r.status === 'incomplete';
  return (
    <tr className="border-b border-border/60 last:border-0 hover:bg-input" data-testid="sync-run-row" data-status={r.status}>
      <td className="px-3 py-2">
        <span className="inline-flex flex-wrap items-center gap-1">
          <SourceBadge source={r.source} />
          {kind ? (
            <span className="whitespace-nowrap text-caption text-muted" data-testid="sync-run-kind">
              {kind}
            </span>
          ) : null}
        </span>
      </td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">
        {formatDateTime(r.started_at, tz)}
        {/* Under the start time, no wider than it: the table must fit a 1280 px window. */}
        {range ? (
          <span className="block font-sans text-fg-2" data-testid="sync-run-range">
            {range}
          </span>
        ) : null}
      </td>
      <td className="px-3 py-2">
        <Badge tone={statusTone(r.status)}>{r.status}</Badge>
      </td>
      <td
        className={cn(num, 'whitespace-nowrap', re.short && 'font-semibold text-pending')}
        title={windows || undefined}
        data-testid="sync-run-read"
        data-short={re.short ? 'true' : undefined}
      >
        {re.text}
      </td>
      <td className={num}>{formatCount(r.fetched)}</td>
      <td className={num}>{formatCount(r.inserted)}</td>
      <td className={num}>{formatCount(r.updated)}</td>
      <td className={cn(num, 'hidden 2xl:table-cell')}>{formatCount(r.unchanged)}</td>
      <td className={cn(num, r.quarantined > 0 && 'text-pending')}>{formatCount(r.quarantined)}</td>
      <td className={cn(num, 'hidden 2xl:table-cell')}>{formatCount(r.pages)}</td>
      <td className={cn(num, 'whitespace-nowrap text-muted')}>{formatDuration(r.duration_ms)}</td>
      <td className={cn('px-3 py-2 text-caption', incomplete ? 'text-pending' : 'text-failed')} title={r.error ?? undefined}>
        {/* max-width is ignored on table cells: the inner block truncates. */}
        <div className="max-w-[7rem] truncate 2xl:max-w-[16rem]">{r.error ?? ''}</div>
      </td>
    </tr>
  );
}

export function RunsTable({ tz }: { tz: TimeZone }) {
  const [source, setSource] = useState<Source>();
  const [kind, setKind] = useState<SyncRunKind>();
  const [page, setPage] = useState(1);
  const q = { source, kind, page, limit: 20 };
  const runs = useQuery({
    queryKey: queryKeys.syncRuns(q),
    queryFn: ({ signal }) => apiGetPaged('/sync/runs', { query: q, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  return (
    <Card>
      <CardHeader
        title="Run history"
        description="Read / expected: rows a run accounted for against the total the provider stated for its windows."
        actions={
          <>
            <ChoiceSelect
              aria-label="Run kind"
              value={kind}
              values={SYNC_RUN_KINDS}
              any="All kinds"
              option={(k) => KIND_OPTION[k]}
              onChange={(k) => {
                setKind(k);
                setPage(1);
              }}
            />
            <ChoiceSelect
              aria-label="Source"
              value={source}
              values={SOURCES}
              any="All sources"
              option={(s) => SOURCE_NAME[s]}
              onChange={(s) => {
                setSource(s);
                setPage(1);
              }}
            />
          </>
        }
      />
      {/* Scrolls sideways on narrow windows: focusable so keyboard users can scroll it. */}
      <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Sync run history">
        <PagedView
          query={runs}
          loading={<TableSkeleton rows={6} cols={8} />}
          empty={{ title: source || kind ? 'No runs match these filters' : 'No sync runs yet' }}
          noun="runs"
          onPage={setPage}
        >
          {(items) => (
            <table className="w-full text-left text-body" data-testid="sync-runs">
              <RunsTableHead />
              <tbody>
                {items.map((r) => (
                  <RunRow key={r.id} r={r} tz={tz} />
                ))}
              </tbody>
            </table>
          )}
        </PagedView>
      </div>
    </Card>
  );
}

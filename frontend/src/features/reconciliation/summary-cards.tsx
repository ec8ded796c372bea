'use client';

import { useQuery } from '@tanstack/react-query';
import { AlertTriangle, CheckCircle2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Skeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { apiGet } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { formatDateTime, formatRelative, type TimeZone } from '@/lib/dates';
import { formatCount, formatPercent } from '@/lib/money';
import { TYPE_LABEL } from './labels';
import { MoneyAtRiskCard } from './money-at-risk';
import { NotReconciled } from './not-reconciled';
import { isReconciled, type SummaryFull } from './workbench-types';
import { formatInZone, zoneLabel } from './zone';

type ReconSummary = SummaryFull;

const GRID = 'mb-4 grid grid-cols-2 gap-4 lg:grid-cols-3 2xl:grid-cols-6';

/** The day's summary; one query (one cache entry) for every part of the page that reads it. */
export function useReconSummary(date: string) {
  return useQuery({
    queryKey: queryKeys.reconSummary(date),
    // The generated schema may not know the workbench's fields yet (workbench-types.ts).
    queryFn: async ({ signal }) =>
      (await apiGet('/reconciliation/summary', { query: { date }, signal })) as unknown as SummaryFull,
  });
}

/**
 * The day's summary: its zone and next automatic run, then the coverage banner over six
 * figures, or, for a day never reconciled, the prompt to run it.
 */
export function SummarySection({
  date,
  tz,
  onRun,
  running,
}: {
  date: string;
  tz: TimeZone;
  /** null: the user may not run reconciliation. */
  onRun: (() => void) | null;
  running: boolean;
}) {
  const summary = useReconSummary(date);
  return (
    <QueryView
      query={summary}
      loading={
        <div className={GRID}>
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-28" />
          ))}
        </div>
      }
      errorTitle="Could not load the summary"
      errorCard="mb-4"
    >
      {(s) => (
        <>
          <DayZone s={s} />
          {isReconciled(s) ? (
            <>
              <CoverageBanner s={s} tz={tz} />
              <SummaryCards s={s} tz={tz} />
            </>
          ) : (
            <NotReconciled
              date={date}
              zone={s.timezone}
              nextRunAt={s.next_run_at}
              dayAutoRunAt={s.day_auto_run_at}
              onRun={onRun}
              running={running}
            />
          )}
        </>
      )}
    </QueryView>
  );
}

function Stat({
  label,
  value,
  testId,
  tone,
  children,
}: {
  label: string;
  value: ReactNode;
  testId: string;
  tone?: 'success' | 'pending' | 'failed';
  children?: ReactNode;
}) {
  return (
    <Card
      hover
      className={cn(
        'border-t-2 p-4',
        tone === 'success'
          ? 'border-t-success'
          : tone === 'pending'
            ? 'border-t-pending'
            : tone === 'failed'
              ? 'border-t-failed'
              : 'border-t-border',
      )}
    >
      <p className="text-caption font-medium uppercase tracking-wide text-muted">{label}</p>
      <p className="mt-2 font-mono text-h2 tabular text-fg" data-testid={testId}>
        {value}
      </p>
      <div className="mt-1 text-caption text-fg-2">{children}</div>
    </Card>
  );
}

/** The zone the day is cut in (RECON_TIMEZONE) and the scheduler's next run. */
function DayZone({ s }: { s: ReconSummary }) {
  if (!s.timezone) return null;
  return (
    <p className="mb-3 text-caption text-muted" data-testid="recon-zone">
      Day of 24 h in {zoneLabel(s.timezone)}
      {zoneLabel(s.timezone) !== s.timezone ? ` (${s.timezone})` : ''}
      {s.next_run_at ? ` · next automatic run ${formatInZone(s.next_run_at, s.timezone)}` : ''}
    </p>
  );
}

function CoverageBanner({ s, tz }: { s: ReconSummary; tz: TimeZone }) {
  if (!s.coverage) return null;
  const partial = s.coverage === 'partial';
  return (
    <div
      role="status"
      data-testid="coverage-banner"
      data-coverage={s.coverage}
      className={cn(
        'mb-4 flex items-start gap-3 rounded-md border px-4 py-3 text-body',
        partial ? 'border-pending/40 bg-pending/10' : 'border-success/30 bg-success/5',
      )}
    >
      {partial ? (
        <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0 text-pending" aria-hidden />
      ) : (
        <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0 text-success" aria-hidden />
      )}
      <div>
        <p className="font-medium text-fg">
          {partial ? 'Partial coverage — results are provisional' : 'Complete coverage — both sources are synced past this day'}
        </p>
        <p className="text-caption text-fg-2">
          Data synced up to: Vima {s.watermarks?.vima ? formatDateTime(s.watermarks.vima, tz) : 'never'} · PayShack{' '}
          {s.watermarks?.payshack ? formatDateTime(s.watermarks.payshack, tz) : 'never'}
          {partial ? '. Rows marked "provisional" may clear once the late source catches up.' : ''}
        </p>
      </div>
    </div>
  );
}

function SummaryCards({ s, tz }: { s: ReconSummary; tz: TimeZone }) {
  const byType = Object.entries(s.discrepancies.by_type).filter(([, n]) => n > 0);
  return (
    <div className={GRID}>
      <Stat label="Total" value={formatCount(s.total_transactions)} testId="recon-total">
        {s.run_at ? `Last run ${formatRelative(s.run_at)}` : 'Not run yet'}
      </Stat>
      <Stat label="Matched" value={formatPercent(s.matched.percentage)} testId="recon-matched" tone="success">
        {formatCount(s.matched.count)} matched
      </Stat>
      <Stat label="Discrepancies" value={formatCount(s.discrepancies.count)} testId="recon-discrepancies" tone="pending">
        {formatPercent(s.discrepancies.percentage)}
        {byType.length ? ' · ' + byType.map(([t, n]) => `${TYPE_LABEL[t] ?? t} ${formatCount(n)}`).join(', ') : ''}
      </Stat>
      <Stat label="Missing" value={formatCount(s.missing.count)} testId="recon-missing" tone="failed">
        {formatPercent(s.missing.percentage)} · in Vima {formatCount(s.missing.missing_vima)}, in PayShack{' '}
        {formatCount(s.missing.missing_payshack)}
      </Stat>
      <MoneyAtRiskCard risk={s.money_at_risk} tz={tz} />
      <Stat
        label="Since last run"
        testId="recon-changes"
        value={
          s.changes ? (
            <span className="flex items-baseline gap-3 text-h3">
              <span className="text-failed" title="New discrepancies">
                +{formatCount(s.changes.new)}
              </span>
              <span className="text-success" title="Cleared">
                −{formatCount(s.changes.cleared)}
              </span>
              <span className="text-pending" title="Changed type">
                ~{formatCount(s.changes.changed_type)}
              </span>
            </span>
          ) : (
            '—'
          )
        }
      >
        {s.changes ? 'new · cleared · changed type' : 'No earlier run to compare'}
      </Stat>
    </div>
  );
}

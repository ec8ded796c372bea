'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Play } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { ExportMenu } from '@/components/shared/export-menu';
import { Badge, StatusBadge, statusTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { Input, Select } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { Progress } from '@/components/ui/progress';
import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState, InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiGetPaged, apiSend } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import {
  DISCREPANCY_TYPES,
  RESOLUTIONS,
  type Discrepancy,
  type DiscrepancyType,
  type ReconRun,
  type ReconSummary,
  type Resolution,
  type RunResult,
} from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { can } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { addDays, formatDateTime, formatDuration, todayIn } from '@/lib/dates';
import { parseReconFilters, reconFiltersToSearch, type ReconFilters } from '@/lib/filters';
import { formatCount, formatMoney } from '@/lib/money';
import { discrepancyKind, TYPE_LABEL } from './labels';
import { ResolveDialog } from './resolve-dialog';
import { CoverageBanner, SummaryCards } from './summary-cards';

const PAGE_SIZE = 50;

export function ReconciliationPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  const { params, replace } = useUrlState();
  // Default: yesterday in the chosen zone (the last day that can be complete).
  const defaultDate = addDays(todayIn(tz), -1);
  const filters = useMemo(() => parseReconFilters(params, defaultDate), [params, defaultDate]);
  const setFilters = (f: ReconFilters) => replace(reconFiltersToSearch(f, defaultDate));
  const [resolving, setResolving] = useState<Discrepancy | null>(null);
  const [runningId, setRunningId] = useState<string | null>(null);

  const summary = useQuery({
    queryKey: queryKeys.reconSummary(filters.date),
    queryFn: ({ signal }) => apiGet<ReconSummary>('/reconciliation/summary', { date: filters.date }, signal),
  });
  const listQuery = {
    from_date: filters.date,
    to_date: filters.date,
    type: filters.type,
    resolution: filters.resolution,
    page: filters.page,
    limit: PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: queryKeys.discrepancies(listQuery),
    queryFn: ({ signal }) => apiGetPaged<Discrepancy>('/reconciliation/discrepancies', listQuery, signal),
    placeholderData: keepPreviousData,
  });
  const runs = useQuery({
    queryKey: queryKeys.reconRuns(filters.date),
    queryFn: ({ signal }) => apiGetPaged<ReconRun>('/reconciliation/runs', { date: filters.date, limit: 20 }, signal),
    // While our run is going, poll its status (the recon.finished event also refreshes this).
    refetchInterval: runningId ? 1500 : false,
  });

  const activeRun = runningId ? runs.data?.items.find((r) => r.run_id === runningId) : undefined;
  useEffect(() => {
    if (!runningId || !activeRun) return;
    if (activeRun.status === 'completed' || activeRun.status === 'failed') {
      setRunningId(null);
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(
        activeRun.status === 'completed'
          ? `Reconciliation for ${filters.date} finished`
          : `Reconciliation failed: ${activeRun.error ?? 'see run history'}`,
        activeRun.status === 'completed' ? 'success' : 'error',
      );
    }
  }, [runningId, activeRun, qc, toast, filters.date]);

  const run = useMutation({
    mutationFn: () => apiSend<RunResult>('POST', '/reconciliation/run', { date: filters.date }),
    onSuccess: (r) => {
      if (r.status === 'started') setRunningId(r.run_id);
      else {
        void qc.invalidateQueries({ queryKey: ['reconciliation'] });
        toast(r.message || `Reconciliation ${r.status}`, r.status === 'failed' ? 'error' : 'success');
      }
    },
  });
  const running = run.isPending || !!runningId;

  const mayResolve = can(me?.role, 'recon.resolve');
  const columns = useMemo<ColumnDef<Discrepancy, unknown>[]>(
    () => [
      {
        id: 'type',
        header: 'Type',
        cell: ({ row }) => {
          const kind = discrepancyKind(row.original);
          return (
            <span className="flex items-center gap-1">
              <Badge tone={kind.startsWith('missing') ? 'failed' : 'pending'}>{TYPE_LABEL[kind] ?? kind}</Badge>
              {row.original.provisional ? (
                <Badge tone="info" title="Coverage was partial when this was found; it may clear after the next sync">
                  provisional
                </Badge>
              ) : null}
            </span>
          );
        },
      },
      {
        id: 'cid',
        header: 'c_id',
        cell: ({ row }) => <span className="font-mono text-caption">{row.original.client_operation_id ?? '—'}</span>,
      },
      {
        id: 'vima',
        header: 'Vima',
        meta: { align: 'right' },
        cell: ({ row }) => <AmountStatus amount={row.original.vima_amount} status={row.original.vima_status} />,
      },
      {
        id: 'payshack',
        header: 'PayShack',
        meta: { align: 'right' },
        cell: ({ row }) => <AmountStatus amount={row.original.payshack_amount} status={row.original.payshack_status} />,
      },
      {
        id: 'diff',
        header: 'Difference',
        meta: { align: 'right' },
        cell: ({ row }) => (
          <span
            className={
              row.original.amount_diff && Number(row.original.amount_diff) !== 0
                ? 'font-mono text-caption text-pending'
                : 'font-mono text-caption text-muted'
            }
          >
            {row.original.amount_diff === null ? '—' : formatMoney(row.original.amount_diff, { signed: true })}
          </span>
        ),
      },
      {
        id: 'resolution',
        header: 'Resolution',
        cell: ({ row }) => (
          <div className="min-w-0">
            <span data-testid="discrepancy-resolution" data-value={row.original.resolution}>
              <StatusBadge status={row.original.resolution} />
            </span>
            {row.original.resolved_by ? (
              <p
                className="mt-0.5 max-w-36 truncate text-caption text-muted"
                title={`${row.original.resolved_by}${row.original.resolved_at ? ` · ${formatDateTime(row.original.resolved_at, tz)}` : ''}`}
              >
                {row.original.resolved_by}
              </p>
            ) : null}
          </div>
        ),
      },
      {
        id: 'note',
        header: 'Note',
        cell: ({ row }) => (
          <span className="block max-w-36 truncate text-caption text-fg-2 2xl:max-w-56" title={row.original.note ?? undefined}>
            {row.original.note || '—'}
          </span>
        ),
      },
      ...(mayResolve
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              cell: ({ row }) => (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setResolving(row.original)}
                  data-testid="discrepancy-resolve"
                  title={row.original.resolution === 'open' ? 'Acknowledge or resolve this row' : 'Change the resolution or note'}
                >
                  {row.original.resolution === 'open' ? 'Resolve…' : 'Update'}
                </Button>
              ),
            } satisfies ColumnDef<Discrepancy, unknown>,
          ]
        : []),
    ],
    [mayResolve, tz],
  );

  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Vima and PayShack matched by client operation id, one day at a time."
        actions={
          <>
            <Input
              type="date"
              aria-label="Reconciliation date"
              value={filters.date}
              max={todayIn(tz)}
              onChange={(e) => e.target.value && setFilters({ ...filters, date: e.target.value, page: 1 })}
              data-testid="recon-date"
            />
            {can(me?.role, 'recon.run') ? (
              <Button variant="primary" onClick={() => run.mutate()} loading={running} data-testid="recon-run">
                {running ? null : <Play className="h-4 w-4" aria-hidden />}
                {running ? 'Running…' : 'Run reconciliation'}
              </Button>
            ) : null}
            {can(me?.role, 'export') ? (
              <ExportMenu
                path="/export/reconciliation"
                query={{ date: filters.date, type: filters.type }}
                baseName={`reconciliation-${filters.date}`}
                testId="recon-export"
              />
            ) : null}
          </>
        }
      />
      {running ? (
        <Card className="mb-4 p-4" data-testid="recon-progress">
          <p className="mb-2 text-body text-fg">Reconciling {filters.date}…</p>
          <Progress value={null} label="Reconciliation progress" />
        </Card>
      ) : null}
      {run.isError ? (
        <div className="mb-4">
          <InlineError error={run.error} />
        </div>
      ) : null}

      {summary.isPending ? (
        <div className="mb-4 grid grid-cols-2 gap-4 lg:grid-cols-3 2xl:grid-cols-6">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-28" />
          ))}
        </div>
      ) : summary.isError ? (
        <Card className="mb-4">
          <ErrorState error={summary.error} onRetry={() => void summary.refetch()} title="Could not load the summary" />
        </Card>
      ) : (
        <>
          <CoverageBanner s={summary.data} tz={tz} />
          <SummaryCards s={summary.data} tz={tz} />
        </>
      )}

      <Card className="mb-4">
        <CardHeader
          title="Discrepancies and missing rows"
          actions={
            <>
              <Select
                aria-label="Type"
                value={filters.type ?? ''}
                onChange={(e) =>
                  setFilters({ ...filters, type: (e.target.value || undefined) as DiscrepancyType | undefined, page: 1 })
                }
                data-testid="recon-type"
              >
                <option value="">All types</option>
                {DISCREPANCY_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {TYPE_LABEL[t]}
                  </option>
                ))}
              </Select>
              <Select
                aria-label="Resolution"
                value={filters.resolution ?? ''}
                onChange={(e) =>
                  setFilters({ ...filters, resolution: (e.target.value || undefined) as Resolution | undefined, page: 1 })
                }
                data-testid="recon-resolution"
              >
                <option value="">Any resolution</option>
                {RESOLUTIONS.map((r) => (
                  <option key={r} value={r}>
                    {r[0]!.toUpperCase() + r.slice(1)}
                  </option>
                ))}
              </Select>
            </>
          }
        />
        <div className="mt-3">
          {list.isPending ? (
            <TableSkeleton rows={8} cols={7} />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <EmptyState title="Nothing to look at" hint="No discrepancies match these filters for this day." />
          ) : (
            <>
              <DataTable
                caption="Discrepancies"
                columns={columns}
                data={list.data.items}
                getRowId={(d) => d.id}
                rowTestId="discrepancy-row"
              />
              <Pager
                page={list.data.meta.page}
                limit={list.data.meta.limit}
                total={list.data.meta.total}
                totalPages={list.data.meta.total_pages}
                onPage={(page) => setFilters({ ...filters, page })}
                noun="discrepancies"
              />
            </>
          )}
        </div>
      </Card>

      <Card>
        <CardHeader title="Run history" description={`Runs for ${filters.date}`} />
        <div className="mt-3">
          {runs.isPending ? (
            <TableSkeleton rows={3} cols={6} />
          ) : runs.isError ? (
            <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
          ) : runs.data.items.length === 0 ? (
            <EmptyState title="No runs for this day yet" />
          ) : (
            <table className="w-full text-left text-body" data-testid="recon-runs">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="px-4 py-2 font-medium">Started</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                  <th className="px-4 py-2 font-medium">By</th>
                  <th className="px-4 py-2 text-right font-medium">Total</th>
                  <th className="px-4 py-2 text-right font-medium">Matched</th>
                  <th className="px-4 py-2 text-right font-medium">Discrepancies</th>
                  <th className="px-4 py-2 text-right font-medium">Missing</th>
                  <th className="px-4 py-2 text-right font-medium">Took</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((r) => (
                  <tr key={r.run_id} className="border-b border-border/60 last:border-0 hover:bg-input">
                    <td className="px-4 py-2 font-mono text-caption">{formatDateTime(r.started_at, tz)}</td>
                    <td className="px-4 py-2">
                      <Badge tone={statusTone(r.status)} title={r.error ?? undefined}>
                        {r.status}
                      </Badge>
                    </td>
                    <td className="px-4 py-2 text-caption text-fg-2">{r.triggered_by ?? 'scheduler'}</td>
                    <td className="px-4 py-2 text-right font-mono text-caption">{formatCount(r.total_transactions)}</td>
                    <td className="px-4 py-2 text-right font-mono text-caption">{formatCount(r.matched)}</td>
                    <td className="px-4 py-2 text-right font-mono text-caption">{formatCount(r.discrepancies)}</td>
                    <td className="px-4 py-2 text-right font-mono text-caption">{formatCount(r.missing)}</td>
                    <td className="px-4 py-2 text-right font-mono text-caption text-muted">
                      {r.started_at && r.completed_at
                        ? formatDuration(Date.parse(r.completed_at) - Date.parse(r.started_at))
                        : '…'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </Card>
      <ResolveDialog item={resolving} onClose={() => setResolving(null)} />
    </>
  );
}

function AmountStatus({ amount, status }: { amount: Discrepancy['vima_amount']; status: string | null }) {
  if (amount === null && !status) return <span className="text-caption text-failed">missing</span>;
  return (
    <span className="inline-flex flex-col items-end">
      <span className="font-mono text-caption text-fg">{formatMoney(amount)}</span>
      <span className="text-caption text-muted">{status ?? '—'}</span>
    </span>
  );
}

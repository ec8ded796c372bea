'use client';

import { useMemo } from 'react';
import { Badge, statusTone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TableSkeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import type { ReconRun } from '@/lib/api/types';
import { formatDate, formatDateTime, formatDuration, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { RunAmendments } from './refetch-suggestions';
import { useReconRuns } from './use-recon-run';

const count = (header: string, key: 'total_transactions' | 'matched' | 'discrepancies' | 'missing'): Column<ReconRun> => ({
  id: key,
  header,
  align: 'right',
  cellClassName: 'font-mono text-caption',
  cell: (r) => formatCount(r[key]),
});

/** The runs of the day: when, who, the counts and how long each took. */
export function RunHistoryCard({ date, tz }: { date: string; tz: TimeZone }) {
  const runs = useReconRuns(date);
  const columns = useMemo<Column<ReconRun>[]>(
    () => [
      {
        id: 'started',
        header: 'Started',
        cellClassName: 'font-mono text-caption',
        cell: (r) => formatDateTime(r.started_at, tz),
      },
      {
        id: 'status',
        header: 'Status',
        cell: (r) => (
          <Badge tone={statusTone(r.status)} title={r.error ?? undefined}>
            {r.status}
          </Badge>
        ),
      },
      { id: 'by', header: 'By', cellClassName: 'text-caption text-fg-2', cell: (r) => r.triggered_by ?? 'scheduler' },
      count('Total', 'total_transactions'),
      count('Matched', 'matched'),
      count('Discrepancies', 'discrepancies'),
      count('Missing', 'missing'),
      {
        id: 'amended',
        header: 'Amended',
        align: 'right',
        cellClassName: 'font-mono text-caption',
        cell: (r) => formatCount((r as { amendment_count?: number }).amendment_count ?? 0),
      },
      {
        id: 'took',
        header: 'Took',
        align: 'right',
        cellClassName: 'font-mono text-caption text-muted',
        cell: (r) =>
          r.started_at && r.completed_at ? formatDuration(Date.parse(r.completed_at) - Date.parse(r.started_at)) : '…',
      },
    ],
    [tz],
  );
  return (
    <Card>
      <CardHeader title="Run history" description={`Runs for ${formatDate(date)}`} />
      <div className="mt-3">
        <QueryView
          query={runs}
          loading={<TableSkeleton rows={3} cols={6} />}
          empty={{ when: (data) => data.items.length === 0, title: 'No runs for this day yet' }}
        >
          {(data) => (
            <>
              <DataTable variant="list" testId="recon-runs" columns={columns} data={data.items} getRowId={(r) => r.run_id} />
              {data.items
                .filter((r) => ((r as { amendment_count?: number }).amendment_count ?? 0) > 0)
                .map((r) => (
                  <RunAmendments key={r.run_id} runId={r.run_id} tz={tz} />
                ))}
            </>
          )}
        </QueryView>
      </div>
    </Card>
  );
}

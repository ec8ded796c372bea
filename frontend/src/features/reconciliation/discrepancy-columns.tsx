'use client';

import { useMemo } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import type { Column } from '@/components/ui/data-table';
import { Button } from '@/components/ui/button';
import type { Discrepancy } from '@/lib/api/types';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { discrepancyKind, TYPE_LABEL } from './labels';

/** The discrepancy table's columns; `onResolve` (null: the user may not resolve) adds the action column. */
export function useDiscrepancyColumns({
  tz,
  onResolve,
}: {
  tz: TimeZone;
  onResolve: ((d: Discrepancy) => void) | null;
}): Column<Discrepancy>[] {
  return useMemo<Column<Discrepancy>[]>(
    () => [
      {
        id: 'type',
        header: 'Type',
        cell: (d) => {
          const kind = discrepancyKind(d);
          return (
            <span className="flex items-center gap-1">
              <Badge tone={kind.startsWith('missing') ? 'failed' : 'pending'}>{TYPE_LABEL[kind] ?? kind}</Badge>
              {d.provisional ? (
                <Badge tone="info" title="Coverage was partial when this was found; it may clear after the next sync">
                  provisional
                </Badge>
              ) : null}
            </span>
          );
        },
      },
      { id: 'cid', header: 'c_id', cell: (d) => <span className="font-mono text-caption">{d.client_operation_id ?? '—'}</span> },
      { id: 'vima', header: 'Vima', align: 'right', cell: (d) => <AmountStatus amount={d.vima_amount} status={d.vima_status} /> },
      {
        id: 'payshack',
        header: 'PayShack',
        align: 'right',
        cell: (d) => <AmountStatus amount={d.payshack_amount} status={d.payshack_status} />,
      },
      {
        id: 'diff',
        header: 'Difference',
        align: 'right',
        cell: (d) => (
          <span
            className={
              d.amount_diff && Number(d.amount_diff) !== 0
                ? 'font-mono text-caption text-pending'
                : 'font-mono text-caption text-muted'
            }
          >
            {d.amount_diff === null ? '—' : formatMoney(d.amount_diff, { signed: true })}
          </span>
        ),
      },
      {
        id: 'resolution',
        header: 'Resolution',
        cell: (d) => (
          <div className="min-w-0">
            <span data-testid="discrepancy-resolution" data-value={d.resolution}>
              <StatusBadge status={d.resolution} />
            </span>
            {d.resolved_by ? (
              <p
                className="mt-0.5 max-w-36 truncate text-caption text-muted"
                title={`${d.resolved_by}${d.resolved_at ? ` · ${formatDateTime(d.resolved_at, tz)}` : ''}`}
              >
                {d.resolved_by}
              </p>
            ) : null}
          </div>
        ),
      },
      {
        id: 'note',
        header: 'Note',
        cell: (d) => (
          <span className="block max-w-36 truncate text-caption text-fg-2 2xl:max-w-56" title={d.note ?? undefined}>
            {d.note || '—'}
          </span>
        ),
      },
      ...(onResolve
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              cell: (d) => (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => onResolve(d)}
                  data-testid="discrepancy-resolve"
                  title={d.resolution === 'open' ? 'Acknowledge or resolve this row' : 'Change the resolution or note'}
                >
                  {d.resolution === 'open' ? 'Resolve…' : 'Update'}
                </Button>
              ),
            } satisfies Column<Discrepancy>,
          ]
        : []),
    ],
    [onResolve, tz],
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

'use client';

import { useMemo } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import type { Column } from '@/components/ui/data-table';
import { Button } from '@/components/ui/button';
import { formatDateTime, formatRelative, type TimeZone } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { discrepancyKind, TYPE_LABEL } from './labels';
import type { DiscrepancyRow } from './workbench-types';

type Discrepancy = DiscrepancyRow;

/** The rows ticked for "Resolve selected" (this page's rows only). */
export interface Selection {
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  /** Tick every row of the page, or clear them all when all are ticked. */
  toggleAll: () => void;
  all: boolean;
  some: boolean;
}

/**
 * The discrepancy table's columns; `selection` (null: the user may not resolve) adds the
 * tick boxes, `onResolve` the action column.
 */
export function useDiscrepancyColumns({
  tz,
  onResolve,
  selection,
}: {
  tz: TimeZone;
  onResolve: ((d: Discrepancy) => void) | null;
  selection: Selection | null;
}): Column<Discrepancy>[] {
  return useMemo<Column<Discrepancy>[]>(
    () => [
      ...(selection
        ? [
            {
              id: 'select',
              header: () => (
                <input
                  type="checkbox"
                  aria-label="Select every row of this page"
                  className="h-4 w-4 accent-accent"
                  checked={selection.all}
                  ref={(el) => {
                    if (el) el.indeterminate = selection.some && !selection.all;
                  }}
                  onChange={selection.toggleAll}
                  data-testid="select-all"
                />
              ),
              className: 'w-8',
              cell: (d) => (
                <input
                  type="checkbox"
                  aria-label={`Select ${d.client_operation_id ?? d.id}`}
                  className="h-4 w-4 accent-accent"
                  checked={selection.selected.has(d.id)}
                  onChange={() => selection.toggle(d.id)}
                  onClick={(e) => e.stopPropagation()}
                  onKeyDown={(e) => e.stopPropagation()}
                  data-testid="discrepancy-select"
                />
              ),
            } satisfies Column<Discrepancy>,
          ]
        : []),
      {
        id: 'type',
        header: 'Type',
        cell: (d) => {
          const kind = discrepancyKind(d);
          return (
            <span className="flex items-center gap-1" data-testid="discrepancy-type" data-value={d.type}>
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
      {
        id: 'cid',
        header: 'c_id',
        cell: (d) => (
          <span className="font-mono text-caption" data-testid="discrepancy-cid-cell">
            {d.client_operation_id ?? '—'}
          </span>
        ),
      },
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
        id: 'owner',
        header: 'Owner · age',
        cell: (d) => (
          <div className="min-w-0 text-caption">
            <span
              className="block max-w-28 truncate text-fg-2"
              title={d.owner?.email ?? 'Nobody'}
              data-testid="discrepancy-owner-cell"
              data-value={d.owner?.email ?? ''}
            >
              {d.owner ? d.owner.email.split('@')[0] : '—'}
            </span>
            <span
              className="whitespace-nowrap text-muted"
              title={`First seen ${formatDateTime(d.first_seen_at ?? d.created_at, tz)}`}
            >
              {formatRelative(d.first_seen_at ?? d.created_at)}
            </span>
          </div>
        ),
      },
      {
        id: 'note',
        header: 'Note',
        // Shown in the side panel's history too; the list keeps it for wide screens only.
        className: 'hidden 2xl:table-cell',
        cell: (d) => (
          <span className="block max-w-28 truncate text-caption text-fg-2 2xl:max-w-56" title={d.note ?? undefined}>
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
                  onClick={(e) => {
                    e.stopPropagation();
                    onResolve(d);
                  }}
                  onKeyDown={(e) => e.stopPropagation()}
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
    [onResolve, selection, tz],
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

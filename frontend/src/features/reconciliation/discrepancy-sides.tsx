'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { SourceBadge, StatusBadge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import type { DiscrepancyDetail, DuplicateRow, Side } from './workbench-types';

/** The two sides, from the detail's `vima`/`payshack` or, on an older backend, the row's own fields. */
export function sidesOf(d: DiscrepancyDetail): { vima: Side | null; payshack: Side | null } {
  const original = (k: string) => {
    const v = d.details?.[k];
    return typeof v === 'string' ? v : null;
  };
  const fallback = (id: string | null, amount: Side['amount'], status: string | null, raw: string | null): Side | null =>
    id || amount !== null || status ? { transaction_id: id, amount, status, original_status: raw } : null;
  return {
    vima: d.vima !== undefined ? d.vima : fallback(d.vima_txn_id, d.vima_amount, d.vima_status, original('vima_original_status')),
    payshack:
      d.payshack !== undefined
        ? d.payshack
        : fallback(d.payshack_txn_id, d.payshack_amount, d.payshack_status, original('payshack_original_status')),
  };
}

function TxLink({ id }: { id: string | null | undefined }) {
  if (!id) return <>—</>;
  return (
    <Link
      href={`/transactions/?id=${encodeURIComponent(id)}`}
      className="break-all text-accent-fg underline-offset-2 hover:underline"
      title="Open the transaction"
    >
      {id}
    </Link>
  );
}

interface FieldRow {
  label: string;
  key: keyof Side;
  render: (s: Side) => ReactNode;
  /** Compared across the sides: a difference is highlighted. */
  compare?: (s: Side) => string | null;
}

function rows(tz: TimeZone, timeCounts: boolean): FieldRow[] {
  // Times a minute apart are within the matching tolerance: marked only on a time discrepancy.
  const minute = (s: Side) => (timeCounts && s.created_at ? new Date(s.created_at).toISOString().slice(0, 16) : null);
  return [
    { label: 'Transaction', key: 'transaction_id', render: (s) => <TxLink id={s.transaction_id} /> },
    { label: 'External id', key: 'external_id', render: (s) => s.external_id ?? '—' },
    { label: 'Created', key: 'created_at', render: (s) => formatDateTime(s.created_at, tz), compare: minute },
    {
      label: 'Amount',
      key: 'amount',
      render: (s) => formatMoney(s.amount, { currency: s.currency }),
      // Exact: the decimal strings, never floats.
      compare: (s) =>
        s.amount === null || s.amount === undefined ? null : `${formatMoney(s.amount, { symbol: false })} ${s.currency ?? ''}`,
    },
    { label: 'Fee', key: 'fee', render: (s) => formatMoney(s.fee, { currency: s.currency }) },
    {
      label: 'Status',
      key: 'status',
      render: (s) => (s.status ? <StatusBadge status={s.status} /> : '—'),
      compare: (s) => s.status ?? null,
    },
    { label: 'Raw status', key: 'original_status', render: (s) => s.original_status ?? '—' },
    { label: 'UTR', key: 'utr', render: (s) => s.utr ?? '—' },
    { label: 'Payer VPA', key: 'payer_vpa', render: (s) => s.payer_vpa ?? '—' },
    { label: 'Payer name', key: 'payer_name', render: (s) => s.payer_name ?? '—' },
    { label: 'Payer phone', key: 'payer_phone', render: (s) => s.payer_phone ?? '—' },
  ];
}

/** Vima and PayShack in two columns; the fields that differ are marked (tint and "≠"). */
export function SidesTable({ d, tz }: { d: DiscrepancyDetail; tz: TimeZone }) {
  const { vima, payshack } = sidesOf(d);
  return (
    <table className="w-full table-fixed border-collapse text-caption" data-testid="discrepancy-sides">
      <caption className="sr-only">Vima and PayShack side by side</caption>
      <thead>
        <tr className="border-b border-border">
          <th scope="col" className="w-28 py-2 pr-2 text-left font-medium text-muted">
            Field
          </th>
          <th scope="col" className="py-2 pr-2 text-left" data-testid="side-vima">
            <SourceBadge source="vima" />
          </th>
          <th scope="col" className="py-2 text-left" data-testid="side-payshack">
            <SourceBadge source="payshack" />
          </th>
        </tr>
      </thead>
      <tbody>
        {rows(tz, d.type === 'time').map((r) => {
          const a = vima && r.compare ? r.compare(vima) : null;
          const b = payshack && r.compare ? r.compare(payshack) : null;
          const differs = a !== null && b !== null && a !== b;
          return (
            <tr
              key={r.key}
              className={cn('border-b border-border/60 last:border-0', differs && 'bg-pending/10')}
              data-testid={`side-row-${r.key}`}
              data-differs={differs ? 'true' : undefined}
            >
              {/* On the tinted row of a difference, muted text falls below AA contrast. */}
              <th scope="row" className={cn('py-1.5 pr-2 text-left font-normal', differs ? 'text-fg-2' : 'text-muted')}>
                {r.label}
                {differs ? (
                  <span className="ml-1 font-semibold text-fg" title="The sides differ">
                    ≠<span className="sr-only"> (differs)</span>
                  </span>
                ) : null}
              </th>
              <td className="break-words py-1.5 pr-2 font-mono text-fg">
                {vima ? r.render(vima) : r.key === 'transaction_id' ? <Missing /> : ''}
              </td>
              <td className="break-words py-1.5 font-mono text-fg">
                {payshack ? r.render(payshack) : r.key === 'transaction_id' ? <Missing /> : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Missing() {
  return <span className="font-sans font-medium text-failed">missing on this side</span>;
}

/** Every row of a duplicate c_id, with its side. */
export function DuplicatesTable({ rows: dups, tz }: { rows: DuplicateRow[]; tz: TimeZone }) {
  return (
    <table className="w-full border-collapse text-caption" data-testid="discrepancy-duplicates">
      <caption className="sr-only">Rows sharing this client operation id</caption>
      <thead>
        <tr className="border-b border-border text-left text-muted">
          <th scope="col" className="py-1.5 pr-2 font-medium">
            Side
          </th>
          <th scope="col" className="py-1.5 pr-2 font-medium">
            Transaction
          </th>
          <th scope="col" className="py-1.5 pr-2 font-medium">
            Created
          </th>
          <th scope="col" className="py-1.5 pr-2 text-right font-medium">
            Amount
          </th>
          <th scope="col" className="py-1.5 font-medium">
            Status
          </th>
        </tr>
      </thead>
      <tbody>
        {dups.map((r, i) => (
          <tr key={`${r.transaction_id ?? i}`} className="border-b border-border/60 last:border-0">
            <td className="py-1.5 pr-2">
              <SourceBadge source={r.side} />
            </td>
            <td className="max-w-32 truncate py-1.5 pr-2 font-mono">
              <TxLink id={r.transaction_id} />
            </td>
            <td className="whitespace-nowrap py-1.5 pr-2 font-mono">{formatDateTime(r.created_at, tz)}</td>
            <td className="whitespace-nowrap py-1.5 pr-2 text-right font-mono">
              {formatMoney(r.amount, { currency: r.currency })}
            </td>
            <td className="py-1.5">{r.status ? <StatusBadge status={r.status} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { apiGet } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { TxFilters } from '@/lib/filters';
import { formatCount, formatMoney, type MoneyInput } from '@/lib/money';
import type { TxListMeta } from './tx-types';

/** The amount the list itself reports for all matching rows (meta.total_amount / meta.totals). */
export function amountFromMeta(meta: TxListMeta): MoneyInput | undefined {
  const v = meta.totals?.amount ?? meta.total_amount;
  return v === null || v === undefined ? undefined : v;
}

/**
 * The /metrics/overview query with the list's filters, when it can answer for exactly the
 * same rows: it filters by source, project and days (status through by_status), not by
 * the search term, and it always has a period (today by default), so it needs from_date.
 */
export function overviewQueryFor(f: TxFilters): Record<string, string> | null {
  if (f.search || !f.from_date) return null;
  const q: Record<string, string> = { from_date: f.from_date };
  if (f.to_date) q.to_date = f.to_date;
  if (f.source) q.source = f.source;
  if (f.project) q.project = f.project;
  return q;
}

interface OverviewFigures {
  total: { count: number; amount: MoneyInput };
  by_status?: Record<string, { count: number; amount: MoneyInput } | undefined>;
}

/** The overview's figure for the filtered rows; null when it does not count the same rows
 * as the list did (so the amount shown never belongs to another set of rows). */
export function amountFromOverview(o: OverviewFigures, status: string | undefined, listTotal: number): MoneyInput | null {
  const fig = status ? o.by_status?.[status] : o.total;
  if (!fig || fig.count !== listTotal) return null;
  return fig.amount;
}

/** "1,234 rows · ₹12,34,567.89" above the table: every matching row, not just this page. */
export function TxTotals({ filters, meta }: { filters: TxFilters; meta: TxListMeta | undefined }) {
  const fromMeta = meta ? amountFromMeta(meta) : undefined;
  const oq = fromMeta === undefined && meta ? overviewQueryFor(filters) : null;
  const overview = useQuery({
    queryKey: queryKeys.overview(oq ?? {}),
    queryFn: ({ signal }) => apiGet('/metrics/overview', { query: oq ?? {}, signal }),
    enabled: oq !== null,
    staleTime: 30_000,
  });
  if (!meta) return <p className="h-5" aria-hidden />;

  let amount: string;
  let title: string | undefined;
  if (fromMeta !== undefined) amount = formatMoney(fromMeta);
  else if (!oq) {
    amount = '';
    title = filters.search
      ? 'The amount is summed for filters, not for a search'
      : 'Pick a From date to see the amount of the filtered rows';
  } else if (overview.isPending) amount = '…';
  else {
    const a = overview.data ? amountFromOverview(overview.data as OverviewFigures, filters.status, meta.total) : null;
    amount = a === null || a === undefined ? '' : formatMoney(a);
    if (!amount) title = 'The amount could not be summed for exactly these rows';
  }
  return (
    <p className="flex items-baseline gap-2 text-body text-fg-2" data-testid="tx-totals" aria-live="polite">
      <span>
        <span className="font-semibold tabular-nums text-fg" data-testid="tx-total-count">
          {formatCount(meta.total)}
        </span>{' '}
        {meta.total === 1 ? 'row' : 'rows'}
      </span>
      {amount ? (
        <>
          <span aria-hidden>·</span>
          <span className="font-mono font-semibold text-fg" data-testid="tx-total-amount">
            {amount}
          </span>
        </>
      ) : title ? (
        <span className="text-caption text-muted" data-testid="tx-total-hint">
          · {title}
        </span>
      ) : null}
    </p>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Download, Eye, Link2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { ExportMenu } from '@/components/shared/export-menu';
import { Badge, SourceBadge, StatusBadge } from '@/components/ui/badge';
import { UpiChip } from '@/features/upi/upi-chip';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Select } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { TableSkeleton } from '@/components/ui/skeleton';
import { ErrorState, QueryView } from '@/components/ui/states';
import { ApiError, apiGetPaged, apiGetUntyped } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { SortBy } from '@/lib/api/types';
import { can, whyNot } from '@/lib/app/permissions';
import { GuardedButton } from '@/components/ui/guarded';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { formatDateTime, tzLabel } from '@/lib/dates';
import {
  PAGE_SIZES,
  parseTxFilters,
  SORTABLE,
  txFiltersToQuery,
  txFiltersToSearch,
  txWalkKey,
  type TxFilters,
} from '@/lib/filters';
import { formatMoney } from '@/lib/money';
import { next as nextStep, previous as previousStep, trailFor, type Step, type Trail } from './cursor-trail';
import { groupPairs, partnersFrom, type PaymentLine } from './pairs';
import { TxTotals } from './totals';
import { TransactionDrawer } from './transaction-drawer';
import { TransactionFilterBar } from './transaction-filters';
import type { PaymentLink, TxListMeta, TxRow } from './tx-types';

/** A cursor the API refused (tampered, or made for another sort): Retry would fail again. */
function isStaleCursor(e: unknown): boolean {
  return e instanceof ApiError && e.status === 400 && e.details?.field === 'cursor';
}

const short = (s: string | null, n = 8) => (s && s.length > n + 1 ? `${s.slice(0, n)}…` : (s ?? '—'));

export function TransactionsPage() {
  const { params, replace } = useUrlState();
  const { me } = useAuth();
  const { tz } = usePreferences();
  const filters = useMemo(() => parseTxFilters(params), [params]);
  const openId = params.get('id');

  const go = (f: TxFilters, id?: string | null, mode: 'push' | 'replace' = 'replace') =>
    replace(txFiltersToSearch(f, id ? { id } : {}), mode);

  const query = txFiltersToQuery(filters);
  const list = useQuery({
    queryKey: queryKeys.transactions(query),
    queryFn: async ({ signal }) => {
      const page = await apiGetPaged('/transactions', { query, signal });
      return { items: page.items as TxRow[], meta: page.meta as TxListMeta };
    },
    placeholderData: keepPreviousData,
  });
  const meta = list.data?.meta;

  // Keyset paging: "Next" follows meta.next_cursor, "Previous" pops the steps taken.
  const walk = txWalkKey(filters);
  const [trailState, setTrail] = useState<Trail>({ walk, steps: [] });
  const trail = trailFor(trailState, walk, filters.page);
  if (trail !== trailState) setTrail(trail);
  const here: Step = { page: filters.page, cursor: filters.cursor };
  const goStep = (to: Step, t: Trail) => {
    setTrail(t);
    go({ ...filters, page: to.page, cursor: to.cursor }, null, 'push');
  };
  const nav = meta
    ? {
        page: filters.page,
        canPrev: filters.page > 1,
        canNext: !!meta.next_cursor,
        onNext: () => {
          if (!meta.next_cursor) return;
          const step = nextStep(trail, here, meta.next_cursor);
          goStep(step.to, step.trail);
        },
        onPrev: () => {
          const back = previousStep(trail, here, filters.limit);
          if (back) goStep(back.to, back.trail);
        },
        onFirst: () => goStep({ page: 1 }, { walk, steps: [] }),
      }
    : undefined;

  // Linked pairs of this page (docs/payments.md), asked only while grouping.
  const pageIds = useMemo(() => (list.data?.items ?? []).map((t) => t.id), [list.data]);
  const links = useQuery({
    queryKey: ['payments', 'links', pageIds] as const,
    queryFn: ({ signal }) => apiGetUntyped<PaymentLink[]>('/payments/links', { query: { id: pageIds }, signal }),
    enabled: !!filters.group && pageIds.length > 0,
    staleTime: 30_000,
  });
  const lines: PaymentLine[] = useMemo(() => {
    const rows = list.data?.items ?? [];
    return filters.group ? groupPairs(rows, partnersFrom(links.data)) : rows.map((row) => ({ row }));
  }, [list.data, filters.group, links.data]);

  const columns = useMemo<Column<PaymentLine>[]>(
    () => [
      {
        id: 'source',
        header: 'Source',
        enableSorting: false,
        cell: ({ row: t, other, otherElsewhere }) =>
          t.direction === 'payout' ? (
            // A chip under the source, not a column beside it: the table must fit 1280 px.
            <span className="flex flex-col items-start gap-0.5">
              <SourceBadge source={t.source} />
              <Badge tone="accent" title="A PayShack pay-out: money sent out" data-testid="payout-chip">
                Pay-out
              </Badge>
            </span>
          ) : (
            <span className="flex items-center gap-1">
              <SourceBadge source={t.source} />
              {other ? <SourceBadge source={other.source} /> : null}
              {!other && otherElsewhere !== undefined ? (
                <span title="Linked: the other side of this payment is on another page" className="text-muted">
                  <Link2 className="h-3.5 w-3.5" aria-label="Linked payment" />
                </span>
              ) : null}
            </span>
          ),
      },
      {
        id: 'id',
        header: 'ID',
        enableSorting: false,
        cell: ({ row: t }) => (
          <span className="flex items-center gap-0.5 font-mono text-caption text-fg-2" title={t.id}>
            {short(t.id)}
            <CopyButton value={t.id} label="Copy id" />
          </span>
        ),
      },
      {
        id: 'c_id',
        header: 'c_id',
        enableSorting: false,
        cell: ({ row: t }) => <span className="font-mono text-caption text-fg">{t.client_operation_id ?? '—'}</span>,
      },
      {
        id: 'project',
        header: 'Project',
        enableSorting: false,
        cell: ({ row: t }) => <span className="text-fg-2">{t.project ?? '—'}</span>,
      },
      {
        id: 'amount',
        header: 'Amount',
        align: 'right',
        cell: ({ row: t }) => (
          <span className="font-mono text-caption text-fg" data-testid="tx-amount" data-value={String(t.amount)}>
            {formatMoney(t.amount, { currency: t.currency })}
          </span>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        cell: ({ row: t, other }) =>
          other && other.status !== t.status ? (
            <span className="flex items-center gap-1" title="The two sides disagree">
              <StatusBadge status={t.status} />
              <StatusBadge status={other.status} />
              <UpiChip upi={t.upi} />
            </span>
          ) : (
            <span className="flex flex-col items-start gap-0.5">
              <StatusBadge status={t.status} />
              <UpiChip upi={t.upi} />
            </span>
          ),
      },
      {
        id: 'email',
        header: 'User email',
        enableSorting: false,
        cell: ({ row: t }) => (
          <span
            className="block max-w-40 truncate text-caption text-fg-2 2xl:max-w-56"
            title={t.user_email ?? undefined}
            data-testid="tx-email"
          >
            {t.user_email ?? '—'}
          </span>
        ),
      },
      {
        id: 'created_at',
        header: `Created (${tzLabel(tz)})`,
        cell: ({ row: t }) => (
          <span className="whitespace-nowrap font-mono text-caption text-fg-2">{formatDateTime(t.created_at, tz)}</span>
        ),
      },
      {
        id: 'updated_at',
        header: 'Updated',
        className: 'hidden 2xl:table-cell',
        cell: ({ row: t }) => (
          <span className="whitespace-nowrap font-mono text-caption text-muted">{formatDateTime(t.updated_at, tz)}</span>
        ),
      },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        enableSorting: false,
        cell: ({ row: t }) => (
          <span className="flex items-center gap-0.5">
            <button
              type="button"
              className="rounded-sm p-1 text-muted hover:bg-input hover:text-fg"
              aria-label={`View transaction ${t.client_operation_id ?? t.id}`}
              onClick={(e) => {
                e.stopPropagation();
                go(filters, t.id, 'push');
              }}
            >
              <Eye className="h-4 w-4" />
            </button>
            <CopyButton value={t.client_operation_id ?? t.id} label="Copy c_id" />
          </span>
        ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [tz, filters],
  );

  return (
    <>
      <PageHeader
        title="Transactions"
        description="Every payment from Vima and PayShack. Filters live in the URL — share the link."
        actions={
          can(me?.role, 'export') ? (
            <ExportMenu
              path="/export/transactions"
              query={txFiltersToQuery(filters, false)}
              baseName="transactions"
              testId="tx-export"
            />
          ) : (
            <GuardedButton reason={whyNot(me?.role, 'export')} data-testid="tx-export">
              <Download className="h-4 w-4" aria-hidden /> Export
            </GuardedButton>
          )
        }
      />
      <Card className="mb-4 p-4">
        <TransactionFilterBar filters={filters} role={me?.role} onChange={(f) => go(f)} />
      </Card>
      <div className="mb-2 flex min-h-8 flex-wrap items-center justify-between gap-3 px-1">
        <TxTotals filters={filters} meta={meta} />
        <label
          className="flex items-center gap-2 text-caption text-fg-2"
          title="One line per payment: a PayShack row that is the same payment as a Vima row on this page shows inside it"
        >
          <input
            type="checkbox"
            className="h-4 w-4 accent-[rgb(var(--accent))]"
            checked={!!filters.group}
            onChange={(e) => go({ ...filters, group: e.target.checked || undefined })}
            data-testid="tx-group"
          />
          Group linked pairs
          {filters.group && links.isError ? (
            <span className="text-failed" role="status">
              (links unavailable)
            </span>
          ) : null}
        </label>
      </div>
      <Card>
        {list.isError && isStaleCursor(list.error) ? (
          <ErrorState
            error={list.error}
            title="This page link has expired"
            retryLabel="Go to page 1"
            onRetry={() => go({ ...filters, page: 1, cursor: undefined })}
          />
        ) : (
          <QueryView
            query={list}
            loading={<TableSkeleton rows={10} cols={8} />}
            errorTitle="Could not load transactions"
            empty={{
              when: (data) => data.items.length === 0,
              title: 'No transactions match these filters',
              hint: 'Clear a filter or widen the date range.',
            }}
          >
            {() => (
              <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
                <DataTable
                  caption="Transactions"
                  columns={columns}
                  data={lines}
                  getRowId={(l) => l.row.id}
                  rowTestId="tx-row"
                  stickyHeader
                  sort={{ id: filters.sort_by, desc: filters.order === 'desc' }}
                  onSortChange={(s) =>
                    SORTABLE.includes(s.id as SortBy) &&
                    go({ ...filters, sort_by: s.id as SortBy, order: s.desc ? 'desc' : 'asc', page: 1, cursor: undefined })
                  }
                  onRowClick={(l) => go(filters, l.row.id, 'push')}
                  rowClassName={(l) => (l.other ? 'bg-accent/5' : undefined)}
                />
              </div>
            )}
          </QueryView>
        )}
        {list.data && !list.isError ? (
          <div className="flex items-center">
            <div className="flex-1">
              <Pager meta={list.data.meta} nav={nav} noun="transactions" />
            </div>
            <label className="flex items-center gap-2 border-t border-border px-4 py-[9px] text-caption text-muted">
              Rows
              <Select
                className="h-8"
                value={filters.limit}
                onChange={(e) => go({ ...filters, limit: Number(e.target.value), page: 1, cursor: undefined })}
              >
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </Select>
            </label>
          </div>
        ) : null}
      </Card>
      <TransactionDrawer id={openId} onClose={() => go(filters, null)} onOpen={(id) => go(filters, id)} />
    </>
  );
}

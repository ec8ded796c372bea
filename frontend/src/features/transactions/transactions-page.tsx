'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Eye } from 'lucide-react';
import { useMemo } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { ExportMenu } from '@/components/shared/export-menu';
import { SourceBadge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Select } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { TableSkeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { SortBy, Transaction } from '@/lib/api/types';
import { can } from '@/lib/app/permissions';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { formatDateTime, tzLabel } from '@/lib/dates';
import { PAGE_SIZES, parseTxFilters, SORTABLE, txFiltersToQuery, txFiltersToSearch, type TxFilters } from '@/lib/filters';
import { formatMoney } from '@/lib/money';
import { TransactionDrawer } from './transaction-drawer';
import { TransactionFilterBar } from './transaction-filters';

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
    queryFn: ({ signal }) => apiGetPaged('/transactions', { query, signal }),
    placeholderData: keepPreviousData,
  });

  const columns = useMemo<Column<Transaction>[]>(
    () => [
      { id: 'source', header: 'Source', cell: (t) => <SourceBadge source={t.source} />, enableSorting: false },
      {
        id: 'id',
        header: 'ID',
        enableSorting: false,
        cell: (t) => (
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
        cell: (t) => <span className="font-mono text-caption text-fg">{t.client_operation_id ?? '—'}</span>,
      },
      {
        id: 'project',
        header: 'Project',
        enableSorting: false,
        cell: (t) => <span className="text-fg-2">{t.project ?? '—'}</span>,
      },
      {
        id: 'amount',
        header: 'Amount',
        align: 'right',
        cell: (t) => (
          <span className="font-mono text-caption text-fg" data-testid="tx-amount" data-value={String(t.amount)}>
            {formatMoney(t.amount, { currency: t.currency })}
          </span>
        ),
      },
      { id: 'status', header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
      {
        id: 'email',
        header: 'User email',
        enableSorting: false,
        cell: (t) => (
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
        cell: (t) => (
          <span className="whitespace-nowrap font-mono text-caption text-fg-2">{formatDateTime(t.created_at, tz)}</span>
        ),
      },
      {
        id: 'updated_at',
        header: 'Updated',
        className: 'hidden 2xl:table-cell',
        cell: (t) => (
          <span className="whitespace-nowrap font-mono text-caption text-muted">{formatDateTime(t.updated_at, tz)}</span>
        ),
      },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        enableSorting: false,
        cell: (t) => (
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
          ) : null
        }
      />
      <Card className="mb-4 p-4">
        <TransactionFilterBar filters={filters} onApply={(f) => go(f)} />
      </Card>
      <Card>
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
          {(data) => (
            <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
              <DataTable
                caption="Transactions"
                columns={columns}
                data={data.items}
                getRowId={(t) => t.id}
                rowTestId="tx-row"
                sort={{ id: filters.sort_by, desc: filters.order === 'desc' }}
                onSortChange={(s) =>
                  SORTABLE.includes(s.id as SortBy) &&
                  go({ ...filters, sort_by: s.id as SortBy, order: s.desc ? 'desc' : 'asc', page: 1 })
                }
                onRowClick={(t) => go(filters, t.id, 'push')}
              />
            </div>
          )}
        </QueryView>
        {list.data ? (
          <div className="flex items-center">
            <div className="flex-1">
              <Pager meta={list.data.meta} onPage={(page) => go({ ...filters, page })} noun="transactions" />
            </div>
            <label className="flex items-center gap-2 border-t border-border px-4 py-[9px] text-caption text-muted">
              Rows
              <Select
                className="h-8"
                value={filters.limit}
                onChange={(e) => go({ ...filters, limit: Number(e.target.value), page: 1 })}
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
      <TransactionDrawer id={openId} onClose={() => go(filters, null)} />
    </>
  );
}

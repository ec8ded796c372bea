'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CheckCheck } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { GuardedButton } from '@/components/ui/guarded';
import { DataTable } from '@/components/ui/data-table';
import { ChoiceSelect, Select } from '@/components/ui/input';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { DISCREPANCY_TYPES, RESOLUTIONS } from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { whyNot } from '@/lib/app/permissions';
import type { TimeZone } from '@/lib/dates';
import type { ReconFilters } from '@/lib/filters';
import { formatCount } from '@/lib/money';
import { BulkResolveDialog } from './bulk-resolve';
import { useDiscrepancyColumns, type Selection } from './discrepancy-columns';
import { TYPE_LABEL } from './labels';
import { useAssignableUsers } from './owner-control';
import { ResolveDialog } from './resolve-dialog';
import type { WorkbenchState } from './workbench-filters';
import { useReconSummary } from './summary-cards';
import { AGE_BUCKETS, AGE_LABEL, isReconciled, type DiscrepancyRow } from './workbench-types';

const PAGE_SIZE = 50;

/**
 * The day's discrepancies and missing rows: filter by type, resolution, owner and age;
 * page; a row opens the side panel (click or Enter); tick rows to resolve them together.
 */
export function DiscrepanciesCard({
  filters,
  workbench,
  onWorkbench,
  mayResolve,
  tz,
}: {
  filters: ReconFilters;
  workbench: WorkbenchState;
  /** New URL state: the workbench's keys and, when given, the page's filters. */
  onWorkbench: (w: WorkbenchState, f?: ReconFilters) => void;
  mayResolve: boolean;
  tz: TimeZone;
}) {
  const { me } = useAuth();
  const [resolving, setResolving] = useState<DiscrepancyRow | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkOpen, setBulkOpen] = useState(false);
  const users = useAssignableUsers(me?.role === 'admin');
  const query = {
    from_date: filters.date,
    to_date: filters.date,
    type: filters.type,
    resolution: filters.resolution,
    owner: workbench.owner,
    age: workbench.age,
    page: filters.page,
    limit: PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: queryKeys.discrepancies(query),
    queryFn: async ({ signal }) => {
      const r = await apiGetPaged('/reconciliation/discrepancies', { query, signal });
      return { ...r, items: r.items as DiscrepancyRow[] };
    },
    placeholderData: keepPreviousData,
  });
  const pageIds = useMemo(() => (list.data?.items ?? []).map((d) => d.id), [list.data]);
  // Only this page's rows count: a tick on a row that left the page (filter, page) is dropped.
  const ticked = pageIds.filter((id) => selected.has(id));
  const selection = useMemo<Selection | null>(() => {
    if (!mayResolve) return null;
    const all = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
    return {
      selected,
      all,
      some: pageIds.some((id) => selected.has(id)),
      toggle: (id) =>
        setSelected((prev) => {
          const next = new Set(prev);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      toggleAll: () => setSelected(all ? new Set() : new Set(pageIds)),
    };
  }, [mayResolve, pageIds, selected]);
  const columns = useDiscrepancyColumns({ tz, onResolve: mayResolve ? setResolving : null, selection });
  const ownerValue = workbench.owner ?? '';
  const setFilter = (f: ReconFilters, w: WorkbenchState = workbench) => {
    setSelected(new Set());
    onWorkbench(w, f);
  };

  // The summary section's query (same cache entry, no second request): a day never run
  // must not read as a clean day.
  const summary = useReconSummary(filters.date);
  const neverRun = summary.data !== undefined && !isReconciled(summary.data);
  return (
    <Card className="mb-4">
      <CardHeader
        title="Discrepancies and missing rows"
        description="Click a row (or press Enter on it) for both sides, comments and history"
      />
      <div className="flex flex-wrap items-center gap-2 px-4 pt-3" data-testid="recon-filters">
        <ChoiceSelect
          aria-label="Type"
          value={filters.type}
          values={DISCREPANCY_TYPES}
          any="All types"
          option={(t) => TYPE_LABEL[t] ?? t}
          onChange={(type) => setFilter({ ...filters, type, page: 1 })}
          data-testid="recon-type"
        />
        <ChoiceSelect
          aria-label="Resolution"
          value={filters.resolution}
          values={RESOLUTIONS}
          any="Any resolution"
          onChange={(resolution) => setFilter({ ...filters, resolution, page: 1 })}
          data-testid="recon-resolution"
        />
        <Select
          aria-label="Owner"
          value={ownerValue}
          onChange={(e) => setFilter({ ...filters, page: 1 }, { ...workbench, owner: e.target.value || undefined })}
          data-testid="recon-owner"
        >
          <option value="">Any owner</option>
          <option value="me">Mine</option>
          <option value="none">Unassigned</option>
          {(users.data ?? [])
            .filter((u) => u.id !== me?.id && u.role !== 'viewer')
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          {ownerValue && !['me', 'none'].includes(ownerValue) && !users.data?.some((u) => u.id === ownerValue) ? (
            <option value={ownerValue}>Another user</option>
          ) : null}
        </Select>
        <ChoiceSelect
          aria-label="Age"
          value={workbench.age}
          values={AGE_BUCKETS}
          any="Any age"
          option={(a) => AGE_LABEL[a]}
          onChange={(age) => setFilter({ ...filters, page: 1 }, { ...workbench, age })}
          data-testid="recon-age"
        />
        {/* Shown to every role; a viewer sees it disabled with the reason. */}
        <span className="ml-auto">
          <GuardedButton
            reason={whyNot(me?.role, 'recon.resolve')}
            variant="primary"
            size="sm"
            disabled={ticked.length === 0}
            onClick={() => setBulkOpen(true)}
            data-testid="bulk-resolve"
          >
            <CheckCheck className="h-4 w-4" aria-hidden />
            Resolve selected ({formatCount(ticked.length)})
          </GuardedButton>
        </span>
      </div>
      <div className="mt-3">
        <PagedView
          query={list}
          loading={<TableSkeleton rows={8} cols={8} />}
          empty={
            neverRun
              ? { title: 'Not reconciled yet', hint: 'Run the day (above) to list its discrepancies.' }
              : { title: 'Nothing to look at', hint: 'No discrepancies match these filters for this day.' }
          }
          noun="discrepancies"
          onPage={(page) => setFilter({ ...filters, page })}
        >
          {(items) => (
            <DataTable
              caption="Discrepancies"
              columns={columns}
              data={items}
              getRowId={(d) => d.id}
              rowTestId="discrepancy-row"
              onRowClick={(d) => onWorkbench({ ...workbench, open: d.id })}
              rowClassName={(d) => (workbench.open === d.id ? 'bg-input' : undefined)}
            />
          )}
        </PagedView>
      </div>
      <ResolveDialog item={resolving} onClose={() => setResolving(null)} />
      <BulkResolveDialog
        ids={ticked}
        open={bulkOpen}
        onClose={() => setBulkOpen(false)}
        onDone={() => {
          setBulkOpen(false);
          setSelected(new Set());
        }}
      />
    </Card>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { ChoiceSelect } from '@/components/ui/input';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { DISCREPANCY_TYPES, RESOLUTIONS, type Discrepancy } from '@/lib/api/types';
import type { TimeZone } from '@/lib/dates';
import type { ReconFilters } from '@/lib/filters';
import { useDiscrepancyColumns } from './discrepancy-columns';
import { TYPE_LABEL } from './labels';
import { ResolveDialog } from './resolve-dialog';

const PAGE_SIZE = 50;

/** The day's discrepancies and missing rows: filter by type and resolution, page, resolve. */
export function DiscrepanciesCard({
  filters,
  onFilters,
  mayResolve,
  tz,
}: {
  filters: ReconFilters;
  onFilters: (f: ReconFilters) => void;
  mayResolve: boolean;
  tz: TimeZone;
}) {
  const [resolving, setResolving] = useState<Discrepancy | null>(null);
  const query = {
    from_date: filters.date,
    to_date: filters.date,
    type: filters.type,
    resolution: filters.resolution,
    page: filters.page,
    limit: PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: queryKeys.discrepancies(query),
    queryFn: ({ signal }) => apiGetPaged('/reconciliation/discrepancies', { query, signal }),
    placeholderData: keepPreviousData,
  });
  const columns = useDiscrepancyColumns({ tz, onResolve: mayResolve ? setResolving : null });

  return (
    <Card className="mb-4">
      <CardHeader
        title="Discrepancies and missing rows"
        actions={
          <>
            <ChoiceSelect
              aria-label="Type"
              value={filters.type}
              values={DISCREPANCY_TYPES}
              any="All types"
              option={(t) => TYPE_LABEL[t] ?? t}
              onChange={(type) => onFilters({ ...filters, type, page: 1 })}
              data-testid="recon-type"
            />
            <ChoiceSelect
              aria-label="Resolution"
              value={filters.resolution}
              values={RESOLUTIONS}
              any="Any resolution"
              onChange={(resolution) => onFilters({ ...filters, resolution, page: 1 })}
              data-testid="recon-resolution"
            />
          </>
        }
      />
      <div className="mt-3">
        <PagedView
          query={list}
          loading={<TableSkeleton rows={8} cols={7} />}
          empty={{ title: 'Nothing to look at', hint: 'No discrepancies match these filters for this day.' }}
          noun="discrepancies"
          onPage={(page) => onFilters({ ...filters, page })}
        >
          {(items) => (
            <DataTable
              caption="Discrepancies"
              columns={columns}
              data={items}
              getRowId={(d) => d.id}
              rowTestId="discrepancy-row"
            />
          )}
        </PagedView>
      </div>
      <ResolveDialog item={resolving} onClose={() => setResolving(null)} />
    </Card>
  );
}

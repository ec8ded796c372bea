'use client';

import { RotateCcw, Search } from 'lucide-react';
import { useState } from 'react';
import { ProjectSelect } from '@/components/shared/project-select';
import { SOURCE_NAME } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ChoiceSelect, Input } from '@/components/ui/input';
import { SOURCES, TX_STATUSES } from '@/lib/api/types';
import { TX_DEFAULTS, type TxFilters } from '@/lib/filters';

type Draft = Pick<TxFilters, 'source' | 'project' | 'status' | 'from_date' | 'to_date' | 'search'>;

/** Filter bar: edits a draft; Apply (or Enter) writes it to the URL, Reset clears it. */
export function TransactionFilterBar({ filters, onApply }: { filters: TxFilters; onApply: (f: TxFilters) => void }) {
  const [draft, setDraft] = useState<Draft>(filters);
  const [synced, setSynced] = useState(filters);
  // Re-seed the draft when the URL changes from elsewhere (global search, back button).
  if (synced !== filters) {
    setSynced(filters);
    setDraft(filters);
  }
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const apply = () => onApply({ ...filters, ...draft, search: draft.search?.trim() || undefined, page: 1 });
  const reset = () => onApply({ ...TX_DEFAULTS, sort_by: filters.sort_by, order: filters.order, limit: filters.limit });

  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      data-testid="tx-filters"
    >
      <div className="relative min-w-64 flex-1">
        <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-muted" aria-hidden />
        <Input
          className="w-full pl-9"
          type="search"
          aria-label="Search transactions"
          placeholder="id, order id, c_id, UTR, email, phone"
          value={draft.search ?? ''}
          onChange={(e) => set({ search: e.target.value })}
          data-testid="tx-search"
        />
      </div>
      <ChoiceSelect
        aria-label="Source"
        value={draft.source}
        values={SOURCES}
        any="All sources"
        option={(s) => SOURCE_NAME[s]}
        onChange={(source) => set({ source })}
        data-testid="tx-source"
      />
      <ProjectSelect value={draft.project} onChange={(project) => set({ project })} data-testid="tx-project" />
      <ChoiceSelect
        aria-label="Status"
        value={draft.status}
        values={TX_STATUSES}
        any="All statuses"
        onChange={(status) => set({ status })}
        data-testid="tx-status"
      />
      <Input
        type="date"
        aria-label="From date"
        value={draft.from_date ?? ''}
        max={draft.to_date}
        onChange={(e) => set({ from_date: e.target.value || undefined })}
        data-testid="tx-from"
      />
      <Input
        type="date"
        aria-label="To date"
        value={draft.to_date ?? ''}
        min={draft.from_date}
        onChange={(e) => set({ to_date: e.target.value || undefined })}
        data-testid="tx-to"
      />
      <Button type="submit" variant="primary" data-testid="tx-apply">
        Apply
      </Button>
      <Button type="button" variant="ghost" onClick={reset} data-testid="tx-reset">
        <RotateCcw className="h-4 w-4" aria-hidden /> Reset
      </Button>
    </form>
  );
}

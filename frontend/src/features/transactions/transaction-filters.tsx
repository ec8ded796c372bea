'use client';

import { RotateCcw, Search } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { ProjectSelect } from '@/components/shared/project-select';
import { SOURCE_NAME } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateField } from '@/components/ui/date-field';
import { ChoiceSelect, Input } from '@/components/ui/input';
import { DIRECTIONS, SOURCES, TX_STATUSES, type Role } from '@/lib/api/types';
import { searchHint, TX_DEFAULTS, UPI_FLAGS, type TxFilters } from '@/lib/filters';

/** How long typing may pause before the search runs (a search is one indexed query). */
export const SEARCH_DEBOUNCE_MS = 350;

/** Run the search for `raw` unless it is what the URL already says (the latest props, not a render's). */
function commitTo({ filters, onChange }: { filters: TxFilters; onChange: (f: TxFilters) => void }, raw: string) {
  const search = raw.trim() || undefined;
  if (search !== filters.search) onChange({ ...filters, search, page: 1, cursor: undefined });
}

/**
 * Filter bar: every change applies at once (selects and dates immediately, the search after
 * a short pause or on Enter) and lands in the URL; a change of filters starts at page 1.
 */
export function TransactionFilterBar({
  filters,
  role,
  onChange,
}: {
  filters: TxFilters;
  role: Role | null | undefined;
  onChange: (f: TxFilters) => void;
}) {
  const [text, setText] = useState(filters.search ?? '');
  const [seen, setSeen] = useState(filters.search);
  // Follow the URL when it changes from elsewhere (global search, back button, reset).
  if (seen !== filters.search) {
    setSeen(filters.search);
    setText(filters.search ?? '');
  }
  const latest = useRef({ filters, onChange });
  useEffect(() => {
    latest.current = { filters, onChange };
  });

  const apply = (patch: Partial<TxFilters>) => onChange({ ...filters, ...patch, page: 1, cursor: undefined });
  const commitSearch = (raw: string) => commitTo(latest.current, raw);

  useEffect(() => {
    const t = setTimeout(() => commitTo(latest.current, text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);

  const reset = () => {
    setText('');
    onChange({ ...TX_DEFAULTS, sort_by: filters.sort_by, order: filters.order, limit: filters.limit, group: filters.group });
  };
  const hint = searchHint(role);

  return (
    <div className="flex flex-wrap items-center gap-3" role="search" aria-label="Filter transactions" data-testid="tx-filters">
      <div className="relative basis-full">
        <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-muted" aria-hidden />
        <Input
          className="w-full pl-9"
          type="search"
          aria-label={`Search transactions by ${hint}`}
          placeholder={hint}
          title={`Exact match on ${hint}`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitSearch(text);
          }}
          data-testid="tx-search"
        />
      </div>
      <ChoiceSelect
        aria-label="Source"
        value={filters.source}
        values={SOURCES}
        any="All sources"
        option={(s) => SOURCE_NAME[s]}
        onChange={(source) => apply({ source })}
        data-testid="tx-source"
      />
      <ProjectSelect value={filters.project} onChange={(project) => apply({ project })} data-testid="tx-project" />
      <ChoiceSelect
        aria-label="Status"
        value={filters.status}
        values={TX_STATUSES}
        any="All statuses"
        onChange={(status) => apply({ status })}
        data-testid="tx-status"
      />
      <ChoiceSelect
        aria-label="Direction"
        value={filters.direction}
        values={DIRECTIONS}
        any="Pay-ins and pay-outs"
        option={(d) => (d === 'payin' ? 'Pay-ins' : 'Pay-outs')}
        onChange={(direction) => apply({ direction })}
        data-testid="tx-direction"
      />
      <ChoiceSelect
        aria-label="UPI flag"
        value={filters.flag}
        values={UPI_FLAGS}
        any="Any UPI flag"
        option={(f) => (f === 'deemed' ? 'Deemed (stuck)' : 'Reversed')}
        onChange={(flag) => apply({ flag })}
        data-testid="tx-flag"
      />
      <div className="flex items-center gap-2">
        <DateField
          label="From date"
          value={filters.from_date}
          max={filters.to_date}
          onChange={(from_date) => apply({ from_date })}
          data-testid="tx-from"
        />
        <span className="text-muted" aria-hidden>
          –
        </span>
        <DateField
          label="To date"
          value={filters.to_date}
          min={filters.from_date}
          onChange={(to_date) => apply({ to_date })}
          data-testid="tx-to"
        />
      </div>
      <Button type="button" variant="ghost" onClick={reset} data-testid="tx-reset">
        <RotateCcw className="h-4 w-4" aria-hidden /> Reset
      </Button>
    </div>
  );
}

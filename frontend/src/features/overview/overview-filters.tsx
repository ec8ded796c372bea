'use client';

import { ProjectSelect } from '@/components/shared/project-select';
import { SOURCE_NAME } from '@/components/ui/badge';
import { DateField } from '@/components/ui/date-field';
import { ChoiceSelect } from '@/components/ui/input';
import { Tabs } from '@/components/ui/tabs';
import { SOURCES } from '@/lib/api/types';
import { PERIOD_LABELS, PERIODS, resolvePeriod, type OverviewFilters, type PeriodKey } from '@/lib/filters';

export function OverviewFilterBar({ filters, onChange }: { filters: OverviewFilters; onChange: (f: OverviewFilters) => void }) {
  const range = resolvePeriod(filters);
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="overview-filters">
      <Tabs<PeriodKey>
        label="Period"
        value={filters.period}
        onChange={(period) =>
          onChange(
            period === 'custom'
              ? { ...filters, period, from: filters.from ?? range.from_date, to: filters.to ?? range.to_date }
              : { ...filters, period, from: undefined, to: undefined },
          )
        }
        items={PERIODS.map((p) => ({ value: p, label: PERIOD_LABELS[p] }))}
      />
      {filters.period === 'custom' ? (
        <div className="flex items-center gap-2">
          <DateField
            label="From date"
            value={filters.from}
            max={filters.to}
            required
            onChange={(from) => from && onChange({ ...filters, from })}
            data-testid="overview-from"
          />
          <span className="text-muted">–</span>
          <DateField
            label="To date"
            value={filters.to}
            min={filters.from}
            required
            onChange={(to) => to && onChange({ ...filters, to })}
            data-testid="overview-to"
          />
        </div>
      ) : null}
      <ChoiceSelect
        aria-label="Source"
        value={filters.source}
        values={SOURCES}
        any="All sources"
        option={(s) => SOURCE_NAME[s]}
        onChange={(source) => onChange({ ...filters, source })}
      />
      <ProjectSelect value={filters.project} onChange={(project) => onChange({ ...filters, project })} />
    </div>
  );
}

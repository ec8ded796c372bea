'use client';

import { Input, Select } from '@/components/ui/input';
import { Tabs } from '@/components/ui/tabs';
import { SOURCES, type Source } from '@/lib/api/types';
import { PERIOD_LABELS, PERIODS, resolvePeriod, type OverviewFilters, type PeriodKey } from '@/lib/filters';
import { useProjects } from '@/lib/app/use-projects';

export function OverviewFilterBar({ filters, onChange }: { filters: OverviewFilters; onChange: (f: OverviewFilters) => void }) {
  const projects = useProjects();
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
          <Input
            type="date"
            aria-label="From date"
            value={filters.from ?? ''}
            max={filters.to}
            onChange={(e) => e.target.value && onChange({ ...filters, from: e.target.value })}
          />
          <span className="text-muted">–</span>
          <Input
            type="date"
            aria-label="To date"
            value={filters.to ?? ''}
            min={filters.from}
            onChange={(e) => e.target.value && onChange({ ...filters, to: e.target.value })}
          />
        </div>
      ) : null}
      <Select
        aria-label="Source"
        value={filters.source ?? ''}
        onChange={(e) => onChange({ ...filters, source: (e.target.value || undefined) as Source | undefined })}
      >
        <option value="">All sources</option>
        {SOURCES.map((s) => (
          <option key={s} value={s}>
            {s === 'vima' ? 'Vima' : 'PayShack'}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Project"
        value={filters.project ?? ''}
        onChange={(e) => onChange({ ...filters, project: e.target.value || undefined })}
      >
        <option value="">All projects</option>
        {filters.project && !projects.includes(filters.project) ? (
          <option value={filters.project}>{filters.project}</option>
        ) : null}
        {projects.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </Select>
    </div>
  );
}

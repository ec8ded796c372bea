'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useState } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { DateField } from '@/components/ui/date-field';
import { ChoiceSelect, Input, Label } from '@/components/ui/input';
import { TableSkeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { addDays, formatDateTime, todayIn } from '@/lib/dates';
import { formatCount, formatMoney } from '@/lib/money';
import { breakdownCsv, keyText } from './csv';
import {
  type Breakdown,
  type Dimension,
  DIMENSION_LABEL,
  DIMENSIONS,
  type Engine,
  type ExploreQuery,
  exploreKeys,
  getBreakdown,
  MAX_DIMENSIONS,
} from './explore-api';

const SOURCES = ['vima', 'payshack'] as const;
const STATUSES = ['success', 'failed', 'pending', 'refunded'] as const;
const ENGINES = ['auto', 'clickhouse', 'postgresql'] as const;
const ENGINE_LABEL: Record<Engine, string> = { auto: 'Engine: auto', clickhouse: 'ClickHouse', postgresql: 'PostgreSQL' };

function saveCsv(b: Breakdown) {
  const blob = new Blob([breakdownCsv(b)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `breakdown_${b.dimensions.join('-') || 'total'}_${b.from_date}_${b.to_date}.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

export function ExplorePage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const today = todayIn(tz);
  const [query, setQuery] = useState<ExploreQuery>({
    from_date: addDays(today, -29),
    to_date: today,
    timezone: tz,
    dimensions: ['project', 'status'],
    engine: 'auto',
  });
  const q = { ...query, timezone: tz };
  const set = (patch: Partial<ExploreQuery>) => setQuery((prev) => ({ ...prev, ...patch }));
  const toggle = (d: Dimension) =>
    set({
      dimensions: query.dimensions.includes(d)
        ? query.dimensions.filter((x) => x !== d)
        : [...query.dimensions, d].slice(0, MAX_DIMENSIONS),
    });
  const result = useQuery({
    queryKey: exploreKeys.breakdown(q),
    queryFn: ({ signal }) => getBreakdown(q, signal),
    placeholderData: keepPreviousData,
  });
  const payerHidden = me?.role === 'viewer';

  return (
    <>
      <PageHeader
        title="Explore"
        description="Transactions grouped by any dimensions over any period. Counts are rows, one per source: a payment seen by Vima and PayShack counts twice (use the Source dimension)."
      />
      <Card className="mb-6">
        <div className="flex flex-wrap items-end gap-4 p-4">
          <DateField
            label="From"
            value={query.from_date}
            max={query.to_date}
            onChange={(v) => v && set({ from_date: v })}
            data-testid="explore-from"
          />
          <DateField
            label="To"
            value={query.to_date}
            min={query.from_date}
            onChange={(v) => v && set({ to_date: v })}
            data-testid="explore-to"
          />
          <Label>
            Project
            <Input
              value={query.project ?? ''}
              onChange={(e) => set({ project: e.target.value })}
              placeholder="any"
              className="w-36"
              data-testid="explore-project"
            />
          </Label>
          <Label>
            Source
            <ChoiceSelect
              value={query.source as (typeof SOURCES)[number] | undefined}
              values={SOURCES}
              any="Any source"
              onChange={(v) => set({ source: v })}
            />
          </Label>
          <Label>
            Status
            <ChoiceSelect
              value={query.status as (typeof STATUSES)[number] | undefined}
              values={STATUSES}
              any="Any status"
              onChange={(v) => set({ status: v })}
            />
          </Label>
          {payerHidden ? null : (
            <>
              <Label>
                Payer
                <Input
                  value={query.payer ?? ''}
                  onChange={(e) => set({ payer: e.target.value })}
                  placeholder="e-mail, phone or name"
                  className="w-44"
                />
              </Label>
              <Label>
                VPA
                <Input
                  value={query.vpa ?? ''}
                  onChange={(e) => set({ vpa: e.target.value })}
                  placeholder="name@bank"
                  className="w-36"
                />
              </Label>
            </>
          )}
          <Label>
            UTR
            <Input value={query.utr ?? ''} onChange={(e) => set({ utr: e.target.value })} placeholder="exact" className="w-36" />
          </Label>
          <Label>
            Engine
            <ChoiceSelect
              value={query.engine}
              values={ENGINES}
              any="Engine: auto"
              option={(v) => ENGINE_LABEL[v]}
              onChange={(v) => set({ engine: v ?? 'auto' })}
              data-testid="explore-engine"
            />
          </Label>
        </div>
        <fieldset className="border-t border-border px-4 py-3">
          <legend className="sr-only">Group by</legend>
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-caption font-medium text-fg-2">Group by (up to {MAX_DIMENSIONS}):</span>
            {DIMENSIONS.map((d) => {
              const on = query.dimensions.includes(d);
              return (
                <button
                  key={d}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggle(d)}
                  data-testid={`dim-${d}`}
                  className={cn(
                    'rounded-sm border px-2.5 py-1 text-caption font-medium transition-colors duration-200',
                    on ? 'border-accent/40 bg-accent/10 text-fg' : 'border-border text-fg-2 hover:bg-input hover:text-fg',
                  )}
                >
                  {DIMENSION_LABEL[d]}
                </button>
              );
            })}
          </div>
        </fieldset>
      </Card>
      <QueryView query={result} loading={<TableSkeleton rows={8} />} errorTitle="Could not load the breakdown" errorCard="">
        {(b) => <Results b={b} tz={tz} />}
      </QueryView>
    </>
  );
}

function Results({ b, tz }: { b: Breakdown; tz: Parameters<typeof formatDateTime>[1] }) {
  return (
    <Card>
      <CardHeader
        title={`${formatCount(b.totals.groups)} groups`}
        description={
          <>
            {b.truncated ? `The ${b.rows.length} biggest shown; totals cover every group. ` : null}
            {b.as_of ? `As of ${formatDateTime(b.as_of, tz, false)}.` : null}
          </>
        }
        actions={
          <>
            <Badge tone={b.engine === 'clickhouse' ? 'accent' : 'info'} data-testid="explore-engine-badge">
              {b.engine === 'clickhouse' ? 'ClickHouse' : 'PostgreSQL'}
            </Badge>
            <Button variant="secondary" onClick={() => saveCsv(b)} data-testid="explore-csv">
              <Download className="h-4 w-4" aria-hidden /> CSV
            </Button>
          </>
        }
      />
      <div className="overflow-x-auto p-4">
        <table className="w-full text-body" data-testid="explore-table">
          <thead className="border-b border-border text-caption uppercase tracking-wide text-muted">
            <tr>
              {b.dimensions.map((d) => (
                <th key={d} className="px-3 py-2 text-left font-medium">
                  {DIMENSION_LABEL[d]}
                </th>
              ))}
              <th className="px-3 py-2 text-right font-medium">Count</th>
              <th className="px-3 py-2 text-right font-medium">Amount</th>
              <th className="px-3 py-2 text-right font-medium">Success</th>
              <th className="px-3 py-2 text-right font-medium">Success amount</th>
            </tr>
          </thead>
          <tbody>
            {b.rows.map((r, i) => (
              <tr key={i} className="border-b border-border/60 hover:bg-input" data-testid="explore-row">
                {b.dimensions.map((d) => (
                  <td key={d} className={cn('px-3 py-2', r.keys[d] === null && 'text-muted')}>
                    {keyText(d, r.keys[d] ?? null)}
                  </td>
                ))}
                <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.count)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(r.amount)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.success_count)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(r.success_amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="font-medium text-fg" data-testid="explore-totals">
              <td className="px-3 py-2" colSpan={Math.max(b.dimensions.length, 1)}>
                Total
              </td>
              <td className="px-3 py-2 text-right tabular-nums" data-testid="explore-total-count">
                {formatCount(b.totals.count)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums" data-testid="explore-total-amount">
                {formatMoney(b.totals.amount)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(b.totals.success_count)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatMoney(b.totals.success_amount)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}

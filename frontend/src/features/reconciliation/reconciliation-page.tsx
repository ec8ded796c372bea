'use client';

import { Play } from 'lucide-react';
import { useMemo } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { ExportMenu } from '@/components/shared/export-menu';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Progress } from '@/components/ui/progress';
import { InlineError } from '@/components/ui/states';
import { useAuth } from '@/lib/app/auth';
import { can } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { addDays, todayIn } from '@/lib/dates';
import { parseReconFilters, reconFiltersToSearch, type ReconFilters } from '@/lib/filters';
import { DiscrepanciesCard } from './discrepancies-card';
import { RunHistoryCard } from './run-history';
import { SummarySection } from './summary-cards';
import { useReconRun } from './use-recon-run';

/**
 * One day's reconciliation: run it, its summary, the discrepancies (filter, resolve) and
 * the day's runs. The day, filters and page live in the URL.
 */
export function ReconciliationPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const { params, replace } = useUrlState();
  // Default: yesterday in the chosen zone (the last day that can be complete).
  const defaultDate = addDays(todayIn(tz), -1);
  const filters = useMemo(() => parseReconFilters(params, defaultDate), [params, defaultDate]);
  const setFilters = (f: ReconFilters) => replace(reconFiltersToSearch(f, defaultDate));
  const run = useReconRun(filters.date);

  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Vima and PayShack matched by client operation id, one day at a time."
        actions={
          <>
            <Input
              type="date"
              aria-label="Reconciliation date"
              value={filters.date}
              max={todayIn(tz)}
              onChange={(e) => e.target.value && setFilters({ ...filters, date: e.target.value, page: 1 })}
              data-testid="recon-date"
            />
            {can(me?.role, 'recon.run') ? (
              <Button variant="primary" onClick={run.start} loading={run.running} data-testid="recon-run">
                {run.running ? null : <Play className="h-4 w-4" aria-hidden />}
                {run.running ? 'Running…' : 'Run reconciliation'}
              </Button>
            ) : null}
            {can(me?.role, 'export') ? (
              <ExportMenu
                path="/export/reconciliation"
                query={{ date: filters.date, type: filters.type }}
                baseName={`reconciliation-${filters.date}`}
                testId="recon-export"
              />
            ) : null}
          </>
        }
      />
      {run.running ? (
        <Card className="mb-4 p-4" data-testid="recon-progress">
          <p className="mb-2 text-body text-fg">Reconciling {filters.date}…</p>
          <Progress value={null} label="Reconciliation progress" />
        </Card>
      ) : null}
      {run.error ? (
        <div className="mb-4">
          <InlineError error={run.error} />
        </div>
      ) : null}

      <SummarySection date={filters.date} tz={tz} />
      <DiscrepanciesCard filters={filters} onFilters={setFilters} mayResolve={can(me?.role, 'recon.resolve')} tz={tz} />
      <RunHistoryCard date={filters.date} tz={tz} />
    </>
  );
}

'use client';

import { Download, Play } from 'lucide-react';
import { useMemo } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { ExportMenu } from '@/components/shared/export-menu';
import { GuardedButton } from '@/components/ui/guarded';
import { Card } from '@/components/ui/card';
import { DateField } from '@/components/ui/date-field';
import { Progress } from '@/components/ui/progress';
import { InlineError } from '@/components/ui/states';
import { useAuth } from '@/lib/app/auth';
import { can, whyNot } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { addDays, todayIn } from '@/lib/dates';
import { parseReconFilters, reconFiltersToSearch, type ReconFilters } from '@/lib/filters';
import { CatchUpBanner } from './catch-up';
import { DiscrepanciesCard } from './discrepancies-card';
import { DiscrepancyDrawer } from './discrepancy-drawer';
import { RunHistoryCard } from './run-history';
import { SummarySection } from './summary-cards';
import { useReconRun } from './use-recon-run';
import { parseWorkbench, withWorkbench, type WorkbenchState } from './workbench-filters';

/**
 * One day's reconciliation: run it, its summary, the discrepancies (filter, open one in the
 * side panel, resolve, assign, comment) and the day's runs. The day, filters, page and the
 * open row live in the URL.
 */
export function ReconciliationPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const { params, replace } = useUrlState();
  // Default: yesterday in the chosen zone (the last day that can be complete).
  const defaultDate = addDays(todayIn(tz), -1);
  const filters = useMemo(() => parseReconFilters(params, defaultDate), [params, defaultDate]);
  const workbench = useMemo(() => parseWorkbench(params), [params]);
  const go = (f: ReconFilters, w: WorkbenchState) => replace(withWorkbench(reconFiltersToSearch(f, defaultDate), w));
  const setFilters = (f: ReconFilters) => go(f, { ...workbench, open: undefined });
  const run = useReconRun(filters.date);
  const mayRun = can(me?.role, 'recon.run');
  const mayResolve = can(me?.role, 'recon.resolve');

  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Vima and PayShack matched by client operation id, one day at a time."
        actions={
          <>
            <DateField
              label="Reconciliation date"
              value={filters.date}
              max={todayIn(tz)}
              required
              onChange={(date) => date && setFilters({ ...filters, date, page: 1 })}
              data-testid="recon-date"
            />
            <GuardedButton
              reason={whyNot(me?.role, 'recon.run')}
              variant="primary"
              onClick={run.start}
              loading={run.running}
              data-testid="recon-run"
            >
              {run.running ? null : <Play className="h-4 w-4" aria-hidden />}
              {run.running ? 'Running…' : 'Run reconciliation'}
            </GuardedButton>
            {can(me?.role, 'export') ? (
              <ExportMenu
                path="/export/reconciliation"
                query={{ date: filters.date, type: filters.type }}
                baseName={`reconciliation-${filters.date}`}
                testId="recon-export"
              />
            ) : (
              <GuardedButton reason={whyNot(me?.role, 'export')} data-testid="recon-export">
                <Download className="h-4 w-4" aria-hidden /> Export
              </GuardedButton>
            )}
          </>
        }
      />
      <CatchUpBanner />
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

      <SummarySection date={filters.date} tz={tz} onRun={mayRun ? run.start : null} running={run.running} />
      <DiscrepanciesCard
        filters={filters}
        workbench={workbench}
        onWorkbench={(w, f) => go(f ?? filters, w)}
        mayResolve={mayResolve}
        tz={tz}
      />
      <RunHistoryCard date={filters.date} tz={tz} />
      <DiscrepancyDrawer
        id={workbench.open ?? null}
        onClose={() => go(filters, { ...workbench, open: undefined })}
        mayEdit={mayResolve}
        tz={tz}
      />
    </>
  );
}

'use client';

import { CalendarClock, Play } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { formatDate } from '@/lib/dates';
import { formatInZone } from './zone';

/** A day without any run: say so, offer to run it, and when the scheduler will. */
export function NotReconciled({
  date,
  zone,
  nextRunAt,
  dayAutoRunAt,
  onRun,
  running,
}: {
  date: string;
  zone: string | null | undefined;
  nextRunAt: string | null | undefined;
  /** When the scheduler reconciles this day; null: that has passed (undefined: not reported). */
  dayAutoRunAt?: string | null;
  /** null: the user may not run reconciliation. */
  onRun: (() => void) | null;
  running: boolean;
}) {
  return (
    <Card className="mb-4 flex flex-wrap items-center gap-4 p-5" data-testid="recon-not-run" role="status">
      <CalendarClock className="h-6 w-6 shrink-0 text-muted" aria-hidden />
      <div className="min-w-0 flex-1">
        <p className="text-h3 text-fg">Not reconciled yet</p>
        <p className="text-body text-fg-2">
          {formatDate(date)} has no reconciliation run.{' '}
          {dayAutoRunAt ? (
            <span data-testid="recon-next-run">Next automatic run at {formatInZone(dayAutoRunAt, zone)}.</span>
          ) : nextRunAt ? (
            <span data-testid="recon-next-run">
              Next automatic run at {formatInZone(nextRunAt, zone)}
              {dayAutoRunAt === null ? ' (it reconciles the day before it; this day needs a run by hand)' : ''}.
            </span>
          ) : (
            'The scheduler reconciles each finished day overnight.'
          )}
        </p>
      </div>
      {onRun ? (
        <Button variant="primary" onClick={onRun} loading={running} data-testid="recon-run-now">
          {running ? null : <Play className="h-4 w-4" aria-hidden />}
          Run now
        </Button>
      ) : null}
    </Card>
  );
}

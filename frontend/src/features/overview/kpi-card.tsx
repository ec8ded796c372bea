'use client';

import { TrendingDown, TrendingUp } from 'lucide-react';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Skeleton } from '@/components/ui/skeleton';
import { formatChange } from '@/lib/money';

const TONE_DOT = { success: 'bg-success', failed: 'bg-failed', pending: 'bg-pending' } as const;

/**
 * One KPI. `display` is the exact formatted value, shown as soon as it is known (no
 * count-up: an animation would show numbers that are not the figure); `raw` (the API
 * value, as a string) goes into data-value so e2e can compare with the API without
 * parsing formatted text.
 */
export function KpiCard({
  testId,
  label,
  raw,
  display,
  sub,
  change,
  goodWhenUp = true,
  tone,
  compareNote,
}: {
  testId: string;
  label: string;
  raw: string | number | null | undefined;
  display: string;
  sub?: ReactNode;
  change?: number | null;
  goodWhenUp?: boolean;
  tone?: 'success' | 'failed' | 'pending';
  /** What the change compares with ("vs yesterday until 05:20"). */
  compareNote?: string;
}) {
  const hasChange = change !== undefined;
  const up = (change ?? 0) > 0;
  const good = change === null || change === undefined || change === 0 ? null : up === goodWhenUp;
  return (
    <Card hover className="p-4">
      <p className={cn('flex items-center gap-2 text-caption font-medium uppercase tracking-wide text-muted')}>
        {tone ? <span className={cn('h-2 w-2 rounded-full', TONE_DOT[tone])} aria-hidden /> : null}
        {label}
      </p>
      <p
        className="mt-2 truncate font-mono text-h2 tabular text-fg"
        data-testid={testId}
        data-value={raw === null || raw === undefined ? '' : String(raw)}
        title={display}
      >
        {display}
      </p>
      <div className="mt-1 flex items-center justify-between gap-2 text-caption">
        <span className="truncate text-fg-2">{sub}</span>
        {hasChange ? (
          <span
            data-testid={`${testId}-change`}
            className={cn(
              'inline-flex shrink-0 items-center gap-0.5 font-medium',
              good === null ? 'text-muted' : good ? 'text-success' : 'text-failed',
            )}
            title={compareNote ? `Change ${compareNote}` : 'Change vs the previous period of the same length'}
          >
            {change ? (
              up ? (
                <TrendingUp className="h-3.5 w-3.5" aria-hidden />
              ) : (
                <TrendingDown className="h-3.5 w-3.5" aria-hidden />
              )
            ) : null}
            {formatChange(change)}
          </span>
        ) : null}
      </div>
      {hasChange && compareNote ? (
        <p className="mt-0.5 truncate text-right text-caption text-muted" data-testid={`${testId}-compare`} title={compareNote}>
          {compareNote}
        </p>
      ) : null}
    </Card>
  );
}

export function KpiSkeleton() {
  return (
    <Card className="p-4">
      <Skeleton className="h-3 w-24" />
      <Skeleton className="mt-3 h-7 w-36" />
      <Skeleton className="mt-2 h-3 w-28" />
    </Card>
  );
}

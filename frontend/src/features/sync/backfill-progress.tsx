'use client';

import { Badge, statusTone, type Tone } from '@/components/ui/badge';
import { Progress } from '@/components/ui/progress';
import { formatDate, formatDateTime, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { isActive, type Backfill, type BackfillShard } from './backfill-types';
import { SOURCE_NAME } from './labels';

const SHARD_TONE: Record<string, Tone> = {
  done: 'success',
  running: 'info',
  pending: 'neutral',
  failed: 'failed',
  incomplete: 'pending',
};

/** Sum of a shard field; null when no shard reports it (older backend). */
function total(shards: BackfillShard[], key: 'fetched' | 'stored'): number | null {
  const known = shards.filter((s) => typeof s[key] === 'number');
  return known.length ? known.reduce((a, s) => a + (s[key] ?? 0), 0) : null;
}

/**
 * Where a backfill is: days done of days total, the running totals, and one line per day
 * (its state, fetched and stored) so a 30-day backfill never sits at "0 fetched" unexplained.
 */
export function BackfillProgress({ backfill: b, tz }: { backfill: Backfill; tz: TimeZone }) {
  const shards = b.shards ?? [];
  const fetched = b.fetched ?? total(shards, 'fetched');
  const stored = b.stored ?? total(shards, 'stored');
  const fraction = b.days_total > 0 ? b.days_done / b.days_total : null;
  const active = isActive(b);
  return (
    <section className="mt-4 rounded-md border border-border p-3" aria-label="Backfill progress" data-testid="backfill-progress">
      <div className="flex flex-wrap items-center gap-2 text-body">
        <span className="font-medium text-fg">
          {SOURCE_NAME[b.source]} · {formatDate(b.from_date)} – {formatDate(b.to_date)}
        </span>
        <Badge tone={statusTone(b.status)} data-testid="backfill-status">
          {b.status}
        </Badge>
        <span className="ml-auto text-caption text-fg-2" data-testid="backfill-days">
          {formatCount(b.days_done)} of {formatCount(b.days_total)} days
          {fetched !== null ? ` · ${formatCount(fetched)} fetched` : ''}
          {stored !== null ? ` · ${formatCount(stored)} stored` : ''}
        </span>
      </div>
      <Progress
        className="mt-2"
        value={active && b.days_done === 0 ? null : fraction}
        label={`Backfill: ${b.days_done} of ${b.days_total} days`}
      />
      <p className="mt-1 text-caption text-fg-2">
        Requested {b.requested_by ? `by ${b.requested_by} ` : ''}
        {formatDateTime(b.created_at, tz, false)}
        {b.error ? <span className="text-failed"> · {b.error}</span> : null}
      </p>
      {shards.length ? (
        <ol
          className="mt-3 grid max-h-64 grid-cols-1 gap-1 overflow-y-auto sm:grid-cols-2 xl:grid-cols-3"
          // Scrolls for long ranges: focusable so keyboard users can scroll it.
          tabIndex={0}
          aria-label="Days of the backfill"
          data-testid="backfill-shards"
        >
          {shards.map((s) => (
            <li
              key={s.date}
              className="flex items-center gap-2 rounded-sm bg-input px-2 py-1 text-caption"
              data-testid="backfill-shard"
              data-state={s.state}
              data-date={s.date}
            >
              <span className="font-mono text-fg">{formatDate(s.date)}</span>
              <Badge tone={SHARD_TONE[s.state] ?? 'neutral'}>{s.state}</Badge>
              <span className="ml-auto font-mono tabular text-fg-2">
                {typeof s.fetched === 'number' ? formatCount(s.fetched) : '—'} fetched
                {typeof s.stored === 'number' ? ` · ${formatCount(s.stored)} stored` : ''}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

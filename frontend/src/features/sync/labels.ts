/** Words and numbers of the sync page, kept apart from the components so they can be tested. */
import type { Tone } from '@/components/ui/badge';
import type { LastRun, SourceState, SyncRun, SyncStream, WindowCompleteness } from '@/lib/api/types';
import { formatDate, formatDuration, formatRelative, isIsoDate, secondsSince } from '@/lib/dates';
import type { RunRange } from './backfill-types';
import { formatCount } from '@/lib/money';

export { SOURCE_NAME } from '@/components/ui/badge';

/** What one synced record of a source is called in sentences. */
const RECORD_NOUN: Record<SyncStream, string> = { vima: 'transactions', payshack: 'pay-ins', payshack_payouts: 'pay-outs' };

export function lagText(seconds: number | null): string {
  if (seconds === null) return '—';
  return formatDuration(seconds * 1000).replace(/ \d+ s$/, '');
}

/** A next-sync time in the past means the scheduler is late: say so instead of "3 min ago". */
export function nextSyncText(ts: string | null, now: Date = new Date()): string {
  if (!ts) return '—';
  const late = secondsSince(ts, now);
  if (late !== null && late > 60) return `overdue by ${lagText(late)}`;
  if (late !== null && late > 0) return 'due now';
  return formatRelative(ts, now);
}

/** The health badge of a source card: an incomplete source is a warning, never "healthy". */
export function sourceHealth(status: SourceState): { tone: Tone; label: string } {
  switch (status) {
    case 'idle':
      return { tone: 'success', label: 'healthy' };
    case 'running':
      return { tone: 'pending', label: 'running' };
    case 'incomplete':
      return { tone: 'pending', label: 'incomplete' };
    case 'failed':
      return { tone: 'failed', label: 'failed' };
    default:
      return { tone: 'neutral', label: String(status) };
  }
}

/**
 * One sentence on whether the last incremental run read everything the provider reports,
 * for the card. `warn`: the sentence is a warning (the source is incomplete). null: nothing
 * worth saying (no run yet, or a run that stated nothing and was not incomplete).
 */
export function completenessSentence(
  source: SyncStream,
  status: SourceState,
  lastRun: LastRun | null | undefined,
): { text: string; warn: boolean } | null {
  const noun = RECORD_NOUN[source];
  const expected = lastRun?.rows_expected ?? null;
  const read = lastRun?.rows_read ?? null;
  if (status === 'incomplete') {
    if (read === null)
      return { text: 'The last run could not show it read everything the provider reports — data may be missing.', warn: true };
    if (expected === null)
      return {
        text: `Last run read ${formatCount(read)} ${noun}, but the provider stated no total, so completeness could not be shown — data may be missing.`,
        warn: true,
      };
    if (read < expected)
      return {
        text: `Last run read ${formatCount(read)} of ${formatCount(expected)} ${noun} the provider reports — data may be missing.`,
        warn: true,
      };
    // The row totals add up, but a window counted in pages came up short (see the error).
    return {
      text: `Last run read ${formatCount(read)} of ${formatCount(expected)} ${noun} the provider reports, but not every part of the listing could be shown complete — data may be missing.`,
      warn: true,
    };
  }
  if (lastRun?.status === 'success' && expected !== null && read !== null && read >= expected)
    return { text: `Last run read all ${formatCount(expected)} ${noun} the provider reports.`, warn: false };
  return null;
}

/** Run kinds as a person says them; the everyday incremental sync needs no label. */
export function kindLabel(kind: string | null | undefined): string | null {
  switch (kind) {
    case null:
    case undefined:
    case '':
    case 'incremental':
    case 'scheduled':
      return null;
    case 'reread':
      return 'daily re-read';
    case 'refetch':
      return 're-fetch';
    default:
      return kind;
  }
}

/** The "Read / expected" cell of a run row. `short`: fewer read than the provider stated, or incomplete. */
export function readExpected(run: Pick<SyncRun, 'status' | 'rows_read' | 'rows_expected'>): {
  text: string;
  short: boolean;
} {
  const read = run.rows_read ?? null;
  const expected = run.rows_expected ?? null;
  const short = run.status === 'incomplete' || (read !== null && expected !== null && read < expected);
  if (read === null && expected === null) return { text: '—', short: run.status === 'incomplete' };
  return { text: `${read === null ? '—' : formatCount(read)} / ${expected === null ? '—' : formatCount(expected)}`, short };
}

/** Hover text for the "Read / expected" cell: each window the run walked, in words. */
export function completenessTitle(windows: WindowCompleteness[] | undefined): string {
  return (windows ?? [])
    .map((w) => {
      const stated =
        w.expected === null ? 'the provider stated no total' : `the provider states ${formatCount(w.expected)} ${w.unit}`;
      const tries = `${w.attempts} attempt${w.attempts === 1 ? '' : 's'}`;
      return `${w.window}: ${stated}, accounted for ${formatCount(w.read)} (${formatCount(w.rows_read)} rows read, ended: ${w.ending}, ${tries}) — ${w.complete ? 'complete' : 'NOT complete'}`;
    })
    .join('\n');
}

/**
 * The date range a backfill run loads, "01 Dec 2026 – 04 Dec 2026" (one day: that day);
 * null for other runs or when the backend sends no range (`from`/`to`, or in `params`).
 */
export function runRange(run: { kind?: string | null; params?: unknown } & RunRange): string | null {
  if (run.kind !== 'backfill') return null;
  const params = (run.params && typeof run.params === 'object' ? run.params : {}) as RunRange;
  const pick = (...values: (string | null | undefined)[]) =>
    values.find((v) => typeof v === 'string' && isIsoDate(v.slice(0, 10)));
  const from = pick(run.from, run.from_date, params.from, params.from_date, (params as { day?: string }).day);
  const to = pick(run.to, run.to_date, params.to, params.to_date, (params as { day?: string }).day) ?? from;
  if (!from || !to) return null;
  const a = formatDate(from.slice(0, 10));
  const b = formatDate(to.slice(0, 10));
  return a === b ? a : `${a} – ${b}`;
}

/**
 * Dates and times. The API speaks ISO-8601 UTC (`...Z`) and `YYYY-MM-DD`; the UI shows
 * them in the zone the user picked (UTC or IST), using Intl so no zone data ships with us.
 */

export const TIMEZONES = ['UTC', 'Asia/Kolkata'] as const;
export type TimeZone = (typeof TIMEZONES)[number];

export function isTimeZone(v: unknown): v is TimeZone {
  return typeof v === 'string' && (TIMEZONES as readonly string[]).includes(v);
}

export function tzLabel(tz: TimeZone): string {
  return tz === 'Asia/Kolkata' ? 'IST' : 'UTC';
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !DATE_RE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const ymdCache = new Map<string, Intl.DateTimeFormat>();
function ymdFormatter(tz: string): Intl.DateTimeFormat {
  let f = ymdCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    ymdCache.set(tz, f);
  }
  return f;
}

/** Calendar date of `now` in `tz`, as YYYY-MM-DD. */
export function todayIn(tz: TimeZone, now: Date = new Date()): string {
  return ymdFormatter(tz).format(now);
}

/** Pure calendar arithmetic on YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Inclusive number of calendar days between two YYYY-MM-DD dates. */
export function daySpan(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000) + 1;
}

function parseTs(ts: string | Date | null | undefined): Date | null {
  if (!ts) return null;
  const d = ts instanceof Date ? ts : new Date(ts);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dtCache = new Map<string, Intl.DateTimeFormat>();
function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = dtCache.get(key);
  if (!f) {
    f = make();
    dtCache.set(key, f);
  }
  return f;
}

/** "15 Jan 2026, 19:35:09" in the zone; null → "—". */
export function formatDateTime(ts: string | Date | null | undefined, tz: TimeZone, withSeconds = true): string {
  const d = parseTs(ts);
  if (!d) return '—';
  const f = cached(
    `dt|${tz}|${withSeconds}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        day: '2-digit',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: withSeconds ? '2-digit' : undefined,
        hourCycle: 'h23',
      }),
  );
  return f.format(d);
}

/** "15 Jan 2026" for a YYYY-MM-DD (zone-free calendar date). */
export function formatDate(date: string | null | undefined): string {
  if (!date || !isIsoDate(date)) return date ?? '—';
  const f = cached(
    'd',
    () => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: '2-digit', month: 'short', year: 'numeric' }),
  );
  return f.format(new Date(`${date}T00:00:00Z`));
}

/** Chart bucket label: "14:00" for hours, "15 Jan" for days/weeks. */
export function formatBucket(ts: string, granularity: 'hour' | 'day' | 'week', tz: TimeZone): string {
  const d = parseTs(ts);
  if (!d) return ts;
  if (granularity === 'hour') {
    const f = cached(
      `h|${tz}`,
      () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    );
    return f.format(d);
  }
  const f = cached(`dm|${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: '2-digit', month: 'short' }));
  return f.format(d);
}

/** "just now", "2 min ago", "3 h ago", "in 5 min". */
export function formatRelative(ts: string | Date | null | undefined, now: Date = new Date()): string {
  const d = parseTs(ts);
  if (!d) return '—';
  const diff = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = diff < 0;
  const s = Math.abs(diff);
  let body: string;
  if (s < 45) return future ? 'in a few seconds' : 'just now';
  if (s < 3600) body = `${Math.max(1, Math.round(s / 60))} min`;
  else if (s < 86_400) body = `${Math.round(s / 3600)} h`;
  else body = `${Math.round(s / 86_400)} d`;
  return future ? `in ${body}` : `${body} ago`;
}

/** Human duration from milliseconds: "850 ms", "12.4 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Seconds since `ts` (for lag / freshness); null when unknown. */
export function secondsSince(ts: string | null | undefined, now: Date = new Date()): number | null {
  const d = parseTs(ts);
  return d ? Math.max(0, Math.round((now.getTime() - d.getTime()) / 1000)) : null;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

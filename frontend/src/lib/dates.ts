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

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

type Parts = { year: string; month: string; day: string; hour: string; minute: string; second: string };

// Numeric parts only: the month name is ours, because ICU's en-GB writes "Sept" since 72
// and a browser's locale data would otherwise decide how a date reads.
const partsCache = new Map<string, Intl.DateTimeFormat>();
function partsIn(d: Date, tz: string): Parts {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(tz, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(d)) out[p.type] = p.value;
  return out as Parts;
}

function dayMonth(p: Parts): string {
  return `${p.day} ${MONTHS[Number(p.month) - 1]}`;
}

/** "15 Jan 2026, 19:35:09" in the zone; null → "—". */
export function formatDateTime(ts: string | Date | null | undefined, tz: TimeZone, withSeconds = true): string {
  const d = parseTs(ts);
  return d ? formatDateTimeInZone(d, tz, withSeconds) : '—';
}

/** "06 Dec 2026, 02:00" in any IANA zone (a RangeError for an unknown one), for zones beyond the UTC/IST switch. */
export function formatDateTimeInZone(ts: string | Date, zone: string, withSeconds = false): string {
  const d = parseTs(ts);
  if (!d) return '—';
  const p = partsIn(d, zone);
  const time = withSeconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
  return `${dayMonth(p)} ${p.year}, ${time}`;
}

/** "04 Dec 2026" for a YYYY-MM-DD (zone-free calendar date). */
export function formatDate(date: string | null | undefined): string {
  if (!date || !isIsoDate(date)) return date ?? '—';
  const [y, m, d] = date.split('-');
  return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** Chart bucket label: "14:00" for hours, "15 Jan" for days/weeks. */
export function formatBucket(ts: string, granularity: 'hour' | 'day' | 'week', tz: TimeZone): string {
  const d = parseTs(ts);
  if (!d) return ts;
  const p = partsIn(d, tz);
  return granularity === 'hour' ? `${p.hour}:${p.minute}` : dayMonth(p);
}

const MONTH_BY_NAME: Record<string, number> = Object.fromEntries(
  [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ].flatMap((name, i) => [[name, i + 1], [name.slice(0, 3), i + 1], ...(name === 'september' ? [['sept', 9] as const] : [])]),
);

function isoOf(year: number, month: number, day: number): string | null {
  if (year < 1000 || year > 9999) return null;
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * What a person typed into a date field, as YYYY-MM-DD; null when it is not a whole date.
 * Accepts "04 Dec 2026" (any case, full month names, "-" or "/" between the parts),
 * "4/12/2026" / "4-12-2026" / "4.12.2026" read day first (as in India, never US
 * month-first), and ISO "2026-12-04".
 */
export function parseDateInput(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/,/g, ' ');
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t); // ISO is whole only with two-digit parts
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (m) return isoOf(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})[\s/.-]+([a-z]+)\.?[\s/.-]+(\d{4})$/.exec(t);
  if (m) {
    const month = MONTH_BY_NAME[m[2]!];
    return month ? isoOf(Number(m[3]), month, Number(m[1])) : null;
  }
  return null;
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

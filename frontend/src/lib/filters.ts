import { addDays, daySpan, isIsoDate, isTimeZone, todayIn, type TimeZone } from './dates';
import type { Query } from './api/paths';
import {
  DIRECTIONS,
  DISCREPANCY_TYPES,
  RESOLUTIONS,
  SOURCES,
  TX_STATUSES,
  type Direction,
  type DiscrepancyType,
  type Granularity,
  type Resolution,
  type Role,
  type Source,
  type SortBy,
  type SortOrder,
  type TxStatus,
} from './api/types';

/**
 * Page filters ⇄ URL query strings. Each page's state lives in the URL so a link or a
 * reload shows the same view; parsing ignores unknown or malformed values, serialising
 * omits defaults so URLs stay short.
 */

type Reader = Pick<URLSearchParams, 'get'>;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}
function text(value: string | null, max = 200): string | undefined {
  const t = value?.trim();
  return t ? t.slice(0, max) : undefined;
}
function date(value: string | null): string | undefined {
  return isIsoDate(value) ? value! : undefined;
}
const CURSOR_RE = /^[A-Za-z0-9_\-.~=]{1,512}$/;
function cursorText(value: string | null): string | undefined {
  return value && CURSOR_RE.test(value) ? value : undefined;
}
function positiveInt(value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

function toSearch(entries: Record<string, string | number | undefined>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(entries)) {
    if (v !== undefined && v !== '') sp.set(k, String(v));
  }
  return sp;
}

// ---- transactions ----------------------------------------------------------------------
export const SORTABLE: readonly SortBy[] = ['created_at', 'amount', 'status', 'updated_at'];
export const PAGE_SIZES = [25, 50, 100] as const;

export interface TxFilters {
  source?: Source;
  project?: string;
  status?: TxStatus;
  from_date?: string;
  to_date?: string;
  search?: string;
  /** UPI flag (docs/upi.md): only deemed pay-ins or reversals. */
  flag?: UpiFlag;
  /** Pay-ins or PayShack pay-outs only (absent: both). */
  direction?: Direction;
  /** Shown page number; with `cursor` only a label (the cursor says where), else the page asked for. */
  page: number;
  /** Keyset position (meta.next_cursor of the page before); absent on page-number links. */
  cursor?: string;
  limit: number;
  sort_by: SortBy;
  order: SortOrder;
  /** Show a linked Vima/PayShack pair as one payment (a view option, not an API filter). */
  group?: boolean;
}

export const UPI_FLAGS = ['deemed', 'reversed'] as const;
export type UpiFlag = (typeof UPI_FLAGS)[number];

export const TX_DEFAULTS: Pick<TxFilters, 'page' | 'limit' | 'sort_by' | 'order'> = {
  page: 1,
  limit: 50,
  sort_by: 'created_at',
  order: 'desc',
};

export function parseTxFilters(sp: Reader): TxFilters {
  return {
    source: oneOf(sp.get('source'), SOURCES),
    project: text(sp.get('project'), 100),
    status: oneOf(sp.get('status'), TX_STATUSES),
    from_date: date(sp.get('from_date')),
    to_date: date(sp.get('to_date')),
    search: text(sp.get('search')),
    flag: oneOf(sp.get('flag'), UPI_FLAGS),
    direction: oneOf(sp.get('direction'), DIRECTIONS),
    page: positiveInt(sp.get('page'), TX_DEFAULTS.page),
    cursor: cursorText(sp.get('cursor')),
    limit: positiveInt(sp.get('limit'), TX_DEFAULTS.limit, 100),
    sort_by: oneOf(sp.get('sort_by'), SORTABLE) ?? TX_DEFAULTS.sort_by,
    order: oneOf(sp.get('order'), ['asc', 'desc'] as const) ?? TX_DEFAULTS.order,
    group: sp.get('group') === '1' ? true : undefined,
  };
}

/** URL form (defaults omitted). `extra` carries non-filter params such as the open `id`. */
export function txFiltersToSearch(f: TxFilters, extra: Record<string, string | undefined> = {}): URLSearchParams {
  return toSearch({
    source: f.source,
    project: f.project,
    status: f.status,
    from_date: f.from_date,
    to_date: f.to_date,
    search: f.search,
    flag: f.flag,
    direction: f.direction,
    page: f.page !== TX_DEFAULTS.page ? f.page : undefined,
    cursor: f.cursor,
    limit: f.limit !== TX_DEFAULTS.limit ? f.limit : undefined,
    sort_by: f.sort_by !== TX_DEFAULTS.sort_by ? f.sort_by : undefined,
    order: f.order !== TX_DEFAULTS.order ? f.order : undefined,
    group: f.group ? '1' : undefined,
    ...extra,
  });
}

/** The list's query; `cursor` until schema.d.ts is regenerated from a backend that has it. */
export type TxQuery = Query<'/transactions'> & { cursor?: string };

/** API query for GET /transactions (and, without paging, /export/transactions). */
export function txFiltersToQuery(f: TxFilters, withPaging = true): TxQuery {
  const q: TxQuery = {
    source: f.source,
    project: f.project,
    status: f.status,
    from_date: f.from_date,
    to_date: f.to_date,
    search: f.search,
    flag: f.flag,
    direction: f.direction,
    sort_by: f.sort_by,
    order: f.order,
  };
  if (withPaging) {
    // The API refuses `cursor` with page > 1: with a cursor the page number is our label.
    if (f.cursor) q.cursor = f.cursor;
    else q.page = f.page;
    q.limit = f.limit;
  }
  return q;
}

/** The filters a list walk belongs to: a cursor is only valid for the same filters and sort. */
export function txWalkKey(f: TxFilters): string {
  return txFiltersToSearch({ ...f, page: 1, cursor: undefined, group: undefined }).toString();
}

/**
 * What a transaction search finds, for the role: payer e-mail, phone, VPA and name are
 * searched only for roles that see them unmasked (docs/api.md), so a viewer is not told otherwise.
 */
export function searchHint(role: Role | null | undefined): string {
  const ids = 'id, order id, c_id, UTR';
  return role && role !== 'viewer' ? `${ids}, email, phone, VPA, payer name` : ids;
}

/** "Showing 1–50 of 15,420" parts. */
export function pageRange(page: number, limit: number, total: number): { first: number; last: number } {
  if (total <= 0) return { first: 0, last: 0 };
  const first = (page - 1) * limit + 1;
  return { first: Math.min(first, total), last: Math.min(page * limit, total) };
}

// ---- overview --------------------------------------------------------------------------
export const PERIODS = ['today', 'yesterday', '7d', '30d', 'custom'] as const;
export type PeriodKey = (typeof PERIODS)[number];
export const PERIOD_LABELS: Record<PeriodKey, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom',
};

export interface OverviewFilters {
  period: PeriodKey;
  from?: string;
  to?: string;
  source?: Source;
  project?: string;
  tz: TimeZone;
  granularity?: Granularity;
}

export function parseOverviewFilters(sp: Reader, defaultTz: TimeZone = 'UTC'): OverviewFilters {
  let period = oneOf(sp.get('period'), PERIODS) ?? 'today';
  const from = date(sp.get('from'));
  const to = date(sp.get('to'));
  if (period === 'custom' && !(from && to && from <= to)) period = 'today';
  const tzRaw = sp.get('tz');
  return {
    period,
    from: period === 'custom' ? from : undefined,
    to: period === 'custom' ? to : undefined,
    source: oneOf(sp.get('source'), SOURCES),
    project: text(sp.get('project'), 100),
    tz: isTimeZone(tzRaw) ? tzRaw : defaultTz,
    granularity: oneOf(sp.get('granularity'), ['hour', 'day', 'week'] as const),
  };
}

export function overviewFiltersToSearch(f: OverviewFilters): URLSearchParams {
  return toSearch({
    period: f.period !== 'today' ? f.period : undefined,
    from: f.period === 'custom' ? f.from : undefined,
    to: f.period === 'custom' ? f.to : undefined,
    source: f.source,
    project: f.project,
    tz: f.tz !== 'UTC' ? f.tz : undefined,
    granularity: f.granularity,
  });
}

/** Concrete dates for a period, as calendar days in the chosen zone. */
export function resolvePeriod(f: Pick<OverviewFilters, 'period' | 'from' | 'to' | 'tz'>, now = new Date()) {
  const today = todayIn(f.tz, now);
  switch (f.period) {
    case 'yesterday': {
      const y = addDays(today, -1);
      return { from_date: y, to_date: y };
    }
    case '7d':
      return { from_date: addDays(today, -6), to_date: today };
    case '30d':
      return { from_date: addDays(today, -29), to_date: today };
    case 'custom':
      if (f.from && f.to) return { from_date: f.from, to_date: f.to };
      return { from_date: today, to_date: today };
    default:
      return { from_date: today, to_date: today };
  }
}

/** Sensible bucket size for a span: hours for ≤ 2 days, days up to ~3 months, else weeks. */
export function defaultGranularity(from: string, to: string): Granularity {
  const span = daySpan(from, to);
  if (span <= 2) return 'hour';
  if (span <= 92) return 'day';
  return 'week';
}

/** The query of the overview's metrics (/metrics/overview, trends, by-project, heatmap). */
export function overviewQuery(f: OverviewFilters, now = new Date()) {
  const { from_date, to_date } = resolvePeriod(f, now);
  return { from_date, to_date, source: f.source, project: f.project, timezone: f.tz };
}
export type OverviewQuery = ReturnType<typeof overviewQuery>;

// ---- reconciliation --------------------------------------------------------------------
export interface ReconFilters {
  date: string;
  type?: DiscrepancyType;
  resolution?: Resolution;
  page: number;
}

export function parseReconFilters(sp: Reader, today: string): ReconFilters {
  return {
    date: date(sp.get('date')) ?? today,
    type: oneOf(sp.get('type'), DISCREPANCY_TYPES),
    resolution: oneOf(sp.get('resolution'), RESOLUTIONS),
    page: positiveInt(sp.get('page'), 1),
  };
}

export function reconFiltersToSearch(f: ReconFilters, today: string): URLSearchParams {
  return toSearch({
    date: f.date !== today ? f.date : undefined,
    type: f.type,
    resolution: f.resolution,
    page: f.page !== 1 ? f.page : undefined,
  });
}

import { apiGetUntyped, type QueryParams } from '@/lib/api/client';
import type { Money } from '@/lib/api/json';

/**
 * Calls of the analytics API (docs/analytics.md). The routes are newer than the generated
 * schema.d.ts, so they go through the untyped helper with these hand-written types.
 */

export const DIMENSIONS = [
  'project',
  'source',
  'status',
  'direction',
  'method',
  'merchant',
  'original_status',
  'currency',
  'hour',
  'weekday',
  'day',
  'amount_band',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const MAX_DIMENSIONS = 6;

export const DIMENSION_LABEL: Record<Dimension, string> = {
  project: 'Project',
  source: 'Source',
  status: 'Status',
  direction: 'Direction',
  method: 'Method',
  merchant: 'Merchant',
  original_status: 'Original status',
  currency: 'Currency',
  hour: 'Hour',
  weekday: 'Weekday',
  day: 'Day',
  amount_band: 'Amount band',
};

export type Engine = 'auto' | 'clickhouse' | 'postgresql';

export interface Figures {
  count: number;
  amount: Money;
  success_count: number;
  success_amount: Money;
}

export interface BreakdownRow extends Figures {
  keys: Record<string, string | number | null>;
}

export interface Breakdown {
  engine: 'clickhouse' | 'postgresql';
  dimensions: Dimension[];
  from_date: string;
  to_date: string;
  timezone: string;
  rows: BreakdownRow[];
  totals: Figures & { groups: number };
  as_of: string | null;
  truncated: boolean;
}

export interface MirrorStatus {
  configured: boolean;
  mode: 'server' | 'embedded' | null;
  readable_here: boolean;
  rows: number | null;
  rows_fed: number;
  watermark: string | null;
  backfill_done: boolean;
  pending_rows: number | null;
  last_fed_at: string | null;
  caught_up_at: string | null;
  lag_seconds: number | null;
  last_error: string | null;
  last_error_at: string | null;
}

export interface ExploreQuery {
  from_date: string;
  to_date: string;
  timezone: string;
  dimensions: Dimension[];
  project?: string;
  source?: string;
  status?: string;
  payer?: string;
  vpa?: string;
  utr?: string;
  engine: Engine;
}

export const exploreKeys = {
  breakdown: (q: ExploreQuery) => ['analytics', 'breakdown', q] as const,
  mirror: () => ['analytics', 'mirror'] as const,
};

export function breakdownParams(q: ExploreQuery): QueryParams {
  return {
    from_date: q.from_date,
    to_date: q.to_date,
    timezone: q.timezone,
    dimensions: q.dimensions.join(','),
    project: q.project || undefined,
    source: q.source || undefined,
    status: q.status || undefined,
    payer: q.payer || undefined,
    vpa: q.vpa || undefined,
    utr: q.utr || undefined,
    engine: q.engine,
    limit: 500,
  };
}

export function getBreakdown(q: ExploreQuery, signal?: AbortSignal): Promise<Breakdown> {
  return apiGetUntyped<Breakdown>('/analytics/breakdown', { query: breakdownParams(q), signal });
}

export function getMirror(signal?: AbortSignal): Promise<MirrorStatus> {
  return apiGetUntyped<MirrorStatus>('/analytics/mirror', { signal });
}

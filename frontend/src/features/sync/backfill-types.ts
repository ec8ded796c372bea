/**
 * Backfill shapes the backend is adding (per-day shards, running totals, run dates). Written
 * by hand until schema.d.ts has them; every new field is optional so an older backend works.
 */
import type { Lossless } from '@/lib/api/json';
import type { components } from '@/lib/api/schema';

export type BackfillShardState = 'pending' | 'running' | 'done' | 'failed' | 'incomplete' | (string & {});

export interface BackfillShard {
  date: string;
  state: BackfillShardState;
  fetched?: number | null;
  stored?: number | null;
}

export type Backfill = Lossless<components['schemas']['Backfill']> & {
  shards?: BackfillShard[] | null;
  fetched?: number | null;
  stored?: number | null;
};

/** A backfill still holds its source: a second one would be refused (409). */
export function isActive(b: Pick<Backfill, 'status'>): boolean {
  return b.status === 'pending' || b.status === 'running';
}

/** Run rows of kind backfill carry the range they load. */
export interface RunRange {
  from?: string | null;
  to?: string | null;
  from_date?: string | null;
  to_date?: string | null;
}

/**
 * The workbench's URL state beside the page's ReconFilters (lib/filters.ts): owner and
 * age filters and the discrepancy open in the side panel. Same rules: unknown values are
 * ignored, defaults omitted.
 */
import { AGE_BUCKETS, type AgeBucket } from './workbench-types';

type Reader = Pick<URLSearchParams, 'get'>;

/** `me`, `none` (unassigned) or a user's id. */
export type OwnerFilter = string;

export interface WorkbenchState {
  owner?: OwnerFilter;
  age?: AgeBucket;
  /** The discrepancy shown in the side panel. */
  open?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseWorkbench(sp: Reader): WorkbenchState {
  const owner = sp.get('owner');
  const age = sp.get('age');
  const open = sp.get('open');
  return {
    owner: owner === 'me' || owner === 'none' || (owner && UUID.test(owner)) ? owner : undefined,
    age: (AGE_BUCKETS as readonly string[]).includes(age ?? '') ? (age as AgeBucket) : undefined,
    open: open && UUID.test(open) ? open : undefined,
  };
}

/** Adds the workbench's keys to the page's search params (a copy). */
export function withWorkbench(base: URLSearchParams, w: WorkbenchState): URLSearchParams {
  const sp = new URLSearchParams(base);
  for (const key of ['owner', 'age', 'open'] as const) {
    const v = w[key];
    if (v) sp.set(key, v);
    else sp.delete(key);
  }
  return sp;
}

import { describe, expect, it } from 'vitest';
import { busyReason } from './backfill-form';
import type { Backfill } from './backfill-types';

const backfill = (source: 'vima' | 'payshack', status: string) =>
  ({ id: '1', source, status, from_date: '2026-11-05', to_date: '2026-12-04', days_total: 30, days_done: 3 }) as Backfill;

describe('one backfill per source at a time', () => {
  it('says why Start is disabled while one of that source is pending or running', () => {
    expect(busyReason('vima', [backfill('vima', 'running')])).toBe(
      'A backfill of Vima (05 Nov 2026 – 04 Dec 2026) is running; one per source at a time.',
    );
    expect(busyReason('vima', [backfill('vima', 'pending')])).toContain('is pending');
  });
  it('another source or a finished backfill does not block', () => {
    expect(busyReason('payshack', [backfill('vima', 'running')])).toBeNull();
    expect(busyReason('vima', [backfill('vima', 'done'), backfill('vima', 'failed')])).toBeNull();
    expect(busyReason('vima', undefined)).toBeNull();
  });
});

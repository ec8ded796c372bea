import { describe, expect, it } from 'vitest';
import { partialIndex, trendRows } from './trend-chart';

const pt = (timestamp: string, count: number, partial?: boolean) => ({
  timestamp,
  amount: count * 100,
  count,
  success_count: count,
  failed_count: 0,
  ...(partial === undefined ? {} : { partial }),
});

describe('the partial bucket', () => {
  const now = Date.parse('2026-12-05T05:20:00Z');
  it('is the one the API marks', () => {
    const pts = [pt('2026-12-03T00:00:00Z', 5, false), pt('2026-12-04T00:00:00Z', 6, false), pt('2026-12-05T00:00:00Z', 1, true)];
    expect(partialIndex(pts, 'day', now)).toBe(2);
  });
  it('is the bucket containing now on an older backend', () => {
    const pts = [pt('2026-12-04T00:00:00Z', 6), pt('2026-12-05T00:00:00Z', 1), pt('2026-12-06T00:00:00Z', 0)];
    expect(partialIndex(pts, 'day', now)).toBe(1);
    expect(partialIndex([pt('2026-12-04T00:00:00Z', 6)], 'day', now)).toBe(-1);
  });
  it('is drawn dashed from the last complete bucket, never as a solid fall', () => {
    const pts = [
      pt('2026-12-03T00:00:00Z', 5),
      pt('2026-12-04T00:00:00Z', 6),
      pt('2026-12-05T00:00:00Z', 1),
      pt('2026-12-06T00:00:00Z', 0),
    ];
    const rows = trendRows(pts, 'day', now);
    expect(rows).toHaveLength(3); // the future bucket is not drawn
    expect(rows.map((r) => r.amount)).toEqual([500, 600, null]);
    expect(rows.map((r) => r.amountP)).toEqual([null, 600, 100]);
    expect(rows.map((r) => r.partial)).toEqual([false, false, true]);
  });
});

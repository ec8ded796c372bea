import { describe, expect, it } from 'vitest';
import { parseTxFilters } from '@/lib/filters';
import { amountFromMeta, amountFromOverview, overviewQueryFor } from './totals';

const f = (q: string) => parseTxFilters(new URLSearchParams(q));

describe('totals of the filtered rows', () => {
  it('takes the amount from the list when the API sums it', () => {
    expect(amountFromMeta({ limit: 50, total: 2, total_pages: 1, total_amount: '27646.00' })).toBe('27646.00');
    expect(amountFromMeta({ limit: 50, total: 2, total_pages: 1, totals: { amount: '1.50' } })).toBe('1.50');
    expect(amountFromMeta({ limit: 50, total: 2, total_pages: 1 })).toBeUndefined();
  });

  it('asks the overview only for filters it answers the same way', () => {
    expect(overviewQueryFor(f('from_date=2026-12-01&to_date=2026-12-04&source=vima&project=91game&status=failed'))).toEqual({
      from_date: '2026-12-01',
      to_date: '2026-12-04',
      source: 'vima',
      project: '91game',
    });
    expect(overviewQueryFor(f('from_date=2026-12-01&search=9876543210'))).toBeNull();
    expect(overviewQueryFor(f('to_date=2026-12-04'))).toBeNull();
  });

  it('uses the status figure, and nothing when the overview counted other rows', () => {
    const o = {
      total: { count: 10, amount: '100.00' },
      by_status: { failed: { count: 3, amount: '30.00' } },
    };
    expect(amountFromOverview(o, undefined, 10)).toBe('100.00');
    expect(amountFromOverview(o, 'failed', 3)).toBe('30.00');
    expect(amountFromOverview(o, 'failed', 4)).toBeNull();
    expect(amountFromOverview(o, 'pending', 0)).toBeNull();
  });
});

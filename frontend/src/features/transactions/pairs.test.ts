import { describe, expect, it } from 'vitest';
import { groupPairs, partnersFrom } from './pairs';
import type { TxRow } from './tx-types';

const row = (id: string, source: 'vima' | 'payshack'): TxRow => ({ id, source, amount: '13823.00', status: 'success' }) as TxRow;

// /payments/links answers both directions for the ids asked.
const links = partnersFrom([
  { id: 'p1', partner_id: 'v1' },
  { id: 'v1', partner_id: 'p1' },
  { id: 'p9', partner_id: 'v9' },
]);

describe('linked pairs', () => {
  it('folds the PayShack side into its Vima row, once, whatever their order', () => {
    const lines = groupPairs([row('p1', 'payshack'), row('x', 'vima'), row('v1', 'vima')], links);
    expect(lines.map((l) => [l.row.id, l.other?.id])).toEqual([
      ['x', undefined],
      ['v1', 'p1'],
    ]);
    // every row is on screen exactly once
    expect(lines.flatMap((l) => [l.row.id, l.other?.id].filter(Boolean)).sort()).toEqual(['p1', 'v1', 'x']);
  });

  it('keeps a linked row alone when its other side is not on the page, and says so', () => {
    const [line] = groupPairs([row('p9', 'payshack')], links);
    expect(line).toEqual({ row: row('p9', 'payshack'), otherElsewhere: 'v9' });
  });

  it('leaves every row alone without link information (an older backend)', () => {
    const rows = [row('p1', 'payshack'), row('v1', 'vima')];
    expect(groupPairs(rows, new Map()).map((l) => [l.row.id, l.other])).toEqual([
      ['p1', undefined],
      ['v1', undefined],
    ]);
  });
});

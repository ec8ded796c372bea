import { describe, expect, it } from 'vitest';
import { countryLabel, netAmount, otherSide } from './transaction-drawer';
import type { Payment } from './tx-types';

describe('transaction detail helpers', () => {
  it('computes net amount on decimals', () => {
    expect(netAmount(100.1, 0.2)).toBe('99.9000');
    expect(netAmount('0.3', '0.1')).toBe('0.2000');
    expect(netAmount('1.00', null)).toBe('1.0000');
    expect(netAmount('1', '2.5')).toBe('-1.5000');
  });
  it('names a country code', () => {
    expect(countryLabel('in')).toBe('IN · India');
    expect(countryLabel(null)).toBe('—');
    expect(countryLabel('India')).toBe('India');
  });
  it('finds the other side of a linked payment from either side', () => {
    const vima = { id: 'v1', source: 'vima' } as Payment['record'];
    const payshack = { id: 'p1', source: 'payshack' } as Payment['record'];
    const linked: Payment = { linked: true, record: vima, counterpart: payshack };
    expect(otherSide(linked, 'v1')?.id).toBe('p1');
    expect(otherSide(linked, 'p1')?.id).toBe('v1');
    expect(otherSide({ linked: false, record: vima, counterpart: null }, 'v1')).toBeNull();
    expect(otherSide(undefined, 'v1')).toBeNull();
  });
});

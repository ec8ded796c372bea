import { describe, expect, it } from 'vitest';
import { countryLabel, netAmount } from './transaction-drawer';

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
});

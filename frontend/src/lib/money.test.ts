import { describe, expect, it } from 'vitest';
import { formatChange, formatCount, formatMoney, formatMoneyCompact, formatPercent, groupIndian, parseDecimal } from './money';

describe('groupIndian', () => {
  it.each([
    ['0', '0'],
    ['123', '123'],
    ['1234', '1,234'],
    ['12345', '12,345'],
    ['123456', '1,23,456'],
    ['1234567', '12,34,567'],
    ['123456789', '12,34,56,789'],
  ])('%s → %s', (input, out) => expect(groupIndian(input)).toBe(out));
});

describe('formatMoney', () => {
  it.each<[number | string, string]>([
    [123456.5, '₹1,23,456.50'],
    ['123456.50', '₹1,23,456.50'],
    [1542000.0, '₹15,42,000.00'],
    [0, '₹0.00'],
    ['0.0000', '₹0.00'],
    [0.1, '₹0.10'],
    [100, '₹100.00'],
    ['99999999.9999', '₹10,00,00,000.00'],
    ['1.005', '₹1.01'], // half away from zero on the decimal string, not the double
    [1.005, '₹1.01'],
    ['1.0049', '₹1.00'],
    [-1234.5, '-₹1,234.50'],
    ['-0.001', '₹0.00'], // rounds to zero: no negative zero
    ['12345678901234567.89', '₹12,34,56,78,90,12,34,567.89'], // beyond double precision
    [1e21, '₹1,00,00,00,00,00,00,00,00,00,000.00'],
    ['1.5e3', '₹1,500.00'],
    [' 1,234.5 ', '₹1,234.50'],
  ])('%s → %s', (input, out) => expect(formatMoney(input)).toBe(out));

  it('shows no float drift for sums the server computed as decimals', () => {
    // 0.1 + 0.2 computed by the server as Decimal arrives as 0.3
    expect(formatMoney(0.3)).toBe('₹0.30');
    expect(formatMoney('0.30000000000000004')).toBe('₹0.30');
  });

  it('handles null, undefined and garbage', () => {
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney(undefined)).toBe('—');
    expect(formatMoney('abc')).toBe('—');
    expect(formatMoney(Number.NaN)).toBe('—');
  });

  it('supports options', () => {
    expect(formatMoney('1234.5678', { decimals: 4 })).toBe('₹1,234.5678');
    expect(formatMoney('1234.5', { decimals: 0 })).toBe('₹1,235');
    expect(formatMoney('1234.5', { symbol: false })).toBe('1,234.50');
    expect(formatMoney('12.5', { signed: true })).toBe('+₹12.50');
    expect(formatMoney('-12.5', { signed: true })).toBe('-₹12.50');
    expect(formatMoney('0', { signed: true })).toBe('₹0.00');
    expect(formatMoney('1234.5', { currency: 'USD' })).toBe('1,234.50 USD');
  });
});

describe('parseDecimal', () => {
  it('expands exponents', () => {
    expect(parseDecimal(1e-7)).toEqual({ negative: false, int: '0', frac: '0000001' });
    expect(parseDecimal('-2.5E2')).toEqual({ negative: true, int: '250', frac: '' });
  });
});

describe('other formatters', () => {
  it('formats counts', () => {
    expect(formatCount(15420)).toBe('15,420');
    expect(formatCount(1542000)).toBe('15,42,000');
    expect(formatCount(null)).toBe('—');
  });
  it('formats percentages and changes', () => {
    expect(formatPercent(92.1)).toBe('92.1%');
    expect(formatPercent(95)).toBe('95.0%');
    expect(formatChange(12.5)).toBe('+12.5%');
    expect(formatChange(-8.1)).toBe('−8.1%');
    expect(formatChange(0)).toBe('0.0%');
    expect(formatChange(null)).toBe('—');
  });
  it('formats compact amounts', () => {
    expect(formatMoneyCompact(15420000)).toBe('₹1.54 Cr');
    expect(formatMoneyCompact(1230000)).toBe('₹12.3 L');
    expect(formatMoneyCompact(45600)).toBe('₹45.6K');
    expect(formatMoneyCompact(12.5)).toBe('₹12.5');
  });
});

import { describe, expect, it } from 'vitest';
import { formatAge, upiChipLabel } from './upi-labels';

describe('formatAge', () => {
  it('rounds down to minutes, hours, then days', () => {
    expect(formatAge(30)).toBe('1 min');
    expect(formatAge(40 * 60)).toBe('40 min');
    expect(formatAge(5 * 3600 + 59)).toBe('5 h');
    expect(formatAge(3 * 86400 + 7200)).toBe('3 d');
    expect(formatAge(null)).toBe('');
  });
});

describe('upiChipLabel', () => {
  it('names reversals with their age, then deemed pay-ins, else nothing', () => {
    expect(upiChipLabel({ deemed: false, reversed: true, reversal_age_seconds: 3 * 86400 })).toBe('Reversed · 3 d');
    expect(upiChipLabel({ deemed: true, reversed: false, reversal_age_seconds: null })).toBe('Deemed');
    expect(upiChipLabel({ deemed: false, reversed: false, reversal_age_seconds: null })).toBeNull();
    expect(upiChipLabel(undefined)).toBeNull();
  });
});

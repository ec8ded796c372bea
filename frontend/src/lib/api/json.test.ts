import { describe, expect, it } from 'vitest';
import { keepSourceIfLossy, parseJsonLossless } from './json';

describe('lossless JSON numbers', () => {
  it('keeps ordinary numbers as numbers', () => {
    expect(keepSourceIfLossy(1542000, '1542000.00')).toBe(1542000);
    expect(keepSourceIfLossy(0.1, '0.1')).toBe(0.1);
    expect(keepSourceIfLossy(92.1, '92.1')).toBe(92.1);
    expect(keepSourceIfLossy(1e21, '1e21')).toBe(1e21);
  });

  it('keeps the source text when a double loses digits', () => {
    expect(keepSourceIfLossy(Number('12345678901234567.89'), '12345678901234567.89')).toBe('12345678901234567.89');
    expect(keepSourceIfLossy(1067251098160838656, '1067251098160838656')).toBe(
      keepSourceIfLossy(1067251098160838656, '1067251098160838656'),
    );
    expect(keepSourceIfLossy(1067251098160838700, '1067251098160838657')).toBe('1067251098160838657');
  });

  it('parses JSON (with or without reviver source support)', () => {
    const parsed = parseJsonLossless('{"a": 1.50, "b": [1, "x"], "c": null}') as Record<string, unknown>;
    expect(parsed).toEqual({ a: 1.5, b: [1, 'x'], c: null });
  });
});

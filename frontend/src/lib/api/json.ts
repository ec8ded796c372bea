import { parseDecimal } from '../money';

/**
 * JSON.parse that keeps a number's source text when a double cannot hold it exactly
 * (e.g. 12345678901234567.89 or a 19-digit id). Uses the reviver `context.source`
 * (JSON.parse source text access, in every current browser); where unsupported it is plain
 * JSON.parse. Ordinary amounts like 1542000.00 stay numbers.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === 'number' && context && typeof context.source === 'string') {
      return keepSourceIfLossy(value, context.source);
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/** Returns `source` when `value` does not represent the same decimal, else `value`. */
export function keepSourceIfLossy(value: number, source: string): number | string {
  const a = parseDecimal(source);
  const b = parseDecimal(value);
  if (!a || !b) return value;
  const norm = (d: { negative: boolean; int: string; frac: string }) =>
    `${d.negative ? '-' : ''}${d.int}.${d.frac.replace(/0+$/, '')}`;
  return norm(a) === norm(b) ? value : source;
}

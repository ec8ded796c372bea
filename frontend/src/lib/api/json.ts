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

/** An amount as the client holds it: a JSON number, or its decimal text when a double would lose digits. */
export type Money = number | string;

// The API's money fields (by name). Everything else numeric is a count, a rate or a
// percentage, small enough to stay a number.
type MoneyKey = 'amount' | 'fee' | 'avg_ticket' | 'vima_amount' | 'payshack_amount' | 'amount_diff' | 'by_currency';
type AsMoney<T> = T extends number ? Money : T extends object ? { [K in keyof T]: AsMoney<T[K]> } : T;
type MoneyIn<T, Keys> = T extends object ? { [K in keyof T]: K extends Keys ? AsMoney<T[K]> : Lossless<T[K]> } : T;

/**
 * A schema type as `parseJsonLossless` hands it back: its money fields may be decimal
 * strings (`Money`). The reconciliation's `money_at_risk` holds money under `total` and
 * `by_type`, names that elsewhere are counts.
 */
export type Lossless<T> = T extends readonly (infer U)[]
  ? Lossless<U>[]
  : T extends object
    ? {
        [K in keyof T]: K extends MoneyKey
          ? AsMoney<T[K]>
          : K extends 'money_at_risk'
            ? MoneyIn<T[K], 'total' | 'by_type'>
            : Lossless<T[K]>;
      }
    : T;

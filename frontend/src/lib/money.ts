/**
 * Money and number display. Amounts arrive as JSON numbers (≤ 4 decimals, computed from
 * Decimal on the server) or as decimal strings (see lib/api/json.ts, which keeps a number's
 * source text when a double would lose digits). Everything here works on the decimal
 * *string* so display never shows float drift (0.1 + 0.2 style artefacts, 1e21, …).
 */

export type MoneyInput = number | string | null | undefined;

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

interface ParsedDecimal {
  negative: boolean;
  int: string; // no leading zeros ("0" for zero)
  frac: string; // may be ""
}

/** Parse a number or numeric string into sign / integer digits / fraction digits. */
export function parseDecimal(value: MoneyInput): ParsedDecimal | null {
  if (value === null || value === undefined) return null;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // Shortest round-trip representation: exactly what the server wrote for ≤ 15–17 digits.
    text = String(value);
  } else {
    text = value.trim().replace(/[,_\s]/g, '');
  }
  const m = DECIMAL_RE.exec(text);
  if (!m) return null;
  const [, sign, intRaw = '', fracRaw = '', expRaw] = m;
  if (intRaw === '' && fracRaw === '') return null;
  let digits = intRaw + fracRaw;
  let point = intRaw.length; // position of the decimal point within `digits`
  if (expRaw) {
    point += parseInt(expRaw, 10);
    if (point < 0) {
      digits = '0'.repeat(-point) + digits;
      point = 0;
    } else if (point > digits.length) {
      digits = digits + '0'.repeat(point - digits.length);
    }
  }
  const int = digits.slice(0, point).replace(/^0+/, '') || '0';
  const frac = digits.slice(point);
  const isZero = /^0*$/.test(int + frac);
  return { negative: sign === '-' && !isZero, int, frac };
}

/** Add one unit to a string of digits ("999" → "1000"). */
function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') {
      out[i] = '0';
    } else {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
  }
  return '1' + out.join('');
}

/** Round half away from zero to `decimals` places, purely on digits. */
export function roundDecimal(d: ParsedDecimal, decimals: number): ParsedDecimal {
  const frac = d.frac.padEnd(decimals + 1, '0');
  const keep = frac.slice(0, decimals);
  const next = Number(frac[decimals] ?? '0');
  if (next < 5) return { ...d, frac: keep };
  const bumped = incrementDigits(d.int + keep);
  const intLen = bumped.length - decimals;
  return {
    ...d,
    int: bumped.slice(0, intLen).replace(/^0+/, '') || '0',
    frac: bumped.slice(intLen),
  };
}

/** 1234567 → "12,34,567" (Indian grouping: last three digits, then pairs). */
export function groupIndian(intDigits: string): string {
  if (intDigits.length <= 3) return intDigits;
  const last3 = intDigits.slice(-3);
  let rest = intDigits.slice(0, -3);
  const groups: string[] = [];
  while (rest.length > 2) {
    groups.unshift(rest.slice(-2));
    rest = rest.slice(0, -2);
  }
  if (rest) groups.unshift(rest);
  return `${groups.join(',')},${last3}`;
}

export interface MoneyFormatOptions {
  /** Fraction digits shown (default 2). */
  decimals?: number;
  /** Prefix with ₹ (default true). Set false for table cells that already say INR. */
  symbol?: boolean;
  /** ISO currency code; non-INR codes are shown as a suffix, grouping stays Indian. */
  currency?: string | null;
  /** Show "+" for positive values (differences). */
  signed?: boolean;
}

export const EMPTY = '—';

/** "₹1,23,456.50" from 123456.5 or "123456.50". Null/invalid → "—". */
export function formatMoney(value: MoneyInput, options: MoneyFormatOptions = {}): string {
  const { decimals = 2, symbol = true, currency = 'INR', signed = false } = options;
  const parsed = parseDecimal(value);
  if (!parsed) return EMPTY;
  const r = roundDecimal(parsed, decimals);
  const isZero = /^0*$/.test(r.int + r.frac);
  const negative = r.negative && !isZero;
  const body = groupIndian(r.int) + (decimals > 0 ? `.${r.frac}` : '');
  const isInr = !currency || currency.toUpperCase() === 'INR';
  const prefix = symbol && isInr ? '₹' : '';
  const suffix = !isInr ? ` ${currency!.toUpperCase()}` : '';
  const sign = negative ? '-' : signed && !isZero ? '+' : '';
  return `${sign}${prefix}${body}${suffix}`;
}

/** Integer counts with Indian grouping: 15420 → "15,420", 1542000 → "15,42,000". */
export function formatCount(value: number | string | null | undefined): string {
  const parsed = parseDecimal(value);
  if (!parsed) return EMPTY;
  const r = roundDecimal(parsed, 0);
  return (r.negative ? '-' : '') + groupIndian(r.int);
}

/** Short amounts for chart axes and tooltips' secondary lines: ₹1.54 Cr, ₹12.3 L, ₹45.6K. */
export function formatMoneyCompact(value: MoneyInput): string {
  const parsed = parseDecimal(value);
  if (!parsed) return EMPTY;
  const n = Number(`${parsed.int}.${parsed.frac || '0'}`);
  const sign = parsed.negative ? '-' : '';
  const fmt = (x: number, unit: string) => `${sign}₹${stripZeros(x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2))}${unit}`;
  if (n >= 1e7) return fmt(n / 1e7, ' Cr');
  if (n >= 1e5) return fmt(n / 1e5, ' L');
  if (n >= 1e3) return fmt(n / 1e3, 'K');
  return `${sign}₹${stripZeros(n.toFixed(2))}`;
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** 92.1 → "92.1%". */
export function formatPercent(value: number | string | null | undefined, decimals = 1): string {
  const parsed = parseDecimal(value);
  if (!parsed) return EMPTY;
  const r = roundDecimal(parsed, decimals);
  return `${r.negative ? '-' : ''}${r.int}${decimals ? `.${r.frac}` : ''}%`;
}

/** Change vs previous period: 12.5 → "+12.5%", -8.1 → "−8.1%", null → "—". */
export function formatChange(value: number | string | null | undefined, decimals = 1): string {
  const parsed = parseDecimal(value);
  if (!parsed) return EMPTY;
  const r = roundDecimal(parsed, decimals);
  const isZero = /^0*$/.test(r.int + r.frac);
  const body = `${r.int}${decimals ? `.${r.frac}` : ''}%`;
  if (isZero) return body;
  return `${r.negative ? '−' : '+'}${body}`;
}

/** Numeric value for charts only (never for display of exact amounts). */
export function toChartNumber(value: MoneyInput): number {
  const parsed = parseDecimal(value);
  if (!parsed) return 0;
  const n = Number(`${parsed.int}.${parsed.frac || '0'}`);
  return parsed.negative ? -n : n;
}

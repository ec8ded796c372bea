/**
 * Payments vs rows. A payment is counted once even when two sources record it (a 91game
 * payment is a Vima row and a PayShack row, linked); the headline cards, the project
 * breakdown and the trend show payments, the per-source view rows. The fields are new on
 * the API: on a backend without them the page shows rows, and says so.
 */
import type { Money } from '@/lib/api/json';
import type { Overview } from '@/lib/api/types';
import { addDays, formatDate, type TimeZone } from '@/lib/dates';
import { parseDecimal, type MoneyInput } from '@/lib/money';

export interface Figure {
  count: number;
  amount: Money | null;
}

export interface Payments {
  count: number;
  amount: Money | null;
  by_currency?: Record<string, Money> | null;
  by_status: Record<string, Figure>;
  /** Server-computed (exact); older payloads lack them and the page computes them. */
  avg_ticket?: Money | null;
  conversion_rate?: number | null;
  /** Changes of the payment figures against the comparison period. */
  trends?: Overview['trends'] | null;
}

export type OverviewFull = Omit<Overview, 'comparison' | 'payments' | 'linked'> & {
  payments?: Payments | null;
  /** Rows that are the counterpart of another source's row: rows − linked = payments. */
  linked?: number | null;
  comparison: Overview['comparison'] & { partial?: boolean | null; elapsed_until?: string | null };
};

export type Unit = 'payments' | 'rows';

/**
 * What the headline cards show: payments when the API gives them, else rows. Filtered to
 * one source there is nothing to count twice: that source's rows are its payments, and
 * its rows are what the provider served.
 */
export function headline(o: OverviewFull, source?: string) {
  const p = source ? null : o.payments;
  if (!p) {
    return {
      unit: 'rows' as Unit,
      count: o.total.count,
      amount: o.total.amount as MoneyInput,
      byStatus: o.by_status as Record<string, Figure | undefined>,
      conversion: o.conversion_rate,
      avgTicket: o.avg_ticket as MoneyInput,
      trends: o.trends,
    };
  }
  const success = p.by_status.success?.count ?? 0;
  return {
    unit: 'payments' as Unit,
    count: p.count,
    amount: p.amount as MoneyInput,
    byStatus: p.by_status as Record<string, Figure | undefined>,
    conversion: p.conversion_rate !== undefined ? p.conversion_rate : p.count > 0 ? (success / p.count) * 100 : null,
    avgTicket: p.avg_ticket !== undefined ? (p.avg_ticket as MoneyInput) : divideMoney(p.amount, p.count),
    trends: p.trends ?? o.trends,
  };
}

/** amount ÷ count, exact, rounded half up to 2 decimals ("1234.57"); null without data. */
export function divideMoney(amount: MoneyInput, count: number): string | null {
  const d = parseDecimal(amount);
  if (!d || !Number.isInteger(count) || count <= 0) return null;
  const scaled = BigInt(`${d.int}${d.frac}` || '0');
  const num = scaled * 100n;
  const den = BigInt(count) * 10n ** BigInt(d.frac.length);
  const q = (2n * num + den) / (2n * den);
  const s = q.toString().padStart(3, '0');
  const out = `${s.slice(0, -2)}.${s.slice(-2)}`;
  return d.negative && q !== 0n ? `-${out}` : out;
}

function hhmm(ts: string, tz: TimeZone): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(ts),
  );
}

/**
 * What the change figures compare with: "vs yesterday until 05:20" while the period is in
 * progress (the previous period cut at the same elapsed time), else "vs 04 Dec 2026".
 */
export function comparisonLabel(o: OverviewFull, tz: TimeZone): string {
  const c = o.comparison;
  if (!c?.period) return 'vs the previous period';
  const { from, to } = c.period;
  const oneDay = from === to;
  const name = oneDay
    ? from === addDays(o.period.from, -1)
      ? 'yesterday'
      : formatDate(from)
    : `${formatDate(from)} – ${formatDate(to)}`;
  if (c.partial && c.elapsed_until) return `vs ${name} until ${hhmm(c.elapsed_until, tz)}`;
  return `vs ${name}`;
}

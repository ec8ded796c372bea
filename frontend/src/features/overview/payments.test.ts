import { describe, expect, it } from 'vitest';
import { comparisonLabel, divideMoney, headline, type OverviewFull } from './payments';

const base = {
  avg_ticket: '150.00',
  by_source: {},
  by_status: { success: { count: 3, amount: '300.00' }, failed: { count: 1, amount: '150.00' } },
  conversion_rate: 75,
  period: { from: '2026-12-05', to: '2026-12-05', timezone: 'UTC' },
  total: { count: 4, amount: '450.00', currency: 'INR' },
  trends: {},
  comparison: {
    compare: 'previous_period',
    period: { from: '2026-12-04', to: '2026-12-04', timezone: 'UTC' },
    total: { count: 1, amount: '1.00' },
    by_status: {},
  },
} as unknown as OverviewFull;

describe('headline figures', () => {
  it('are rows on a backend without payments', () => {
    const h = headline(base);
    expect(h.unit).toBe('rows');
    expect(h.count).toBe(4);
    expect(h.avgTicket).toBe('150.00');
  });
  it('are payments when the API gives them: a linked pair counts once', () => {
    const h = headline({
      ...base,
      payments: {
        count: 3,
        amount: '350.00',
        by_status: { success: { count: 2, amount: '200.00' }, failed: { count: 1, amount: '150.00' } },
      },
    });
    expect(h.unit).toBe('payments');
    expect(h.count).toBe(3);
    expect(h.amount).toBe('350.00');
    expect(h.avgTicket).toBe('116.67');
    expect(h.conversion).toBeCloseTo(66.667, 2);
  });
  it("take the server's exact average ticket, conversion and changes when sent", () => {
    const h = headline({
      ...base,
      payments: {
        count: 3,
        amount: '350.00',
        avg_ticket: '116.67',
        conversion_rate: 66.7,
        trends: { total_change: -5 } as never,
        by_status: {},
      },
    });
    expect(h.avgTicket).toBe('116.67');
    expect(h.conversion).toBe(66.7);
    expect(h.trends.total_change).toBe(-5);
  });
  it('are the rows of the one source a source filter picks', () => {
    const withPayments = { ...base, payments: { count: 1, amount: '1.00', by_status: {} } };
    expect(headline(withPayments, 'payshack').unit).toBe('rows');
    expect(headline(withPayments, 'payshack').amount).toBe('450.00');
  });
});

describe('divideMoney', () => {
  it('is exact and rounds half up', () => {
    expect(divideMoney('0.05', 2)).toBe('0.03');
    expect(divideMoney('12345678901234567.89', 1)).toBe('12345678901234567.89');
    expect(divideMoney('10', 3)).toBe('3.33');
    expect(divideMoney('1.00', 0)).toBeNull();
  });
});

describe('comparisonLabel', () => {
  it('says until when the period is in progress', () => {
    const o = { ...base, comparison: { ...base.comparison, partial: true, elapsed_until: '2026-12-04T05:20:00Z' } };
    expect(comparisonLabel(o, 'UTC')).toBe('vs yesterday until 05:20');
    expect(comparisonLabel(o, 'Asia/Kolkata')).toBe('vs yesterday until 10:50');
  });
  it('names the compared period otherwise', () => {
    expect(comparisonLabel(base, 'UTC')).toBe('vs yesterday');
    const week = {
      ...base,
      period: { from: '2026-11-29', to: '2026-12-05', timezone: 'UTC' },
      comparison: { ...base.comparison, period: { from: '2026-11-22', to: '2026-11-28', timezone: 'UTC' } },
    } as OverviewFull;
    expect(comparisonLabel(week, 'UTC')).toBe('vs 22 Nov 2026 – 28 Nov 2026');
  });
});

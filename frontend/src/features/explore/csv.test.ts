import { describe, expect, it } from 'vitest';
import { breakdownCsv, csvCell, keyText } from './csv';
import type { Breakdown } from './explore-api';

const sample: Breakdown = {
  engine: 'clickhouse',
  dimensions: ['project', 'weekday'],
  from_date: '2026-12-01',
  to_date: '2026-12-05',
  timezone: 'UTC',
  rows: [
    { keys: { project: '91game', weekday: 1 }, count: 3, amount: '12345678901234.5678', success_count: 2, success_amount: 10.5 },
    { keys: { project: null, weekday: 7 }, count: 1, amount: 0.1, success_count: 0, success_amount: 0 },
  ],
  totals: { count: 4, amount: '12345678901234.6678', success_count: 2, success_amount: 10.5, groups: 2 },
  as_of: null,
  truncated: false,
};

describe('breakdown CSV', () => {
  it('writes one column per dimension, exact money and a total line', () => {
    const lines = breakdownCsv(sample).trim().split('\r\n');
    expect(lines[0]).toBe('Project,Weekday,Count,Amount,Success count,Success amount');
    expect(lines[1]).toBe('91game,Monday,3,12345678901234.5678,2,10.5');
    expect(lines[2]).toBe('(none),Sunday,1,0.1,0,0');
    expect(lines[3]).toBe('Total,,4,12345678901234.6678,2,10.5');
  });

  it('quotes separators and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('-12.5')).toBe('-12.5');
  });

  it('reads hours and weekdays', () => {
    expect(keyText('hour', 9)).toBe('09:00');
    expect(keyText('weekday', 3)).toBe('Wednesday');
    expect(keyText('status', null)).toBe('(none)');
  });
});

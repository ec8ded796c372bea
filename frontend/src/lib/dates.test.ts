import { describe, expect, it } from 'vitest';
import {
  addDays,
  daySpan,
  formatBucket,
  formatDate,
  formatDateTime,
  formatDuration,
  formatRelative,
  isIsoDate,
  todayIn,
} from './dates';

describe('dates', () => {
  const ts = '2026-01-15T20:05:09Z';

  it('formats a timestamp in UTC and IST', () => {
    expect(formatDateTime(ts, 'UTC')).toBe('15 Jan 2026, 20:05:09');
    expect(formatDateTime(ts, 'Asia/Kolkata')).toBe('16 Jan 2026, 01:35:09');
    expect(formatDateTime(null, 'UTC')).toBe('—');
  });

  it('finds today in a zone', () => {
    expect(todayIn('UTC', new Date(ts))).toBe('2026-01-15');
    expect(todayIn('Asia/Kolkata', new Date(ts))).toBe('2026-01-16');
  });

  it('does calendar arithmetic', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daySpan('2026-01-01', '2026-01-07')).toBe(7);
    expect(daySpan('2026-01-01', '2026-01-01')).toBe(1);
  });

  it('validates ISO dates', () => {
    expect(isIsoDate('2026-01-15')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('15-01-2026')).toBe(false);
  });

  it('formats buckets, relative times, durations', () => {
    expect(formatBucket('2026-01-15T00:00:00Z', 'hour', 'Asia/Kolkata')).toBe('05:30');
    expect(formatBucket('2026-01-15T00:00:00Z', 'day', 'UTC')).toBe('15 Jan');
    const now = new Date('2026-01-15T20:07:09Z');
    expect(formatRelative(ts, now)).toBe('2 min ago');
    expect(formatRelative('2026-01-15T20:12:09Z', now)).toBe('in 5 min');
    expect(formatRelative('2026-01-15T20:07:00Z', now)).toBe('just now');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDate('2026-01-15')).toBe('15 Jan 2026');
  });
});

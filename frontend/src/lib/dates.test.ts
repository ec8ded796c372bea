import { describe, expect, it } from 'vitest';
import {
  addDays,
  daySpan,
  formatBucket,
  formatDate,
  formatDateTime,
  formatDateTimeInZone,
  formatDuration,
  formatRelative,
  isIsoDate,
  parseDateInput,
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

  it('writes every date as "04 Dec 2026", never the locale\'s "Sept" or month-first', () => {
    expect(formatDate('2026-12-04')).toBe('04 Dec 2026');
    expect(formatDate('2026-09-04')).toBe('04 Sep 2026');
    expect(formatDateTime('2026-09-04T10:00:00Z', 'UTC', false)).toBe('04 Sep 2026, 10:00');
    expect(formatBucket('2026-09-30T20:00:00Z', 'day', 'Asia/Kolkata')).toBe('01 Oct');
    expect(formatBucket('2026-09-30T20:00:00Z', 'hour', 'Asia/Kolkata')).toBe('01:30');
    expect(formatDateTimeInZone('2026-09-05T20:30:00Z', 'Asia/Kolkata')).toBe('06 Sep 2026, 02:00');
    expect(() => formatDateTimeInZone('2026-09-05T20:30:00Z', 'Mars/Base')).toThrow(RangeError);
  });

  it('reads a typed date day first, in the forms people write', () => {
    for (const typed of [
      '04 Dec 2026',
      '4 dec 2026',
      '4 December 2026',
      '04-Dec-2026',
      '4/12/2026',
      '04.12.2026',
      '4-12-2026',
      '2026-12-04',
      ' 4 Dec, 2026 ',
    ]) {
      expect(parseDateInput(typed), typed).toBe('2026-12-04');
    }
    expect(parseDateInput('12/03/2026')).toBe('2026-03-12'); // 12 March, as read in India
    expect(parseDateInput('4 Sept 2026')).toBe('2026-09-04');
  });

  it('refuses what is not a whole, real date', () => {
    for (const typed of ['', '4 Dec', '4/12/26', '31/02/2026', '2026-02-30', '4 Foo 2026', '13/13/2026', 'Dec 4 2026']) {
      expect(parseDateInput(typed), typed).toBeNull();
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  defaultGranularity,
  overviewFiltersToSearch,
  overviewQuery,
  pageRange,
  parseOverviewFilters,
  parseReconFilters,
  parseTxFilters,
  txWalkKey,
  reconFiltersToSearch,
  resolvePeriod,
  txFiltersToQuery,
  txFiltersToSearch,
} from './filters';

const sp = (s: string) => new URLSearchParams(s);

describe('transaction filters ⇄ URL', () => {
  it('parses defaults from an empty query', () => {
    expect(parseTxFilters(sp(''))).toEqual({
      source: undefined,
      project: undefined,
      status: undefined,
      from_date: undefined,
      to_date: undefined,
      search: undefined,
      page: 1,
      cursor: undefined,
      limit: 50,
      sort_by: 'created_at',
      order: 'desc',
      group: undefined,
    });
  });

  it('round-trips every filter', () => {
    const q =
      'source=payshack&project=91game&status=failed&from_date=2026-01-01&to_date=2026-01-15&search=abc%40x.in&page=3&limit=100&sort_by=amount&order=asc';
    const f = parseTxFilters(sp(q));
    expect(f).toMatchObject({ source: 'payshack', status: 'failed', search: 'abc@x.in', page: 3, sort_by: 'amount' });
    expect(parseTxFilters(txFiltersToSearch(f))).toEqual(f);
  });

  it('ignores invalid values and clamps the limit', () => {
    const f = parseTxFilters(sp('source=stripe&status=weird&from_date=15-01-2026&page=-2&limit=1000&sort_by=user_email'));
    expect(f.source).toBeUndefined();
    expect(f.status).toBeUndefined();
    expect(f.from_date).toBeUndefined();
    expect(f.page).toBe(1);
    expect(f.limit).toBe(100);
    expect(f.sort_by).toBe('created_at');
  });

  it('omits defaults from the URL and keeps extra params', () => {
    const f = parseTxFilters(sp('status=success'));
    expect(txFiltersToSearch(f, { id: 'abc' }).toString()).toBe('status=success&id=abc');
  });

  it('builds the API query with or without paging', () => {
    const f = parseTxFilters(sp('status=success&page=2'));
    expect(txFiltersToQuery(f)).toMatchObject({ status: 'success', page: 2, limit: 50, sort_by: 'created_at' });
    expect(txFiltersToQuery(f, false)).not.toHaveProperty('page');
  });

  it('sends a cursor instead of the page number, keeps both and the grouping in the URL', () => {
    const f = parseTxFilters(sp('status=success&page=3&cursor=eyJhIjoxfQ.abc_-&group=1'));
    expect(f).toMatchObject({ page: 3, cursor: 'eyJhIjoxfQ.abc_-', group: true });
    const q = txFiltersToQuery(f);
    expect(q).toMatchObject({ cursor: 'eyJhIjoxfQ.abc_-', limit: 50 });
    expect(q).not.toHaveProperty('page'); // the API refuses cursor with page > 1
    expect(txFiltersToQuery(f, false)).not.toHaveProperty('cursor');
    expect(parseTxFilters(txFiltersToSearch(f))).toEqual(f);
    expect(parseTxFilters(sp('cursor=has%20space')).cursor).toBeUndefined();
  });

  it('keys a cursor walk by the filters and sort, not by the position or the view', () => {
    const a = parseTxFilters(sp('status=success&page=3&cursor=abc&group=1'));
    const b = parseTxFilters(sp('status=success'));
    expect(txWalkKey(a)).toBe(txWalkKey(b));
    expect(txWalkKey(parseTxFilters(sp('status=success&order=asc')))).not.toBe(txWalkKey(b));
  });

  it('computes the visible range', () => {
    expect(pageRange(1, 50, 15420)).toEqual({ first: 1, last: 50 });
    expect(pageRange(309, 50, 15420)).toEqual({ first: 15401, last: 15420 });
    expect(pageRange(1, 50, 0)).toEqual({ first: 0, last: 0 });
  });
});

describe('overview filters ⇄ URL', () => {
  const now = new Date('2026-01-15T20:00:00Z'); // 16 Jan 01:30 in IST

  it('defaults to today in UTC', () => {
    const f = parseOverviewFilters(sp(''));
    expect(f).toMatchObject({ period: 'today', tz: 'UTC' });
    expect(overviewFiltersToSearch(f).toString()).toBe('');
    expect(overviewQuery(f, now)).toMatchObject({ from_date: '2026-01-15', to_date: '2026-01-15', timezone: 'UTC' });
  });

  it('resolves periods in the chosen zone', () => {
    expect(resolvePeriod({ period: 'today', tz: 'Asia/Kolkata' }, now)).toEqual({
      from_date: '2026-01-16',
      to_date: '2026-01-16',
    });
    expect(resolvePeriod({ period: 'yesterday', tz: 'UTC' }, now)).toEqual({
      from_date: '2026-01-14',
      to_date: '2026-01-14',
    });
    expect(resolvePeriod({ period: '7d', tz: 'UTC' }, now)).toEqual({ from_date: '2026-01-09', to_date: '2026-01-15' });
    expect(resolvePeriod({ period: '30d', tz: 'UTC' }, now).from_date).toBe('2025-12-17');
  });

  it('round-trips custom ranges, filters and zone', () => {
    const f = parseOverviewFilters(
      sp('period=custom&from=2026-01-01&to=2026-01-10&source=vima&project=91game&tz=Asia%2FKolkata&granularity=day'),
    );
    expect(f).toEqual({
      period: 'custom',
      from: '2026-01-01',
      to: '2026-01-10',
      source: 'vima',
      project: '91game',
      tz: 'Asia/Kolkata',
      granularity: 'day',
    });
    expect(parseOverviewFilters(overviewFiltersToSearch(f))).toEqual(f);
    expect(overviewQuery(f)).toMatchObject({ from_date: '2026-01-01', to_date: '2026-01-10', timezone: 'Asia/Kolkata' });
  });

  it('falls back to today for a broken custom range', () => {
    expect(parseOverviewFilters(sp('period=custom&from=2026-01-10&to=2026-01-01')).period).toBe('today');
  });

  it('picks a granularity for the span', () => {
    expect(defaultGranularity('2026-01-15', '2026-01-15')).toBe('hour');
    expect(defaultGranularity('2026-01-01', '2026-01-30')).toBe('day');
    expect(defaultGranularity('2025-01-01', '2026-01-01')).toBe('week');
  });
});

describe('reconciliation filters ⇄ URL', () => {
  it('round-trips', () => {
    const f = parseReconFilters(sp('date=2026-01-14&type=amount&resolution=open&page=2'), '2026-01-15');
    expect(f).toEqual({ date: '2026-01-14', type: 'amount', resolution: 'open', page: 2 });
    expect(reconFiltersToSearch(f, '2026-01-15').toString()).toBe('date=2026-01-14&type=amount&resolution=open&page=2');
    expect(parseReconFilters(sp(''), '2026-01-15').date).toBe('2026-01-15');
  });
});

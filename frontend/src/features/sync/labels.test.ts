import { describe, expect, it } from 'vitest';
import { completenessSentence, completenessTitle, kindLabel, readExpected, runRange, sourceHealth } from './labels';

describe('sync labels', () => {
  it('never calls an incomplete source healthy', () => {
    expect(sourceHealth('incomplete')).toEqual({ tone: 'pending', label: 'incomplete' });
    expect(sourceHealth('idle')).toEqual({ tone: 'success', label: 'healthy' });
    expect(sourceHealth('failed')).toEqual({ tone: 'failed', label: 'failed' });
  });

  it('says how much of what the provider reports the last run read', () => {
    expect(completenessSentence('payshack', 'incomplete', { status: 'incomplete', rows_read: 301, rows_expected: 6098 })).toEqual(
      {
        text: 'Last run read 301 of 6,098 pay-ins the provider reports — data may be missing.',
        warn: true,
      },
    );
  });

  it('says the provider stated no total when expected is null', () => {
    const s = completenessSentence('payshack', 'incomplete', { status: 'incomplete', rows_read: 1250, rows_expected: null });
    expect(s?.warn).toBe(true);
    expect(s?.text).toBe(
      'Last run read 1,250 pay-ins, but the provider stated no total, so completeness could not be shown — data may be missing.',
    );
  });

  it('still warns when an incomplete run has no numbers or its row totals add up', () => {
    expect(completenessSentence('payshack', 'incomplete', null)?.text).toMatch(
      /could not show it read everything.*may be missing/,
    );
    const even = completenessSentence('payshack', 'incomplete', { status: 'incomplete', rows_read: 500, rows_expected: 500 });
    expect(even?.warn).toBe(true);
    expect(even?.text).toContain('not every part of the listing could be shown complete');
  });

  it('confirms a complete run and says nothing without numbers', () => {
    expect(completenessSentence('payshack', 'idle', { status: 'success', rows_read: 6098, rows_expected: 6098 })).toEqual({
      text: 'Last run read all 6,098 pay-ins the provider reports.',
      warn: false,
    });
    expect(completenessSentence('vima', 'idle', { status: 'success', rows_read: null, rows_expected: null })).toBeNull();
    expect(completenessSentence('vima', 'idle', null)).toBeNull();
  });

  it('names run kinds', () => {
    expect(kindLabel('reread')).toBe('daily re-read');
    expect(kindLabel('backfill')).toBe('backfill');
    expect(kindLabel('refetch')).toBe('re-fetch');
    expect(kindLabel('incremental')).toBeNull();
  });

  it('shows read / expected and flags a short run', () => {
    expect(readExpected({ status: 'success', rows_read: 6098, rows_expected: 6098 })).toEqual({
      text: '6,098 / 6,098',
      short: false,
    });
    expect(readExpected({ status: 'incomplete', rows_read: 301, rows_expected: 6098 })).toEqual({
      text: '301 / 6,098',
      short: true,
    });
    expect(readExpected({ status: 'incomplete', rows_read: 40, rows_expected: null })).toEqual({ text: '40 / —', short: true });
    expect(readExpected({ status: 'success', rows_read: null, rows_expected: null })).toEqual({ text: '—', short: false });
  });

  it('describes each window of a run on hover', () => {
    const title = completenessTitle([
      {
        window: '2026-03-01..',
        unit: 'rows',
        expected: 6098,
        read: 301,
        rows_read: 301,
        ending: 'empty-page',
        attempts: 2,
        complete: false,
      },
      {
        window: 'status=INITIATED',
        unit: 'pages',
        expected: null,
        read: 3,
        rows_read: 250,
        ending: 'last-page',
        attempts: 1,
        complete: false,
      },
    ]);
    expect(title.split('\n')).toEqual([
      '2026-03-01..: the provider states 6,098 rows, accounted for 301 (301 rows read, ended: empty-page, 2 attempts) — NOT complete',
      'status=INITIATED: the provider stated no total, accounted for 3 (250 rows read, ended: last-page, 1 attempt) — NOT complete',
    ]);
    expect(completenessTitle(undefined)).toBe('');
  });
});

describe('runRange: the dates of a backfill run', () => {
  it('reads from/to, the params, or one day', () => {
    expect(runRange({ kind: 'backfill', from: '2026-12-01', to: '2026-12-04' })).toBe('01 Dec 2026 – 04 Dec 2026');
    expect(runRange({ kind: 'backfill', params: { from_date: '2026-11-02', to_date: '2026-11-03' } })).toBe(
      '02 Nov 2026 – 03 Nov 2026',
    );
    expect(runRange({ kind: 'backfill', params: { day: '2026-11-02' } })).toBe('02 Nov 2026');
  });
  it('is null for other runs and for a backfill without dates (older backend)', () => {
    expect(runRange({ kind: 'incremental', from: '2026-12-01', to: '2026-12-04' })).toBeNull();
    expect(runRange({ kind: 'backfill', params: null })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '@/lib/api/types';
import { freshness, freshnessTone, readsNote } from './freshness';

const now = new Date('2026-03-02T12:00:00Z');
function src(source: SourceStatus['source'], status: SourceStatus['status'], lastOk: string): SourceStatus {
  return {
    source,
    status,
    last_sync_at: lastOk,
    last_successful_sync: lastOk,
    records_synced: 1,
    next_sync_at: null,
    error_message: null,
    last_cursor: null,
    configured: true,
    sandbox: false,
  };
}

describe('freshness', () => {
  it('turns amber when a source is incomplete, even with recent data', () => {
    const f = freshness(
      { sources: [src('vima', 'idle', '2026-03-02T11:59:00Z'), src('payshack', 'incomplete', '2026-03-02T11:58:00Z')] },
      now,
    );
    expect(f).toEqual({ ts: '2026-03-02T11:58:00Z', age: 120, failing: false, incomplete: true, neverSynced: [] });
    expect(freshnessTone(f!.age, f!.failing, f!.incomplete)).toBe('pending');
    expect(freshnessTone(120, false, false)).toBe('success');
  });

  it('never says "never synced" for all while another source has synced', () => {
    const never = { ...src('payshack', 'idle', ''), last_successful_sync: null, last_sync_at: null };
    const f = freshness({ sources: [src('vima', 'idle', '2026-03-02T11:59:00Z'), never] }, now)!;
    expect(f.ts).toBe('2026-03-02T11:59:00Z');
    expect(f.neverSynced).toEqual(['payshack']);
    expect(freshnessTone(f.age, f.failing, f.incomplete, f.neverSynced.length > 0)).toBe('pending');
  });

  it('is neutral, not red, when no source has synced yet, and ignores unconfigured sources', () => {
    const never = (s: SourceStatus['source']) => ({ ...src(s, 'idle', ''), last_successful_sync: null, last_sync_at: null });
    const f = freshness({ sources: [never('vima'), never('payshack')] }, now)!;
    expect(f.ts).toBeNull();
    expect(freshnessTone(f.age, f.failing, f.incomplete, true)).toBe('neutral');
    const off = { ...never('payshack'), configured: false };
    const g = freshness({ sources: [src('vima', 'idle', '2026-03-02T11:59:00Z'), off] }, now)!;
    expect(g.neverSynced).toEqual([]);
    expect(freshnessTone(g.age, g.failing, g.incomplete, false)).toBe('success');
    expect(freshness(undefined, now)).toBeNull();
  });

  it('turns red only when the stalest synced source is over an hour old', () => {
    const f = freshness({ sources: [src('vima', 'idle', '2026-03-02T10:00:00Z')] }, now)!;
    expect(freshnessTone(f.age, false, false)).toBe('failed');
  });
});

describe('readsNote', () => {
  const at = '2026-03-02T11:59:56Z';
  it('says nothing without a replica', () => {
    expect(readsNote(undefined)).toBeNull();
    expect(readsNote({ source: 'primary', replica_configured: false, as_of: at, lag_seconds: null })).toBeNull();
  });
  it('names the replica and its lag, or the primary it fell back to', () => {
    expect(readsNote({ source: 'replica', replica_configured: true, as_of: at, lag_seconds: 0 })).toBe('replica');
    expect(readsNote({ source: 'replica', replica_configured: true, as_of: at, lag_seconds: 4.4 })).toBe('replica, 4 s behind');
    expect(readsNote({ source: 'primary', replica_configured: true, as_of: at, lag_seconds: 95 })).toBe(
      'primary (replica 95 s behind)',
    );
    expect(readsNote({ source: 'primary', replica_configured: true, as_of: at, lag_seconds: null })).toBe(
      'primary (replica unreachable)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '@/lib/api/types';
import { freshness, freshnessTone } from './freshness';

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
    expect(f).toEqual({ ts: '2026-03-02T11:58:00Z', age: 120, failing: false, incomplete: true });
    expect(freshnessTone(f!.age, f!.failing, f!.incomplete)).toBe('pending');
    expect(freshnessTone(120, false, false)).toBe('success');
  });
});

import { describe, expect, it } from 'vitest';
import { cleanParams, invalidationsFor, queryKeys } from './query-keys';

describe('query keys', () => {
  it('normalises params so equivalent filters share a key', () => {
    expect(queryKeys.transactions({ status: 'success', source: '', page: 1 })).toEqual(
      queryKeys.transactions({ page: 1, status: 'success', project: undefined }),
    );
    expect(Object.keys(cleanParams({ z: 1, a: 2, m: null }))).toEqual(['a', 'z']);
  });

  it('scopes keys by domain for prefix invalidation', () => {
    expect(queryKeys.overview({ from_date: '2026-01-15' })).toEqual(['metrics', 'overview', { from_date: '2026-01-15' }]);
    expect(queryKeys.reconSummary('2026-01-15')[0]).toBe('reconciliation');
    expect(queryKeys.transaction('abc')).toEqual(['transactions', 'detail', 'abc']);
  });

  it('maps live events to the domains they invalidate', () => {
    expect(invalidationsFor('sync.finished')).toContainEqual(['metrics']);
    expect(invalidationsFor('sync.finished')).toContainEqual(['transactions']);
    expect(invalidationsFor('recon.finished')).toEqual([['reconciliation']]);
  });
});

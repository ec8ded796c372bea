import { describe, expect, it } from 'vitest';
import { next, previous, trailFor, type Trail } from './cursor-trail';

describe('cursor trail', () => {
  const start: Trail = { walk: 'status=success', steps: [] };

  it('walks forward with cursors and back through the steps it took', () => {
    const a = next(start, { page: 1 }, 'c2');
    expect(a.to).toEqual({ page: 2, cursor: 'c2' });
    const b = next(a.trail, a.to, 'c3');
    expect(b.to).toEqual({ page: 3, cursor: 'c3' });
    const back = previous(b.trail, b.to, 50)!;
    expect(back.to).toEqual({ page: 2, cursor: 'c2' });
    const back2 = previous(back.trail, back.to, 50)!;
    expect(back2.to).toEqual({ page: 1 });
    expect(previous(back2.trail, back2.to, 50)).toBeNull();
  });

  it('falls back to page numbers without steps (a deep link), and to page 1 past the depth cap', () => {
    expect(previous(start, { page: 4 }, 50)!.to).toEqual({ page: 3 });
    expect(previous(start, { page: 4000, cursor: 'x' }, 50)!.to).toEqual({ page: 1 });
  });

  it('starts over when the filters change and forgets steps the back button undid', () => {
    const b = next(next(start, { page: 1 }, 'c2').trail, { page: 2, cursor: 'c2' }, 'c3').trail;
    expect(trailFor(b, 'status=failed', 1)).toEqual({ walk: 'status=failed', steps: [] });
    expect(trailFor(b, 'status=success', 2).steps).toEqual([{ page: 1 }]);
    expect(trailFor(b, 'status=success', 3)).toBe(b);
  });
});

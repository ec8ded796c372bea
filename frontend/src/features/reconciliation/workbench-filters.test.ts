import { describe, expect, it } from 'vitest';
import { parseWorkbench, withWorkbench } from './workbench-filters';
import { isReconciled } from './workbench-types';

const ID = '0b7f6a52-3f0e-4a5e-9a53-2f1d7c1e9a10';

describe('workbench URL state', () => {
  it('reads owner, age and the open row, ignoring junk', () => {
    expect(parseWorkbench(new URLSearchParams(`owner=me&age=d1_3&open=${ID}`))).toEqual({
      owner: 'me',
      age: 'd1_3',
      open: ID,
    });
    expect(parseWorkbench(new URLSearchParams('owner=bob&age=old&open=1'))).toEqual({
      owner: undefined,
      age: undefined,
      open: undefined,
    });
    expect(parseWorkbench(new URLSearchParams(`owner=${ID}`)).owner).toBe(ID);
  });

  it('adds and removes its keys without touching the others', () => {
    const base = new URLSearchParams('date=2026-12-04&owner=me');
    const sp = withWorkbench(base, { age: 'gt_3d' });
    expect(sp.toString()).toBe('date=2026-12-04&age=gt_3d');
    expect(base.get('owner')).toBe('me');
  });
});

describe('isReconciled', () => {
  it('trusts the flag, else whether the day has a run', () => {
    expect(isReconciled({ reconciled: false, run_id: 'x' })).toBe(false);
    expect(isReconciled({ run_id: null })).toBe(false);
    expect(isReconciled({ reconciled: undefined, run_id: 'x' })).toBe(true);
  });
});

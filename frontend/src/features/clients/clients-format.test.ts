import { describe, expect, it } from 'vitest';
import { PROJECT_SLUG } from './clients-api';
import { flatDomain, flatTicks, SOURCE_LABEL } from './clients-format';

describe('clients page helpers', () => {
  it('widens a flat balance so its line sits mid-chart, keeps a moving one', () => {
    expect(flatDomain([100, 100])).toEqual([95, 105]);
    expect(flatDomain([0, 0])).toEqual([-1, 1]);
    expect(flatDomain([90, 120])).toEqual([90, 120]);
    expect(flatTicks([7, 7])).toEqual([7]);
    expect(flatTicks([7, 8])).toBeUndefined();
  });

  it('accepts the slugs the API accepts', () => {
    for (const ok of ['91game', 'mncl_m5', 'indigate-payout']) expect(PROJECT_SLUG.test(ok)).toBe(true);
    for (const bad of ['', 'Not A Slug', '_lead', 'MNCL', 'a'.repeat(101)]) expect(PROJECT_SLUG.test(bad)).toBe(false);
  });

  it('names every project source', () => {
    expect(SOURCE_LABEL).toEqual({ admin: 'Set here', env: 'Default', none: 'Unmapped' });
  });
});

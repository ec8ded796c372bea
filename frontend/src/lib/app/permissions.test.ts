import { describe, expect, it } from 'vitest';
import { can } from './permissions';

describe('role permissions', () => {
  it('admin can do everything', () => {
    for (const a of ['settings.view', 'sync.trigger', 'sync.backfill', 'recon.run', 'recon.resolve', 'export'] as const) {
      expect(can('admin', a)).toBe(true);
    }
  });
  it('analyst runs reconciliation, resolves and exports, but no admin things', () => {
    expect(can('analyst', 'recon.run')).toBe(true);
    expect(can('analyst', 'recon.resolve')).toBe(true);
    expect(can('analyst', 'export')).toBe(true);
    expect(can('analyst', 'sync.trigger')).toBe(false);
    expect(can('analyst', 'settings.view')).toBe(false);
  });
  it('viewer is read-only', () => {
    expect(can('viewer', 'export')).toBe(false);
    expect(can('viewer', 'recon.resolve')).toBe(false);
    expect(can(null, 'export')).toBe(false);
  });
});

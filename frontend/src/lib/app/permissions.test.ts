import { describe, expect, it } from 'vitest';
import { can, whyNot } from './permissions';

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

describe('whyNot: the reason a control is disabled', () => {
  it('names the roles that may act', () => {
    expect(whyNot('viewer', 'recon.resolve')).toBe('Analysts and admins can resolve discrepancies.');
    expect(whyNot('analyst', 'sync.trigger')).toBe('Only admins can trigger a sync.');
    expect(whyNot('viewer', 'export')).toBe('Analysts and admins can export.');
  });
  it('is null when the role may act', () => {
    expect(whyNot('admin', 'sync.backfill')).toBeNull();
    expect(whyNot('analyst', 'recon.run')).toBeNull();
  });
});

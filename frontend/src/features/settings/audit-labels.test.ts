import { describe, expect, it } from 'vitest';
import { actionName, targetName } from './audit-labels';

describe('audit log in words', () => {
  it("prefers the backend's labels", () => {
    expect(actionName({ action: 'token.create', action_label: 'Created API token' })).toBe('Created API token');
    expect(targetName({ target: '5f1c…uuid', target_label: 'ci-export-key' })).toBe('ci-export-key');
  });
  it('without labels (older backend): a known name, else the code in words; the raw target', () => {
    expect(actionName({ action: 'sync.backfill' })).toBe('Started a backfill');
    expect(actionName({ action: 'discrepancy.bulk_resolve' })).toBe('Discrepancy bulk resolve');
    expect(targetName({ target: 'vima' })).toBe('vima');
    expect(targetName({ target: null })).toBe('—');
  });
});

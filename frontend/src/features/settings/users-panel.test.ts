import { describe, expect, it } from 'vitest';
import { roleConsequence, roleQuestion } from './users-panel';

describe('role change confirmation', () => {
  it('asks with the e-mail and the new role', () => {
    expect(roleQuestion('a@b.c', 'admin')).toBe('Make a@b.c an admin?');
    expect(roleQuestion('a@b.c', 'viewer')).toBe('Make a@b.c a viewer?');
  });
  it('says what the new role can do, and that an admin loses admin rights', () => {
    expect(roleConsequence('viewer', 'admin')).toMatch(/^They will be able to manage users, roles and API tokens/);
    expect(roleConsequence('admin', 'analyst')).toContain('They lose admin rights');
    expect(roleConsequence('viewer', 'analyst')).not.toContain('lose admin');
  });
});

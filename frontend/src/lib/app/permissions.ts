import type { Role } from '../api/types';

/** What each role may do in the UI (the server enforces the same rules; this only hides). */
export type Action = 'settings.view' | 'sync.trigger' | 'sync.backfill' | 'recon.run' | 'recon.resolve' | 'export';

const RULES: Record<Action, Role[]> = {
  'settings.view': ['admin'],
  'sync.trigger': ['admin'],
  'sync.backfill': ['admin'],
  'recon.run': ['admin', 'analyst'],
  'recon.resolve': ['admin', 'analyst'],
  export: ['admin', 'analyst'],
};

export function can(role: Role | null | undefined, action: Action): boolean {
  return !!role && RULES[action].includes(role);
}

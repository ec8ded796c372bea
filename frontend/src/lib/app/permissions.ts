import type { Role } from '../api/types';

/** What each role may do in the UI (the server enforces the same rules; the UI explains). */
export type Action = 'settings.view' | 'sync.trigger' | 'sync.backfill' | 'recon.run' | 'recon.resolve' | 'export';

const RULES: Record<Action, Role[]> = {
  'settings.view': ['admin'],
  'sync.trigger': ['admin'],
  'sync.backfill': ['admin'],
  'recon.run': ['admin', 'analyst'],
  'recon.resolve': ['admin', 'analyst'],
  export: ['admin', 'analyst'],
};

/** The verb of the reason sentence: "Analysts and admins can resolve". */
const VERB: Record<Action, string> = {
  'settings.view': 'open settings',
  'sync.trigger': 'trigger a sync',
  'sync.backfill': 'start a backfill',
  'recon.run': 'run a reconciliation',
  'recon.resolve': 'resolve discrepancies',
  export: 'export',
};

const PLURAL: Record<Role, string> = { admin: 'admins', analyst: 'analysts', viewer: 'viewers' };

export function can(role: Role | null | undefined, action: Action): boolean {
  return !!role && RULES[action].includes(role);
}

/** Why a control is disabled for this role, in one sentence; null when the role may use it. */
export function whyNot(role: Role | null | undefined, action: Action): string | null {
  if (can(role, action)) return null;
  // Most privileged last reads naturally: "Analysts and admins", "Only admins".
  const who = [...RULES[action]].reverse().map((r) => PLURAL[r]);
  const subject = who.length === 1 ? `Only ${who[0]}` : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`;
  return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} can ${VERB[action]}.`;
}

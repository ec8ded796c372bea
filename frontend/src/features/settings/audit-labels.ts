/**
 * The audit log in words. The backend is adding `action_label` (a human action name) and
 * `target_label` (the target's own name: the API key's label, the user's e-mail…); until it
 * has (an older backend), the action code is turned into words here and the raw target kept.
 */
import type { AuditEntry } from '@/lib/api/types';

export type AuditRow = AuditEntry & { action_label?: string | null; target_label?: string | null };

const KNOWN: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.login_failed': 'Failed sign-in',
  'user.create': 'Added a user',
  'user.update': 'Changed a user',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
  'sync.trigger': 'Triggered a sync',
  'sync.backfill': 'Started a backfill',
  'recon.run': 'Ran a reconciliation',
  'reconciliation.run': 'Ran a reconciliation',
  'discrepancy.resolve': 'Resolved a discrepancy',
  'export.transactions': 'Exported transactions',
  'export.reconciliation': 'Exported a reconciliation',
};

/** "Started a backfill" — the backend's label, a known name, or the code in plain words. */
export function actionName(a: { action: string; action_label?: string | null }): string {
  if (a.action_label) return a.action_label;
  if (KNOWN[a.action]) return KNOWN[a.action]!;
  const words = a.action.replace(/[._]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : a.action;
}

/** The target's own name (key, e-mail…), else the raw target, else a dash. */
export function targetName(a: { target?: string | null; target_label?: string | null }): string {
  return a.target_label || a.target || '—';
}

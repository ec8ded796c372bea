/**
 * The alerts API's shapes (docs/alerts.md), written by hand until schema.d.ts is
 * regenerated from a backend that has them. Fields an older backend may lack are optional
 * so the UI never crashes on their absence.
 */

export type AlertSeverity = 'critical' | 'warning';
export type AlertState = 'firing' | 'resolved';
export type ScopeType = 'all' | 'source' | 'project';

export const ALERT_KINDS = [
  'success_rate_low',
  'traffic_stopped',
  'failures_spike',
  'sync_unhealthy',
  'browser_source_problem',
  'recon_money_at_risk',
  'recon_discrepancy_jump',
  'recon_not_reconciled',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertScope {
  type: ScopeType;
  value: string | null;
}

export interface TransactionsEvidence {
  from: string;
  to: string;
  project?: string | null;
  source?: string | null;
  status?: string | null;
}

export interface AlertEvidence {
  transactions?: TransactionsEvidence | null;
  sync_run_id?: string | null;
  source?: string | null;
  recon_date?: string | null;
  screenshot_url?: string | null;
}

export interface AlertNotification {
  channel: string;
  event: 'firing' | 'resolved';
  status: string;
  attempts: number;
  delivered_at: string | null;
}

export interface Alert {
  id: string;
  rule_id: string;
  rule_name: string;
  kind: string;
  severity: AlertSeverity;
  scope: AlertScope;
  state: AlertState;
  title: string;
  message: string;
  value: string | number | null;
  threshold: string | number | null;
  fired_at: string;
  resolved_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  evidence?: AlertEvidence | null;
  notifications?: AlertNotification[] | null;
}

export interface AlertsSummary {
  firing: number;
  unacknowledged: number;
  latest: Alert[];
}

export type RuleParams = Record<string, string | number | null | undefined>;

export interface Rule {
  id: string;
  name: string;
  kind: string;
  severity: AlertSeverity;
  scope: AlertScope;
  params: RuleParams;
  cooldown_minutes: number;
  enabled: boolean;
  channel_ids: string[];
  created_at: string;
  updated_at: string;
  state?: { firing: number } | null;
}

export type RulePatch = Partial<
  Pick<Rule, 'name' | 'params' | 'scope' | 'cooldown_minutes' | 'enabled' | 'severity' | 'channel_ids'>
>;

export type ChannelKind = 'in_app' | 'webhook' | 'email';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['in_app', 'webhook', 'email'];
export type WebhookFormat = 'slack' | 'telegram' | 'json';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['slack', 'telegram', 'json'];

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  target: string | null;
  format: WebhookFormat | null;
  has_secret: boolean;
  enabled: boolean;
  created_at: string;
}

export interface NewChannel {
  name: string;
  kind: ChannelKind;
  url?: string;
  format?: WebhookFormat;
  chat_id?: string;
  to?: string;
  secret?: string;
  secret_env?: string;
}

export interface ChannelTest {
  delivered: boolean;
  status: string;
  error: string | null;
}

export interface AlertFilters {
  state: 'firing' | 'history';
  kind?: string;
  project?: string;
  source?: string;
  acknowledged?: 'true' | 'false';
  page: number;
}

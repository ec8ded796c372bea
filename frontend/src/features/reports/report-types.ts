/** Shapes of the reports API (docs/reports.md); hand-written until the schema is regenerated. */

export const REPORT_KINDS = ['daily_summary', 'weekly_reconciliation'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_CHANNELS = ['email', 'webhook'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];
export const REPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface Delivery {
  id: number;
  schedule_id: string;
  due_at: string;
  trigger: 'schedule' | 'manual';
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
  next_attempt_at: string | null;
  period_from: string;
  period_to: string;
  requested_by: string | null;
}

export interface Schedule {
  id: string;
  name: string;
  kind: ReportKind;
  channel: ReportChannel;
  recipients: string[];
  webhook_url_set: boolean;
  webhook_target: string | null;
  formats: ReportFormat[];
  send_at: string;
  timezone: string;
  weekday: number | null;
  enabled: boolean;
  next_run_at: string | null;
  last_delivery: Delivery | null;
  created_by: string | null;
  created_at: string;
}

/** POST /reports/schedules (PATCH takes any subset but the kind). */
export interface ScheduleBody {
  name: string;
  kind?: ReportKind;
  channel: ReportChannel;
  recipients: string[];
  webhook_url?: string;
  formats: ReportFormat[];
  send_at: string;
  timezone: string;
  weekday: number | null;
  enabled: boolean;
}

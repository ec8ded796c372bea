import type { Delivery, ReportChannel, ReportFormat, ReportKind, Schedule, ScheduleBody } from './report-types';

export const KIND_LABEL: Record<ReportKind, string> = {
  daily_summary: 'Daily summary',
  weekly_reconciliation: 'Weekly reconciliation',
};
export const KIND_HINT: Record<ReportKind, string> = {
  daily_summary: "Yesterday's KPIs per source and project, the reconciliation and money at risk, the top exceptions.",
  weekly_reconciliation: 'The last 7 days of reconciliation: per-day counts and money at risk, the top exceptions.',
};
export const CHANNEL_LABEL: Record<ReportChannel, string> = { email: 'E-mail', webhook: 'Webhook' };
export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
/** Zones offered in the form; a schedule's own zone is added when it is not among them. */
export const REPORT_ZONES = [
  'UTC',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Singapore',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
] as const;

export interface ScheduleForm {
  name: string;
  kind: ReportKind;
  channel: ReportChannel;
  recipients: string;
  webhookUrl: string;
  formats: ReportFormat[];
  sendAt: string;
  timezone: string;
  weekday: number;
  enabled: boolean;
}

export function emptyForm(): ScheduleForm {
  return {
    name: '',
    kind: 'daily_summary',
    channel: 'email',
    recipients: '',
    webhookUrl: '',
    formats: ['csv', 'xlsx'],
    sendAt: '08:00',
    timezone: 'Asia/Kolkata',
    weekday: 0,
    enabled: true,
  };
}

export function formOf(s: Schedule): ScheduleForm {
  return {
    name: s.name,
    kind: s.kind,
    channel: s.channel,
    recipients: s.recipients.join(', '),
    webhookUrl: '',
    formats: s.formats,
    sendAt: s.send_at,
    timezone: s.timezone,
    weekday: s.weekday ?? 0,
    enabled: s.enabled,
  };
}

const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const TIME_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * The body to send, or the error to show. Editing (`existing`) keeps the stored webhook URL
 * when the field is left empty (the URL is write-only) and never sends the kind.
 */
export function scheduleBody(f: ScheduleForm, existing?: Schedule): { body: ScheduleBody | null; error: string | null } {
  const name = f.name.trim();
  if (!name) return { body: null, error: 'Give the schedule a name.' };
  if (!TIME_RE.test(f.sendAt)) return { body: null, error: 'The time is HH:MM, 00:00 to 23:59.' };
  const recipients = f.recipients
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  let webhook_url: string | undefined;
  if (f.channel === 'email') {
    if (!recipients.length) return { body: null, error: 'Add at least one e-mail address.' };
    const bad = recipients.find((r) => !EMAIL_RE.test(r));
    if (bad) return { body: null, error: `“${bad}” is not an e-mail address.` };
  } else {
    const text = f.webhookUrl.trim();
    if (text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { body: null, error: 'The webhook URL is not a URL (https://…).' };
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return { body: null, error: 'The webhook URL must be http(s).' };
      webhook_url = url.toString();
    } else if (!existing?.webhook_url_set) {
      return { body: null, error: 'A webhook schedule needs a URL.' };
    }
  }
  const body: ScheduleBody = {
    name,
    channel: f.channel,
    recipients: f.channel === 'email' ? recipients : [],
    formats: f.formats,
    send_at: f.sendAt,
    timezone: f.timezone,
    weekday: f.kind === 'weekly_reconciliation' ? f.weekday : null,
    enabled: f.enabled,
    ...(webhook_url ? { webhook_url } : {}),
    ...(existing ? {} : { kind: f.kind }),
  };
  return { body, error: null };
}

/** "Daily at 08:00 (Asia/Kolkata)" / "Mondays at 06:00 (UTC)". */
export function cadenceText(s: Pick<Schedule, 'kind' | 'send_at' | 'timezone' | 'weekday'>): string {
  const day = s.kind === 'weekly_reconciliation' && s.weekday != null ? `${WEEKDAY_NAMES[s.weekday]}s` : 'Daily';
  return `${day} at ${s.send_at} (${s.timezone})`;
}

/** The days a delivery covers: "2026-12-05" or "2026-11-29 – 2026-12-05". */
export function periodText(d: Pick<Delivery, 'period_from' | 'period_to'>): string {
  return d.period_from === d.period_to ? d.period_from : `${d.period_from} – ${d.period_to}`;
}

export function deliveryTone(status: Delivery['status']): 'success' | 'failed' | 'pending' | 'info' {
  if (status === 'sent') return 'success';
  if (status === 'failed') return 'failed';
  return status === 'sending' ? 'info' : 'pending';
}

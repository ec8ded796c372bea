import { SOURCE_NAME } from '@/components/ui/badge';
import { formatDateTime, tzLabel, type TimeZone } from '@/lib/dates';
import { formatCount, formatMoney, parseDecimal } from '@/lib/money';
import type { Source } from '@/lib/api/types';
import { ALERT_KINDS, type Alert, type AlertFilters, type AlertScope, type RuleParams } from './alert-types';

/** How each rule kind is named in the UI. */
export const KIND_LABEL: Record<string, string> = {
  success_rate_low: 'Success rate low',
  traffic_stopped: 'Traffic stopped',
  failures_spike: 'Failures spike',
  sync_unhealthy: 'Sync unhealthy',
  browser_source_problem: 'Browser source problem',
  recon_money_at_risk: 'Money at risk',
  recon_discrepancy_jump: 'Discrepancy jump',
  recon_not_reconciled: 'Day not reconciled',
};

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind.replace(/_/g, ' ');
}

/**
 * One editable number of a rule: decimals travel as strings, whole numbers as integers. The
 * bounds are the API's (alerts/rules.py), so the dialog refuses what the server would.
 */
export interface ParamSpec {
  key: string;
  label: string;
  unit: string;
  integer: boolean;
  min: number;
  /** `min` itself is not allowed ("more than 0"). */
  minExclusive?: boolean;
  max?: number;
}

export const PARAM_SPECS: Record<string, ParamSpec[]> = {
  success_rate_low: [
    { key: 'threshold_pct', label: 'Success rate below', unit: '%', integer: false, min: 0, minExclusive: true, max: 100 },
    { key: 'window_minutes', label: 'Over the last', unit: 'min', integer: true, min: 5, max: 1440 },
    { key: 'min_volume', label: 'Minimum pay-ins', unit: 'pay-ins', integer: true, min: 1, max: 1_000_000 },
  ],
  traffic_stopped: [
    { key: 'quiet_minutes', label: 'Quiet for', unit: 'min', integer: true, min: 5, max: 1440 },
    { key: 'min_usual_per_hour', label: 'Usually at least', unit: 'per hour', integer: false, min: 0 },
  ],
  failures_spike: [
    { key: 'factor', label: 'Failed above', unit: '× usual', integer: false, min: 0, minExclusive: true },
    { key: 'min_failed', label: 'At least', unit: 'failed', integer: true, min: 1, max: 1_000_000 },
  ],
  sync_unhealthy: [{ key: 'lag_minutes', label: 'Lagging more than', unit: 'min', integer: true, min: 1, max: 10080 }],
  browser_source_problem: [],
  recon_money_at_risk: [{ key: 'amount', label: 'Money at risk above', unit: '₹', integer: false, min: 0 }],
  recon_discrepancy_jump: [
    {
      key: 'points',
      label: 'Discrepancy rate up more than',
      unit: 'points',
      integer: false,
      min: 0,
      minExclusive: true,
      max: 100,
    },
  ],
  recon_not_reconciled: [{ key: 'by_hour', label: 'Not reconciled by', unit: 'o’clock', integer: true, min: 0, max: 23 }],
};

export function paramSpecs(kind: string, params: RuleParams = {}): ParamSpec[] {
  const known = PARAM_SPECS[kind];
  if (known) return known;
  // A kind newer than this UI: its numeric params, edited as decimals.
  return Object.keys(params).map((key) => ({ key, label: key.replace(/_/g, ' '), unit: '', integer: false, min: 0 }));
}

const INTEGER_RE = /^\d+$/;
// The API keeps at most 4 decimal places.
const DECIMAL_RE = /^\d+(\.\d{1,4})?$/;

/** Decimal text compared without floats: -1, 0, 1 for a < b, =, >. */
export function compareDecimal(a: string, b: string): number {
  const pa = parseDecimal(a);
  const pb = parseDecimal(b);
  if (!pa || !pb) return 0;
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const sign = pa.negative ? -1 : 1;
  const ia = pa.int.replace(/^0+(?=\d)/, '');
  const ib = pb.int.replace(/^0+(?=\d)/, '');
  if (ia.length !== ib.length) return (ia.length < ib.length ? -1 : 1) * sign;
  const width = Math.max(pa.frac.length, pb.frac.length);
  const da = ia + pa.frac.padEnd(width, '0');
  const db = ib + pb.frac.padEnd(width, '0');
  return (da === db ? 0 : da < db ? -1 : 1) * sign;
}

/**
 * The rule dialog's numbers → the PATCH's `params`, or an error per field. Integers become
 * numbers; decimals stay the text typed (exact, never a float).
 */
export function validateParams(
  kind: string,
  values: Record<string, string>,
): { params: RuleParams; errors: Record<string, string> } {
  const params: RuleParams = {};
  const errors: Record<string, string> = {};
  for (const spec of paramSpecs(kind, values)) {
    const raw = (values[spec.key] ?? '').trim();
    const low = spec.minExclusive ? `more than ${spec.min}` : `at least ${spec.min}`;
    const range =
      spec.max === undefined
        ? low
        : spec.minExclusive
          ? `more than ${spec.min} and at most ${spec.max}`
          : `between ${spec.min} and ${spec.max}`;
    if (!raw) {
      errors[spec.key] = 'Required.';
      continue;
    }
    if (!(spec.integer ? INTEGER_RE : DECIMAL_RE).test(raw)) {
      errors[spec.key] = spec.integer ? 'A whole number, please.' : 'A number with at most 4 decimals, please (e.g. 85 or 85.5).';
      continue;
    }
    const belowMin = compareDecimal(raw, String(spec.min)) < (spec.minExclusive ? 1 : 0);
    if (belowMin || (spec.max !== undefined && compareDecimal(raw, String(spec.max)) > 0)) {
      errors[spec.key] = `Must be ${range}.`;
      continue;
    }
    params[spec.key] = spec.integer ? Number(raw) : raw;
  }
  return { params, errors };
}

export function validateCooldown(raw: string): string | null {
  const t = raw.trim();
  if (!INTEGER_RE.test(t)) return 'A whole number of minutes, please.';
  return Number(t) > 10080 ? 'At most 10080 minutes (a week).' : null;
}

/** A rule's thresholds in one line: "Success rate below 85 % · Over the last 60 min · …". */
export function paramsSummary(kind: string, params: RuleParams | null | undefined): string {
  const specs = paramSpecs(kind, params ?? {});
  if (!specs.length) return 'No thresholds';
  return specs
    .map((s) => {
      const v = params?.[s.key];
      if (v === null || v === undefined || v === '') return `${s.label} —`;
      if (s.unit === '₹') return `${s.label} ${formatMoney(v, { decimals: 0 })}`;
      if (s.unit === 'o’clock') return `${s.label} ${String(v).padStart(2, '0')}:00`;
      return `${s.label} ${formatNumber(v)} ${s.unit}`;
    })
    .join(' · ');
}

function formatNumber(v: string | number): string {
  const p = parseDecimal(v);
  if (!p) return String(v);
  const frac = p.frac.replace(/0+$/, '');
  return `${formatCount(`${p.negative ? '-' : ''}${p.int}`)}${frac ? `.${frac}` : ''}`;
}

export function scopeText(scope: AlertScope | null | undefined): string {
  if (!scope || scope.type === 'all' || !scope.value) return 'All';
  if (scope.type === 'source') return SOURCE_NAME[scope.value as Source] ?? scope.value;
  return scope.value;
}

/**
 * What an alert is about: its rule's scope, or — for a rule over everything, which fires
 * per project/source — the project and source its evidence names ("91game · PayShack").
 */
export function alertSubject(alert: Pick<Alert, 'scope' | 'evidence'>): string {
  if (alert.scope && alert.scope.type !== 'all' && alert.scope.value) return scopeText(alert.scope);
  const e = alert.evidence;
  const source = e?.transactions?.source ?? e?.source ?? null;
  const parts = [e?.transactions?.project, source ? (SOURCE_NAME[source as Source] ?? source) : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'All';
}

/** An alert's value or threshold in its kind's unit; null → "—". */
export function formatAlertValue(kind: string, v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  switch (kind) {
    case 'success_rate_low':
      return `${formatNumber(v)} %`;
    case 'recon_money_at_risk':
      return formatMoney(v);
    case 'recon_discrepancy_jump':
      return `${formatNumber(v)} points`;
    case 'traffic_stopped':
    case 'sync_unhealthy':
      return `${formatNumber(v)} min`;
    default:
      return formatNumber(v);
  }
}

/** "04 Dec 2026, 09:12 IST"; null → "—". */
export function formatWhen(ts: string | null | undefined, tz: TimeZone): string {
  return ts ? `${formatDateTime(ts, tz, false)} ${tzLabel(tz)}` : '—';
}

/** The bell's accessible name: "Alerts: 2 firing". */
export function bellLabel(firing: number): string {
  return firing > 0 ? `Alerts: ${firing} firing` : 'Alerts: none firing';
}

export interface EvidenceLink {
  key: 'transactions' | 'sync' | 'reconciliation' | 'screenshot';
  label: string;
  href: string;
  /** Opens outside the app (the screenshot image, in a new tab). */
  external?: boolean;
}

/** UTC calendar day of an instant (the transactions page's dates are UTC days by default). */
function utcDay(ts: string, endExclusive = false): string | null {
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return null;
  // An end at exactly midnight belongs to the day before.
  return new Date(endExclusive ? ms - 1 : ms).toISOString().slice(0, 10);
}

/** Links from an alert to what made it fire: the transactions, the sync run, the reconciliation day, the screenshot. */
export function evidenceLinks(alert: Pick<Alert, 'evidence'>): EvidenceLink[] {
  const e = alert.evidence;
  if (!e) return [];
  const links: EvidenceLink[] = [];
  const tx = e.transactions;
  if (tx) {
    const sp = new URLSearchParams();
    if (tx.source) sp.set('source', tx.source);
    if (tx.project) sp.set('project', tx.project);
    if (tx.status) sp.set('status', tx.status);
    const from = tx.from ? utcDay(tx.from) : null;
    const to = tx.to ? utcDay(tx.to, true) : null;
    if (from) sp.set('from_date', from);
    if (to && (!from || to >= from)) sp.set('to_date', to);
    const qs = sp.toString();
    links.push({ key: 'transactions', label: 'Transactions', href: `/transactions/${qs ? `?${qs}` : ''}` });
  }
  if (e.sync_run_id || e.source) {
    const sp = new URLSearchParams();
    if (e.sync_run_id) sp.set('run', e.sync_run_id);
    if (e.source) sp.set('source', e.source);
    links.push({ key: 'sync', label: e.sync_run_id ? 'Sync run' : 'Sync status', href: `/sync/?${sp.toString()}` });
  }
  if (e.recon_date) {
    links.push({
      key: 'reconciliation',
      label: 'Reconciliation day',
      href: `/reconciliation/?date=${encodeURIComponent(e.recon_date)}`,
    });
  }
  if (e.screenshot_url) links.push({ key: 'screenshot', label: 'Screenshot', href: e.screenshot_url, external: true });
  return links;
}

// ---- filters ⇄ URL ---------------------------------------------------------------------
type Reader = Pick<URLSearchParams, 'get'>;

export function parseAlertFilters(sp: Reader): AlertFilters {
  const kind = sp.get('kind');
  const ack = sp.get('acknowledged');
  const page = Number(sp.get('page'));
  const text = (v: string | null) => v?.trim().slice(0, 100) || undefined;
  return {
    state: sp.get('tab') === 'history' ? 'history' : 'firing',
    kind: kind && (ALERT_KINDS as readonly string[]).includes(kind) ? kind : undefined,
    project: text(sp.get('project')),
    source: sp.get('source') === 'vima' || sp.get('source') === 'payshack' ? (sp.get('source') as string) : undefined,
    acknowledged: ack === 'true' || ack === 'false' ? ack : undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function alertFiltersToSearch(f: AlertFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.state === 'history') sp.set('tab', 'history');
  if (f.kind) sp.set('kind', f.kind);
  if (f.project) sp.set('project', f.project);
  if (f.source) sp.set('source', f.source);
  if (f.acknowledged) sp.set('acknowledged', f.acknowledged);
  if (f.page > 1) sp.set('page', String(f.page));
  return sp;
}

/** Why a role may not do an alerts action (the server enforces the same); null when it may. */
export function alertsWhyNot(role: string | null | undefined, action: 'acknowledge' | 'edit'): string | null {
  if (action === 'acknowledge') {
    return role === 'admin' || role === 'analyst' ? null : 'Analysts and admins can acknowledge alerts.';
  }
  return role === 'admin' ? null : 'Only admins can edit alert rules and channels.';
}

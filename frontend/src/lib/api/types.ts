/**
 * Hand-written API types matching shared/spec/api-contract.md (+ the fields listed in
 * docs/frontend.md "What the frontend assumes"). When `openapi.json` lands, `npm run gen:api`
 * writes `schema.d.ts` next to this file; these types then become aliases of the generated
 * ones (or are checked against them). The sync types already do both: the completeness shapes
 * are aliases, and `_SchemaChecks` at the end fails the typecheck when they drift apart.
 */
import type { components } from './schema';

/** Money: a JSON number (≤ 4 decimals) or, when a double would lose digits, its decimal string. */
export type Money = number | string;
export type IsoDate = string; // YYYY-MM-DD
export type Timestamp = string; // ISO-8601 UTC with Z

export type Source = 'vima' | 'payshack';
export const SOURCES: Source[] = ['vima', 'payshack'];
export type TxStatus = 'success' | 'failed' | 'pending' | 'refunded';
export const TX_STATUSES: TxStatus[] = ['success', 'failed', 'pending', 'refunded'];
export type Role = 'admin' | 'analyst' | 'viewer';
export const ROLES: Role[] = ['admin', 'analyst', 'viewer'];

export interface PageMeta {
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

export interface Envelope<T> {
  data: T;
  meta?: PageMeta;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | null };
}

// ---- auth ------------------------------------------------------------------------------
export interface Me {
  id: string;
  email: string;
  role: Role;
  csrf_token: string;
}

// ---- transactions ---------------------------------------------------------------------
export interface Transaction {
  id: string;
  source: Source;
  source_id: string | null;
  reference_id: string | null;
  client_operation_id: string | null;
  order_id: string | null;
  project: string | null;
  merchant_id: string | null;
  amount: Money;
  currency: string;
  fee: Money | null;
  status: TxStatus;
  original_status: string | null;
  user_id: string | null;
  user_email: string | null;
  user_phone: string | null;
  user_name: string | null;
  country: string | null;
  utr: string | null;
  payment_method: string | null;
  payment_product: string | null;
  created_at: Timestamp;
  updated_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Optional: server-computed amount − fee. Shown when present. */
  net_amount?: Money | null;
}

export interface TransactionDetail extends Transaction {
  raw_data: unknown;
}

export type SortBy = 'created_at' | 'amount' | 'status' | 'updated_at';
export type SortOrder = 'asc' | 'desc';

// ---- metrics ---------------------------------------------------------------------------
export interface Period {
  from: IsoDate;
  to: IsoDate;
}
export interface CountAmount {
  count: number;
  amount: Money;
}
export interface Overview {
  period: Period;
  total: CountAmount & { currency: string };
  by_status: Partial<Record<TxStatus, CountAmount>>;
  by_source: Partial<Record<Source, CountAmount>>;
  conversion_rate: number | null;
  avg_ticket: Money | null;
  trends: {
    total_change: number | null;
    success_change: number | null;
    failed_change: number | null;
    /** Optional beyond the contract; the cards show "—" when absent. */
    conversion_change?: number | null;
    pending_change?: number | null;
    avg_ticket_change?: number | null;
  };
}

export interface ProjectMetric {
  /** null: transactions of no known project (e.g. a PayShack client missing from the map). */
  project: string | null;
  count: number;
  amount: Money;
  success_rate: number | null;
}
export interface ByProject {
  period: Period;
  projects: ProjectMetric[];
}

export type Granularity = 'hour' | 'day' | 'week';
export interface TrendPoint {
  timestamp: Timestamp;
  count: number;
  amount: Money;
  success_count: number;
  failed_count: number;
}
export interface Trends {
  period: Period;
  granularity: Granularity;
  points: TrendPoint[];
}

export interface HeatmapCell {
  weekday: number; // 0 = Monday
  hour: number; // 0–23
  count: number;
  amount: Money;
}
export interface Heatmap {
  cells: HeatmapCell[];
}

// ---- reconciliation --------------------------------------------------------------------
export type DiscrepancyType = 'amount' | 'status' | 'time' | 'duplicate' | 'missing_vima' | 'missing_payshack';
export const DISCREPANCY_TYPES: DiscrepancyType[] = ['amount', 'status', 'time', 'duplicate', 'missing_vima', 'missing_payshack'];
export type Resolution = 'open' | 'acknowledged' | 'resolved';
export const RESOLUTIONS: Resolution[] = ['open', 'acknowledged', 'resolved'];

export interface ReconSummary {
  date: IsoDate;
  run_id: string | null;
  run_at: Timestamp | null;
  total_transactions: number;
  matched: { count: number; percentage: number };
  discrepancies: { count: number; percentage: number; by_type: Partial<Record<string, number>> };
  missing: { count: number; percentage: number; missing_vima: number; missing_payshack: number };
  coverage?: 'partial' | 'complete';
  watermarks?: Partial<Record<Source, Timestamp | null>>;
  money_at_risk?: { total: Money; by_type: Partial<Record<string, Money>>; oldest_open_at: Timestamp | null };
  changes?: { new: number; cleared: number; changed_type: number };
}

export interface Discrepancy {
  id: string;
  recon_date: IsoDate;
  client_operation_id: string | null;
  match_status: 'discrepancy' | 'missing_vima' | 'missing_payshack';
  discrepancy_type: 'amount' | 'status' | 'time' | 'duplicate' | 'missing' | null;
  vima_txn_id: string | null;
  payshack_txn_id: string | null;
  vima_amount: Money | null;
  payshack_amount: Money | null;
  amount_diff: Money | null;
  vima_status: string | null;
  payshack_status: string | null;
  created_at: Timestamp;
  resolution: Resolution;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  note: string | null;
  provisional: boolean;
}

export interface RunResult {
  run_id: string;
  status: 'started' | 'completed' | 'failed';
  message: string;
}

/** GET /reconciliation/runs item (the backend's `Run` schema). */
export interface ReconRun {
  run_id: string;
  date: IsoDate;
  status: 'running' | 'started' | 'completed' | 'failed';
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  triggered_by?: string | null;
  is_current?: boolean;
  total_transactions?: number | null;
  matched?: number | null;
  discrepancies?: number | null;
  missing?: number | null;
  /** Why a run failed. */
  error?: string | null;
}

// ---- sync -----------------------------------------------------------------------------
// The completeness shapes come straight from the generated schema (npm run gen:api).
type Schemas = components['schemas'];
/** The latest finished incremental run of a source: did it read what the provider said exists? */
export type LastRun = Schemas['LastRun'];
/** One window a run walked: what the provider stated (`expected`, in `unit`) and what the walk accounted for (`read`). */
export type WindowCompleteness = Schemas['WindowCompleteness'];
/** idle = healthy; incomplete = the last run could not show it read everything the provider says exists. */
export type SourceState = Schemas['SourceStatus']['status'];
export const SYNC_RUN_KINDS = ['incremental', 'reread', 'backfill'] as const;
/** incremental: the scheduled/manual sync; reread: PayShack's daily re-read of the last days; backfill: a date range. */
export type SyncRunKind = (typeof SYNC_RUN_KINDS)[number];

export interface SourceStatus {
  source: Source;
  status: SourceState;
  last_sync_at: Timestamp | null;
  last_successful_sync: Timestamp | null;
  records_synced: number;
  next_sync_at: Timestamp | null;
  /** For an incomplete run: "INCOMPLETE: …", per window what the provider states and what was accounted for. */
  error_message: string | null;
  last_cursor: string | null;
  /** Optional: server-computed lag; otherwise the UI uses now − last_successful_sync. */
  lag_seconds?: number | null;
  /** The newest created_at this source has delivered. */
  newest_record_at?: Timestamp | null;
  last_run?: LastRun | null;
}
export interface SyncStatus {
  sources: SourceStatus[];
}
export interface TriggerResult {
  source: Source | 'all';
  status: 'triggered';
  message: string;
}
export interface SyncRun {
  id?: string;
  source: Source;
  kind?: SyncRunKind | string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: 'running' | 'success' | 'failed' | 'incomplete' | 'interrupted' | 'stopped' | string;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  pages: number;
  duration_ms: number | null;
  error: string | null;
  /** Rows the provider said the run's windows hold (null: it stated no total in rows). */
  rows_expected?: number | null;
  /** Rows the run accounted for (read, or shown to be outside its windows). */
  rows_read?: number | null;
  completeness?: WindowCompleteness[];
}
export interface QuarantinedRecord {
  id?: string;
  source: Source;
  source_record_id: string | null;
  reason: string;
  raw: unknown;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

// ---- admin ----------------------------------------------------------------------------
export interface User {
  id: string;
  email: string;
  role: Role;
  is_active: boolean;
  created_at: Timestamp | null;
  last_login_at?: Timestamp | null;
}
/** What a token may do: `read` = its owner's role, GET only; else a role up to the owner's. */
export type TokenScope = 'read' | 'viewer' | 'analyst' | 'admin';
export const TOKEN_SCOPES: TokenScope[] = ['viewer', 'analyst', 'admin', 'read'];
export interface ApiToken {
  id: string;
  name: string;
  prefix?: string | null;
  role?: Role | null;
  created_at: Timestamp;
  last_used_at?: Timestamp | null;
  /** Every token expires (at most TOKEN_MAX_DAYS after creation, 90 by default). */
  expires_at?: Timestamp | null;
  /** Revoked/expired tokens stay listed with their status. */
  status?: 'active' | 'expired' | 'revoked';
  user_email?: string | null;
  scope?: TokenScope;
}
export interface CreatedToken extends ApiToken {
  token: string;
}
export interface AuditEntry {
  id: string;
  created_at: Timestamp;
  actor: string | null;
  action: string;
  target?: string | null;
  details?: unknown;
  outcome?: string | null;
  ip?: string | null;
}

// ---- kept consistent with the generated schema (a mismatch fails `npm run typecheck`) ----
type Assignable<T extends U, U> = T;
export type _SchemaChecks = [
  Assignable<Schemas['SourceStatus'], SourceStatus>,
  Assignable<Schemas['SyncStatus'], SyncStatus>,
  Assignable<Schemas['SyncRun'], SyncRun>,
];

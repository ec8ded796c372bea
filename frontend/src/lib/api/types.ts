/**
 * Names for the API's types. Every one is derived from the OpenAPI document (openapi.json →
 * schema.d.ts by `npm run gen:api`; `npm run check:api` fails when the copy is stale), so a
 * change of the backend's contract shows up here as a type error. `Lossless` marks the money
 * fields that the client's JSON parser may hand back as decimal strings (see json.ts). The
 * lists of enum values are checked against the schema's unions: a member added or removed
 * on the server fails the typecheck until the list follows.
 */
import type { Lossless } from './json';
import type { Query } from './paths';
import type { components } from './schema';

export type { Money } from './json';

type Schemas = components['schemas'];
/** A schema as the client holds it. */
type Schema<N extends keyof Schemas> = Lossless<Schemas[N]>;

/** Every member of the string union U, in the record's order; the record type makes the compiler insist on each. */
function members<U extends string>(all: Record<U, true>): U[] {
  return Object.keys(all) as U[];
}

// ---- enums ------------------------------------------------------------------------------
export type Source = Schemas['Transaction']['source'];
export const SOURCES = members<Source>({ vima: true, payshack: true });
/** What the sync runs: the two sources, and PayShack's pay-outs as a stream of their own. */
export type SyncStream = Schemas['SourceStatus']['source'];
export type Direction = Schemas['Transaction']['direction'];
export const DIRECTIONS = members<Direction>({ payin: true, payout: true });
export type TxStatus = Schemas['Transaction']['status'];
export const TX_STATUSES = members<TxStatus>({ success: true, failed: true, pending: true, refunded: true });
export type Role = Schemas['Me']['role'];
export const ROLES = members<Role>({ admin: true, analyst: true, viewer: true });
export type SortBy = NonNullable<Query<'/transactions'>['sort_by']>;
export type SortOrder = NonNullable<Query<'/transactions'>['order']>;
export type Granularity = Schemas['Trends']['granularity'];
/** The discrepancy list's `type` filter: missing rows told apart by side. */
export type DiscrepancyType = Schemas['Discrepancy']['type'];
export const DISCREPANCY_TYPES = members<DiscrepancyType>({
  amount: true,
  status: true,
  time: true,
  duplicate: true,
  missing_vima: true,
  missing_payshack: true,
});
export type Resolution = Schemas['Discrepancy']['resolution'];
export const RESOLUTIONS = members<Resolution>({ open: true, acknowledged: true, resolved: true });
/** idle = healthy; incomplete = the last run could not show it read everything the provider says exists. */
export type SourceState = Schemas['SourceStatus']['status'];
/** incremental: the scheduled/manual sync; reread: PayShack's daily re-read of the last days; backfill: a date range;
 * refetch: one reconciliation key asked of the provider again. */
export type SyncRunKind = Schemas['SyncRun']['kind'];
export const SYNC_RUN_KINDS = members<SyncRunKind>({ incremental: true, reread: true, backfill: true, refetch: true });
/** What a token may do: `read` = its owner's role, GET only; else a role up to the owner's. */
export type TokenScope = Schemas['Token']['scope'];
export const TOKEN_SCOPES = members<TokenScope>({ viewer: true, analyst: true, admin: true, read: true });

// ---- shapes -----------------------------------------------------------------------------
export type Me = Schema<'Me'>;
export type Transaction = Schema<'Transaction'>;
export type TransactionDetail = Schema<'TransactionDetail'>;

export type Overview = Schema<'Overview'>;
/** A count and its amount (the overview's per-status and per-source figures). */
export type Figure = Schema<'Figure'>;
export type ByProject = Schema<'ByProject'>;
export type Trends = Schema<'Trends'>;
export type TrendPoint = Schema<'Point'>;
export type Heatmap = Schema<'Heatmap'>;
export type HeatmapCell = Schema<'HeatmapCell'>;

export type ReconSummary = Schema<'Summary'>;
export type Discrepancy = Schema<'Discrepancy'>;
/** A reconciliation run (GET /reconciliation/runs). */
export type ReconRun = Schema<'Run'>;
/** What POST /reconciliation/run answers. */
export type RunResult = Schema<'RunPayload'>;

export type SyncStatus = Schema<'SyncStatus'>;
export type SourceStatus = Schema<'SourceStatus'>;
/** The latest finished incremental run of a source: did it read what the provider said exists? */
export type LastRun = Schema<'LastRun'>;
export type SyncRun = Schema<'SyncRun'>;
/** One window a run walked: what the provider stated (`expected`, in `unit`) and what the walk accounted for (`read`). */
export type WindowCompleteness = Schema<'WindowCompleteness'>;
export type QuarantinedRecord = Schema<'QuarantinedRecord'>;
export type TriggerResult = Schema<'TriggerResult'>;

export type User = Schema<'User'>;
export type ApiToken = Schema<'Token'>;
export type CreatedToken = Schema<'CreatedToken'>;
export type AuditEntry = Schema<'AuditEntry'>;

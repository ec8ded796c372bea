/**
 * Fields of the reconciliation workbench that the generated schema may not describe yet
 * (the backend adds them alongside this UI). Every one is optional: an older backend
 * answers without them and the page falls back to what it has.
 */
import type { Money } from '@/lib/api/json';
import type { Discrepancy, ReconSummary, Resolution } from '@/lib/api/types';

export interface MoneyFigure {
  count: number;
  amount: Money;
}

export type AgeBucket = 'lt_1d' | 'd1_3' | 'gt_3d';
export const AGE_BUCKETS: readonly AgeBucket[] = ['lt_1d', 'd1_3', 'gt_3d'];
export const AGE_LABEL: Record<AgeBucket, string> = { lt_1d: '< 1 day', d1_3: '1–3 days', gt_3d: '> 3 days' };

export interface MoneyAtRiskFull {
  total: Money;
  by_type: Partial<Record<'amount' | 'missing_vima' | 'missing_payshack' | 'status', Money>> & Record<string, Money>;
  open_count?: number;
  oldest_open_at: string | null;
  awaiting?: MoneyFigure | null;
  age_buckets?: Partial<Record<AgeBucket, MoneyFigure>> | null;
  definition?: string | null;
}

export type SummaryFull = Omit<ReconSummary, 'money_at_risk' | 'timezone' | 'next_run_at' | 'reconciled' | 'day_auto_run_at'> & {
  money_at_risk: MoneyAtRiskFull | null;
  timezone?: string | null;
  /** The scheduler's next run (it reconciles the day before it). */
  next_run_at?: string | null;
  /** When the automatic run reconciles this day; null once that has passed. */
  day_auto_run_at?: string | null;
  reconciled?: boolean | null;
};

/** One side of a discrepancy as the role may see it (payer fields masked for viewers). */
export interface Side {
  transaction_id: string | null;
  external_id?: string | null;
  created_at?: string | null;
  amount?: Money | null;
  currency?: string | null;
  fee?: Money | null;
  status?: string | null;
  original_status?: string | null;
  utr?: string | null;
  payer_vpa?: string | null;
  payer_name?: string | null;
  payer_phone?: string | null;
}

export interface DuplicateRow extends Side {
  side: 'vima' | 'payshack' | string;
}

export interface Owner {
  id: string;
  email: string;
}

export interface Comment {
  id: string;
  author: string | null;
  body: string;
  created_at: string;
}

export interface HistoryEntry {
  action: string;
  by: string | null;
  at: string;
  note?: string | null;
  resolution?: Resolution | null;
}

export type DiscrepancyRow = Discrepancy & { owner?: Owner | null };

export type DiscrepancyDetail = DiscrepancyRow & {
  vima?: Side | null;
  payshack?: Side | null;
  duplicates?: DuplicateRow[] | null;
  time_gap_minutes?: number | string | null;
  comments?: Comment[] | null;
  history?: HistoryEntry[] | null;
};

export interface CatchUp {
  state: 'idle' | 'waiting_for_sync' | 'running' | 'done';
  total_days: number;
  done_days: number;
  current_date: string | null;
}

/** Was the day ever reconciled? `reconciled` when the backend says so, else: has it a run. */
export function isReconciled(s: Pick<SummaryFull, 'reconciled' | 'run_id'>): boolean {
  return typeof s.reconciled === 'boolean' ? s.reconciled : s.run_id !== null;
}

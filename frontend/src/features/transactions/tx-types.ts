import type { Transaction, TransactionDetail } from '@/lib/api/types';

/**
 * Shapes the backend has added (docs/api.md, docs/payments.md), written by hand until
 * schema.d.ts is regenerated; optional where an older backend lacks them, so it still renders.
 */
export interface LinkFields {
  /** On a PayShack row: the id of the Vima row it is the counterpart of, if a list ever carries it. */
  counterpart_of?: string | null;
}

/** GET /payments/links?id=…: one entry per asked id that is in a link. */
export interface PaymentLink {
  id: string;
  partner_id: string;
}

/** GET /payments/{id}: the payment a transaction is part of. */
export interface Payment {
  linked: boolean;
  /** The Vima row when linked, else the row asked for. */
  record: TransactionDetail;
  /** The PayShack row that is the same payment; null when not linked. */
  counterpart: TransactionDetail | null;
}

export type TxRow = Transaction & LinkFields;
export type TxDetail = TransactionDetail & LinkFields;

/** `meta` of GET /transactions: page mode, cursor mode (no `page`), and totals when present. */
export interface TxListMeta {
  page?: number | null;
  limit: number;
  total: number;
  total_pages: number;
  next_cursor?: string | null;
  /** Exact sum of the matching rows' amounts (decimal string), when the API gives it. */
  total_amount?: string | number | null;
  totals?: { count?: number | null; amount?: string | number | null } | null;
}

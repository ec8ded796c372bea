import type { PaymentLink, TxRow } from './tx-types';

/** One line of the grouped table: a payment, with its other side when both are on the page. */
export interface PaymentLine {
  row: TxRow;
  /** The other side, on this page (the PayShack side of a Vima row). */
  other?: TxRow;
  /** Linked, but the other side is not on this page (another page, or outside the filters). */
  otherElsewhere?: string;
}

/** id → the other side's id, from GET /payments/links for the ids of a page. */
export function partnersFrom(links: readonly PaymentLink[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of links ?? []) m.set(String(l.id), String(l.partner_id));
  return m;
}

/**
 * Rows → payments: a PayShack row that is the counterpart of a Vima row on the same page is
 * folded into that row's line (the Vima row is the record, docs/payments.md); every other
 * row is a line of its own, order kept. Each row appears exactly once.
 */
export function groupPairs(rows: readonly TxRow[], partners: ReadonlyMap<string, string>): PaymentLine[] {
  const partnerOf = (r: TxRow) => partners.get(r.id) ?? r.counterpart_of ?? null;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const folded = new Set<string>();
  const pairOf = new Map<string, TxRow>();
  for (const r of rows) {
    const otherId = partnerOf(r);
    if (!otherId || folded.has(r.id) || pairOf.has(r.id)) continue;
    const o = byId.get(otherId);
    if (!o || o.id === r.id || folded.has(o.id) || pairOf.has(o.id)) continue;
    const [record, side] = r.source === 'payshack' && o.source !== 'payshack' ? [o, r] : [r, o];
    pairOf.set(record.id, side);
    folded.add(side.id);
  }
  const lines: PaymentLine[] = [];
  for (const r of rows) {
    if (folded.has(r.id)) continue;
    const other = pairOf.get(r.id);
    const elsewhere = other ? null : partnerOf(r);
    lines.push(elsewhere ? { row: r, otherElsewhere: elsewhere } : { row: r, other });
  }
  return lines;
}

export const TYPE_LABEL: Record<string, string> = {
  amount: 'Amount',
  status: 'Status',
  time: 'Time',
  duplicate: 'Duplicate',
  missing: 'Missing',
  missing_vima: 'Missing in Vima',
  missing_payshack: 'Missing in PayShack',
};

/** The discrepancy's displayed type: missing rows are named by the side they are missing from. */
export function discrepancyKind(d: { match_status: string; discrepancy_type: string | null }): string {
  return d.match_status === 'discrepancy' ? (d.discrepancy_type ?? 'discrepancy') : d.match_status;
}

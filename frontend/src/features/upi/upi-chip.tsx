'use client';

import { Badge } from '@/components/ui/badge';
import { upiChipLabel, type UpiFlags } from './upi-labels';

/** "Deemed" (a UPI pay-in pending too long) or "Reversed · 3 d" next to a status (docs/upi.md). */
export function UpiChip({ upi }: { upi: UpiFlags | null | undefined }) {
  const label = upiChipLabel(upi);
  if (!label || !upi) return null;
  const title = upi.reversed
    ? 'Seen successful by an earlier sync, refunded since; the age runs from the success seen to the refund seen'
    : 'A UPI pay-in still pending longer than the deemed threshold: likely stuck';
  return (
    <Badge tone={upi.reversed ? 'info' : 'pending'} className="border-dashed" title={title} data-testid="upi-chip">
      {label}
    </Badge>
  );
}

/**
 * Words for the UPI-aware statuses (docs/upi.md): a reversal's age as "3 d", "5 h", "40 min".
 */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0) return '';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${Math.max(minutes, 1)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

export interface UpiFlags {
  deemed: boolean;
  reversed: boolean;
  reversal_age_seconds: number | null;
}

/** The chip next to a status, or null when the row is neither deemed nor reversed. */
export function upiChipLabel(upi: UpiFlags | null | undefined): string | null {
  if (!upi) return null;
  if (upi.reversed) {
    const age = formatAge(upi.reversal_age_seconds);
    return age ? `Reversed · ${age}` : 'Reversed';
  }
  return upi.deemed ? 'Deemed' : null;
}

/**
 * Times in the reconciliation day's own zone (RECON_TIMEZONE, which the summary reports),
 * which need not be one of the header's two display zones.
 */
import { formatDateTimeInZone } from '@/lib/dates';

// lib/dates writes the month itself ("Sep", never ICU's en-GB "Sept"), as everywhere else.
const formatter = (zone: string) => ({ format: (d: Date) => formatDateTimeInZone(d, zone) });

/** "IST" for Asia/Kolkata, "UTC", else the IANA name. */
export function zoneLabel(zone: string): string {
  if (zone === 'Asia/Kolkata' || zone === 'Asia/Calcutta') return 'IST';
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  return zone;
}

/** "06 Dec 2026, 02:00 IST"; an unknown zone falls back to UTC. */
export function formatInZone(ts: string | null | undefined, zone: string | null | undefined): string {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '—';
  const z = zone || 'UTC';
  try {
    return `${formatter(z).format(d)} ${zoneLabel(z)}`;
  } catch {
    return `${formatter('UTC').format(d)} UTC`;
  }
}

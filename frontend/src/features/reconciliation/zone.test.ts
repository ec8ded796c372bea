import { describe, expect, it } from 'vitest';
import { formatInZone, zoneLabel } from './zone';

describe('times in the reconciliation zone', () => {
  it('writes the next run in the day zone', () => {
    expect(formatInZone('2026-12-05T20:30:00Z', 'Asia/Kolkata')).toBe('06 Dec 2026, 02:00 IST');
    expect(formatInZone('2026-12-05T20:30:00Z', 'UTC')).toBe('05 Dec 2026, 20:30 UTC');
  });
  it('survives junk', () => {
    expect(formatInZone(null, 'UTC')).toBe('—');
    expect(formatInZone('2026-12-05T20:30:00Z', 'Not/AZone')).toBe('05 Dec 2026, 20:30 UTC');
    expect(zoneLabel('Europe/Berlin')).toBe('Europe/Berlin');
  });
});

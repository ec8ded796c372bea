import type { ProjectSource } from './clients-api';

/** How the page names where a client's project comes from (docs/payshack-reference.md). */
export const SOURCE_LABEL: Record<ProjectSource, string> = { admin: 'Set here', env: 'Default', none: 'Unmapped' };

/** The y range: the data's, widened by 5% when the balance never moved (a flat line mid-chart). */
export function flatDomain([min, max]: readonly [number, number]): [number, number] {
  if (min !== max) return [min, max];
  const pad = Math.max(Math.abs(min) * 0.05, 1);
  return [min - pad, max + pad];
}

/** One tick at the balance when it never moved (the padded range would get odd ticks); else the chart's own. */
export function flatTicks(values: number[]): number[] | undefined {
  const [first] = values;
  return first !== undefined && values.every((v) => v === first) ? [first] : undefined;
}

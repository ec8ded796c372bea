import type { Breakdown } from './explore-api';
import { DIMENSION_LABEL } from './explore-api';

/** A CSV cell: quoted when it holds a comma, quote or line break; a leading =+-@ is neutralised (spreadsheet formulas). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** How a dimension's value reads (weekday 1 = Monday; hour as 09:00; null as "(none)"). */
export function keyText(dimension: string, value: string | number | null): string {
  if (value === null) return '(none)';
  if (dimension === 'weekday' && typeof value === 'number') return WEEKDAYS[value - 1] ?? String(value);
  if (dimension === 'hour' && typeof value === 'number') return `${String(value).padStart(2, '0')}:00`;
  return String(value);
}

/** The shown result as CSV: one column per dimension, then the figures; money as the API's exact decimals. */
export function breakdownCsv(b: Breakdown): string {
  const header = [...b.dimensions.map((d) => DIMENSION_LABEL[d]), 'Count', 'Amount', 'Success count', 'Success amount'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of b.rows) {
    const keys = b.dimensions.map((d) => keyText(d, row.keys[d] ?? null));
    lines.push([...keys, row.count, row.amount, row.success_count, row.success_amount].map(csvCell).join(','));
  }
  const t = b.totals;
  const totalKeys = b.dimensions.map((_, i) => (i === 0 ? 'Total' : ''));
  lines.push([...totalKeys, t.count, t.amount, t.success_count, t.success_amount].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

'use client';

import type { HeatmapCell } from '@/lib/api/types';
import { WEEKDAYS } from '@/lib/dates';
import { formatCount, formatMoney, toChartNumber } from '@/lib/money';
import { usePalette } from './palette';

/** Weekday × hour grid (0 = Monday), shaded by count or amount. Plain HTML: light and accessible. */
export function Heatmap({ cells, metric }: { cells: HeatmapCell[]; metric: 'count' | 'amount' }) {
  const p = usePalette();
  const grid = new Map<string, HeatmapCell>();
  let max = 0;
  for (const c of cells) {
    grid.set(`${c.weekday}:${c.hour}`, c);
    max = Math.max(max, metric === 'count' ? c.count : toChartNumber(c.amount));
  }
  return (
    <div className="overflow-x-auto" data-testid="heatmap">
      {/* A table to assistive tech (rows of cells with row and column headers); the rows use
          display: contents so the cells still lay out on one CSS grid. */}
      <div
        className="grid min-w-[560px] gap-[3px]"
        style={{ gridTemplateColumns: '40px repeat(24, minmax(0, 1fr))' }}
        role="table"
        aria-label="Transactions by weekday and hour"
      >
        <div role="row" className="contents">
          <div role="columnheader">
            <span className="sr-only">Weekday</span>
          </div>
          {Array.from({ length: 24 }, (_, h) => (
            <div key={h} role="columnheader" className="text-left text-[10px] text-muted">
              {h % 3 === 0 ? String(h).padStart(2, '0') : <span className="sr-only">{String(h).padStart(2, '0')}</span>}
            </div>
          ))}
        </div>
        {WEEKDAYS.map((day, d) => (
          <div key={day} role="row" className="contents">
            <div role="rowheader" className="pr-2 text-right text-caption leading-6 text-muted">
              {day}
            </div>
            {Array.from({ length: 24 }, (_, h) => {
              const c = grid.get(`${d}:${h}`);
              const v = c ? (metric === 'count' ? c.count : toChartNumber(c.amount)) : 0;
              const intensity = max > 0 ? v / max : 0;
              const label = `${day} ${String(h).padStart(2, '0')}:00 — ${formatCount(c?.count ?? 0)} txns, ${formatMoney(c?.amount ?? 0)}`;
              return (
                <div
                  key={h}
                  role="cell"
                  title={label}
                  className="h-6 rounded-[3px]"
                  style={{ background: v > 0 ? `rgba(${p.heatBase}, ${0.12 + intensity * 0.88})` : p.heatEmpty }}
                >
                  <span className="sr-only">{label}</span>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div className="mt-3 flex items-center justify-end gap-2 text-caption text-muted" aria-hidden>
        Less
        {[0.12, 0.34, 0.56, 0.78, 1].map((a) => (
          <span key={a} className="h-3 w-5 rounded-[3px]" style={{ background: `rgba(${p.heatBase}, ${a})` }} />
        ))}
        More
      </div>
    </div>
  );
}

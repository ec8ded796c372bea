'use client';

import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import type { Overview, TxStatus } from '@/lib/api/types';
import { formatCount, formatMoney, formatPercent } from '@/lib/money';
import { usePalette } from './palette';

const ORDER: TxStatus[] = ['success', 'failed', 'pending', 'refunded'];
const LABEL: Record<TxStatus, string> = { success: 'Success', failed: 'Failed', pending: 'Pending', refunded: 'Refunded' };

export function StatusDonut({
  byStatus,
  total,
  noun = 'transactions',
}: {
  byStatus: Overview['by_status'];
  total: number;
  /** What `total` counts: payments (each once) or rows. */
  noun?: string;
}) {
  const p = usePalette();
  const colour: Record<TxStatus, string> = { success: p.success, failed: p.failed, pending: p.pending, refunded: p.info };
  const rows = ORDER.map((s) => ({ status: s, count: byStatus[s]?.count ?? 0, amount: byStatus[s]?.amount ?? 0 })).filter(
    (r) => r.count > 0,
  );
  const sum = rows.reduce((a, r) => a + r.count, 0) || 1;
  return (
    <div className="flex flex-col items-center gap-4">
      <div className="relative h-[180px] w-[180px] shrink-0">
        <ResponsiveContainer width="100%" height="100%">
          <PieChart title="Payments by status">
            <Pie
              data={rows}
              dataKey="count"
              nameKey="status"
              innerRadius={58}
              outerRadius={84}
              paddingAngle={rows.length > 1 ? 2 : 0}
              stroke="none"
              isAnimationActive={false}
            >
              {rows.map((r) => (
                // Recharts gives each slice role="img": the name says what the slice is.
                <Cell
                  key={r.status}
                  fill={colour[r.status]}
                  aria-label={`${LABEL[r.status]}: ${formatCount(r.count)} (${formatPercent((r.count / sum) * 100)})`}
                />
              ))}
            </Pie>
            <Tooltip
              content={({ active, payload }) => {
                const r = active && payload?.[0] ? (payload[0].payload as (typeof rows)[number]) : null;
                if (!r) return null;
                return (
                  <div
                    className="rounded-md border px-3 py-2 text-caption shadow-lg"
                    style={{ background: p.tooltipBg, borderColor: p.tooltipBorder }}
                  >
                    <p className="font-medium text-fg">{LABEL[r.status]}</p>
                    <p className="font-mono text-fg">{formatMoney(r.amount)}</p>
                    <p className="text-fg-2">{formatCount(r.count)} txns</p>
                  </div>
                );
              }}
            />
          </PieChart>
        </ResponsiveContainer>
        <div className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center">
          <span className="font-mono text-h3">{formatCount(total)}</span>
          <span className="text-caption text-muted">{noun}</span>
        </div>
      </div>
      <ul className="grid w-full grid-cols-2 gap-x-6 gap-y-2">
        {ORDER.map((s) => {
          const count = byStatus[s]?.count ?? 0;
          return (
            <li key={s} className="flex items-center justify-between gap-3 text-body">
              <span className="flex items-center gap-2 text-fg-2">
                <span className="h-2.5 w-2.5 rounded-full" style={{ background: colour[s] }} aria-hidden />
                {LABEL[s]}
              </span>
              <span className="font-mono text-caption tabular text-fg">
                {formatCount(count)} <span className="text-muted">{formatPercent((count / sum) * 100)}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

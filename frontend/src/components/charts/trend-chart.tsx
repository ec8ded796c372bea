'use client';

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Granularity, TrendPoint } from '@/lib/api/types';
import { formatBucket, formatDateTime, type TimeZone } from '@/lib/dates';
import { formatCount, formatMoney, formatMoneyCompact, toChartNumber } from '@/lib/money';
import { usePalette } from './palette';

export type TrendMetric = 'amount' | 'count';

interface Row {
  ts: string;
  amount: number;
  amountRaw: TrendPoint['amount'];
  success: number;
  failed: number;
  other: number;
  count: number;
}

export function TrendChart({
  points,
  granularity,
  tz,
  metric,
}: {
  points: TrendPoint[];
  granularity: Granularity;
  tz: TimeZone;
  metric: TrendMetric;
}) {
  const p = usePalette();
  // The API zero-fills every bucket of the period; buckets that have not started yet
  // (the rest of today) are not zeros, so the line stops at the current bucket.
  const now = Date.now();
  const rows: Row[] = points
    .filter((pt) => !(Date.parse(pt.timestamp) > now))
    .map((pt) => ({
      ts: pt.timestamp,
      amount: toChartNumber(pt.amount),
      amountRaw: pt.amount,
      success: pt.success_count,
      failed: pt.failed_count,
      other: Math.max(0, pt.count - pt.success_count - pt.failed_count),
      count: pt.count,
    }));
  const axis = { stroke: p.axis, fontSize: 11, tickLine: false, axisLine: false } as const;

  return (
    <ResponsiveContainer width="100%" height={280}>
      <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <defs>
          <linearGradient id="trendFill" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={p.accent} stopOpacity={0.35} />
            <stop offset="100%" stopColor={p.accent} stopOpacity={0} />
          </linearGradient>
        </defs>
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="ts" {...axis} minTickGap={24} tickFormatter={(v: string) => formatBucket(v, granularity, tz)} />
        <YAxis
          {...axis}
          width={64}
          tickFormatter={(v: number) => (metric === 'amount' ? formatMoneyCompact(v) : formatCount(v))}
        />
        <Tooltip
          cursor={{ stroke: p.axis, strokeDasharray: '3 3' }}
          content={({ active, payload }) => {
            const row = active && payload?.[0] ? (payload[0].payload as Row) : null;
            if (!row) return null;
            return (
              <div
                className="rounded-md border px-3 py-2 text-caption shadow-lg"
                style={{ background: p.tooltipBg, borderColor: p.tooltipBorder }}
              >
                <p className="mb-1 font-medium text-fg">{formatDateTime(row.ts, tz, false)}</p>
                <p className="font-mono text-fg">{formatMoney(row.amountRaw)}</p>
                <p className="text-fg-2">
                  {formatCount(row.count)} txns · <span style={{ color: p.success }}>{formatCount(row.success)} ok</span> ·{' '}
                  <span style={{ color: p.failed }}>{formatCount(row.failed)} failed</span>
                </p>
              </div>
            );
          }}
        />
        {metric === 'amount' ? (
          <Area
            type="monotone"
            dataKey="amount"
            name="Volume"
            stroke={p.accent}
            strokeWidth={2}
            fill="url(#trendFill)"
            isAnimationActive={false}
          />
        ) : (
          <>
            <Area
              type="monotone"
              dataKey="success"
              name="Success"
              stackId="c"
              stroke={p.success}
              fill={p.success}
              fillOpacity={0.25}
              isAnimationActive={false}
            />
            <Area
              type="monotone"
              dataKey="failed"
              name="Failed"
              stackId="c"
              stroke={p.failed}
              fill={p.failed}
              fillOpacity={0.25}
              isAnimationActive={false}
            />
            <Area
              type="monotone"
              dataKey="other"
              name="Other"
              stackId="c"
              stroke={p.pending}
              fill={p.pending}
              fillOpacity={0.2}
              isAnimationActive={false}
            />
          </>
        )}
      </AreaChart>
    </ResponsiveContainer>
  );
}

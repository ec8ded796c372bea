'use client';

import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Granularity, TrendPoint } from '@/lib/api/types';
import { formatBucket, formatDateTime, type TimeZone } from '@/lib/dates';
import { formatCount, formatMoney, formatMoneyCompact, toChartNumber } from '@/lib/money';
import { usePalette } from './palette';

export type TrendMetric = 'amount' | 'count';

/** A point as the API may send it: `partial` (the bucket is in progress) and `future` are new. */
type Point = Omit<TrendPoint, 'partial' | 'future'> & { partial?: boolean | null; future?: boolean | null };

const SERIES = ['amount', 'success', 'failed', 'other'] as const;
type Series = (typeof SERIES)[number];

type Row = {
  ts: string;
  amountRaw: TrendPoint['amount'];
  count: number;
  successN: number;
  failedN: number;
  partial: boolean;
} & Record<Series, number | null> &
  Record<`${Series}P`, number | null>;

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

/**
 * Which point is the bucket in progress: the API's `partial` when it sends it, else the
 * bucket that contains now (an older backend).
 */
export function partialIndex(points: Point[], granularity: Granularity, now: number): number {
  if (points.some((p) => typeof p.partial === 'boolean')) return points.findIndex((p) => p.partial === true);
  for (let i = points.length - 1; i >= 0; i--) {
    const start = Date.parse(points[i]!.timestamp);
    if (start > now) continue;
    const next = i + 1 < points.length ? Date.parse(points[i + 1]!.timestamp) : start + BUCKET_MS[granularity];
    return now < next ? i : -1;
  }
  return -1;
}

/**
 * Chart rows: complete buckets in the solid series; the partial bucket (and the complete
 * one before it, to join the line) in the dashed `…P` series, so an unfinished bucket reads
 * as "so far", not as a fall.
 */
export function trendRows(points: Point[], granularity: Granularity, now: number): Row[] {
  const visible = points.filter((pt) => (typeof pt.future === 'boolean' ? !pt.future : !(Date.parse(pt.timestamp) > now)));
  const partial = partialIndex(visible, granularity, now);
  return visible.map((pt, i) => {
    const values: Record<Series, number> = {
      amount: toChartNumber(pt.amount),
      success: pt.success_count,
      failed: pt.failed_count,
      other: Math.max(0, pt.count - pt.success_count - pt.failed_count),
    };
    const solid = partial === -1 || i < partial;
    const dashed = partial !== -1 && (i === partial || i === partial - 1);
    const row = {
      ts: pt.timestamp,
      amountRaw: pt.amount,
      count: pt.count,
      successN: pt.success_count,
      failedN: pt.failed_count,
      partial: i === partial,
    } as Row;
    for (const k of SERIES) {
      row[k] = solid ? values[k] : null;
      row[`${k}P`] = dashed ? values[k] : null;
    }
    return row;
  });
}

export function TrendChart({
  points,
  granularity,
  tz,
  metric,
  unit = 'transactions',
}: {
  points: Point[];
  granularity: Granularity;
  tz: TimeZone;
  metric: TrendMetric;
  /** What a count counts, for the tooltip. */
  unit?: 'transactions' | 'payments';
}) {
  const p = usePalette();
  // The API zero-fills every bucket of the period; buckets that have not started yet
  // (the rest of today) are not zeros, so the line stops at the current bucket, which is
  // drawn dashed and labelled partial.
  const rows = trendRows(points, granularity, Date.now());
  const partialRow = rows.find((r) => r.partial);
  const axis = { stroke: p.axis, fontSize: 11, tickLine: false, axisLine: false } as const;

  const label =
    `${metric === 'amount' ? 'Volume' : `Count of ${unit}`} by ${granularity}, ${rows.length} buckets` +
    (partialRow ? '; the last bucket is still in progress (partial)' : '');
  return (
    <div role="img" aria-label={label} data-testid="trend-chart" data-partial={partialRow ? partialRow.ts : undefined}>
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
                  <p className="mb-1 font-medium text-fg">
                    {formatDateTime(row.ts, tz, false)}
                    {row.partial ? <span className="ml-1 text-pending">· partial, in progress</span> : null}
                  </p>
                  <p className="font-mono text-fg">{formatMoney(row.amountRaw)}</p>
                  <p className="text-fg-2">
                    {formatCount(row.count)} {unit === 'payments' ? 'payments' : 'txns'} ·{' '}
                    <span style={{ color: p.success }}>{formatCount(row.successN)} ok</span> ·{' '}
                    <span style={{ color: p.failed }}>{formatCount(row.failedN)} failed</span>
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
          ) : null}
          {metric === 'amount' ? (
            <Area
              type="monotone"
              dataKey="amountP"
              name="Volume so far"
              stroke={p.accent}
              strokeWidth={2}
              strokeDasharray="4 4"
              fill="url(#trendFill)"
              fillOpacity={0.4}
              isAnimationActive={false}
              legendType="none"
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
              {(['success', 'failed', 'other'] as const).map((k) => (
                <Area
                  key={k}
                  type="monotone"
                  dataKey={`${k}P`}
                  stackId="p"
                  stroke={k === 'success' ? p.success : k === 'failed' ? p.failed : p.pending}
                  strokeDasharray="4 4"
                  fill={k === 'success' ? p.success : k === 'failed' ? p.failed : p.pending}
                  fillOpacity={0.1}
                  isAnimationActive={false}
                  legendType="none"
                />
              ))}
            </>
          )}
          {partialRow ? (
            <ReferenceLine
              x={partialRow.ts}
              stroke={p.axis}
              strokeDasharray="2 2"
              label={{ value: 'partial', position: 'insideTopRight', fill: p.axis, fontSize: 11 }}
            />
          ) : null}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

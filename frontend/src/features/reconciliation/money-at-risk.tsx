'use client';

import { Info } from 'lucide-react';
import { useId } from 'react';
import { Card } from '@/components/ui/card';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { formatCount, formatMoney } from '@/lib/money';
import { AGE_BUCKETS, AGE_LABEL, type MoneyAtRiskFull } from './workbench-types';

const TYPE_ROWS = [
  ['amount', 'Amount differences (absolute)'],
  ['missing_vima', 'Missing in Vima, succeeded in PayShack'],
  ['missing_payshack', 'Missing in PayShack, succeeded in Vima'],
  ['status', 'Status mismatches with a success'],
] as const;

const DEFAULT_DEFINITION =
  'Open exceptions that can cost money: amount differences (absolute), missing rows that succeeded on the side ' +
  'that has them, status mismatches with a success on one side. Not time-only rows, not failed on both, ' +
  'not pending (shown apart as awaiting).';

/**
 * Money at risk: the total, awaiting (pending) apart, the open exceptions by age; the
 * definition and the breakdown by kind in a tip that opens on hover and on keyboard focus.
 */
export function MoneyAtRiskCard({ risk, tz }: { risk: MoneyAtRiskFull | null; tz: TimeZone }) {
  const tipId = useId();
  const buckets = risk?.age_buckets;
  return (
    <Card className="group relative border-t-2 border-t-failed p-4" data-testid="money-at-risk-card">
      <div className="flex items-center justify-between gap-2">
        <p className="text-caption font-medium uppercase tracking-wide text-muted">Money at risk</p>
        {risk ? (
          <button
            type="button"
            className="rounded-sm p-0.5 text-muted hover:text-fg focus-visible:text-fg"
            aria-label="Money at risk: definition and breakdown"
            aria-describedby={tipId}
            data-testid="money-at-risk-info"
          >
            <Info className="h-3.5 w-3.5" aria-hidden />
          </button>
        ) : null}
      </div>
      <p
        className="mt-2 font-mono text-h2 tabular text-fg"
        data-testid="recon-money-at-risk"
        data-value={risk ? String(risk.total) : ''}
      >
        {risk ? formatMoney(risk.total) : '—'}
      </p>
      <div className="mt-1 space-y-0.5 text-caption text-fg-2">
        {!risk ? (
          <p>Not reported</p>
        ) : (
          <>
            <p>
              {risk.open_count !== undefined ? `${formatCount(risk.open_count)} open · ` : ''}
              {risk.oldest_open_at ? `oldest ${formatDateTime(risk.oldest_open_at, tz, false)}` : 'nothing open'}
            </p>
            {risk.awaiting ? (
              <p data-testid="money-awaiting" data-value={String(risk.awaiting.amount)}>
                Awaiting {formatMoney(risk.awaiting.amount)} ({formatCount(risk.awaiting.count)} pending)
              </p>
            ) : null}
            {buckets ? (
              <p data-testid="money-age-buckets" className="text-muted">
                {AGE_BUCKETS.map((b) => `${AGE_LABEL[b]} ${formatCount(buckets[b]?.count ?? 0)}`).join(' · ')}
              </p>
            ) : null}
          </>
        )}
      </div>
      {risk ? (
        <div
          id={tipId}
          role="tooltip"
          data-testid="money-at-risk-tip"
          className="invisible absolute left-0 top-full z-20 mt-1 w-80 rounded-md border border-border bg-overlay p-3 text-caption text-fg-2 opacity-0 shadow-xl transition-opacity duration-150 group-focus-within:visible group-focus-within:opacity-100 group-hover:visible group-hover:opacity-100"
        >
          <p className="mb-2 text-fg">{risk.definition || DEFAULT_DEFINITION}</p>
          <dl className="space-y-1">
            {TYPE_ROWS.map(([key, label]) => (
              <div key={key} className="flex justify-between gap-3">
                <dt>{label}</dt>
                <dd className="font-mono text-fg">{formatMoney(risk.by_type[key] ?? 0)}</dd>
              </div>
            ))}
          </dl>
          {buckets ? (
            <>
              <p className="mb-1 mt-3 font-medium text-fg">Open exceptions by age</p>
              <dl className="space-y-1">
                {AGE_BUCKETS.map((b) => (
                  <div key={b} className="flex justify-between gap-3">
                    <dt>{AGE_LABEL[b]}</dt>
                    <dd className="font-mono text-fg">
                      {formatCount(buckets[b]?.count ?? 0)} · {formatMoney(buckets[b]?.amount ?? 0)}
                    </dd>
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          {risk.awaiting ? (
            <p className="mt-3">
              Awaiting (pending on a side, not counted above): {formatMoney(risk.awaiting.amount)} in{' '}
              {formatCount(risk.awaiting.count)}
            </p>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

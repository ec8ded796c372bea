'use client';

import { StatusBadge, SourceBadge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Skeleton, SkeletonStack } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import type { ByProject } from '@/lib/api/types';
import type { OverviewQuery } from '@/lib/filters';
import { formatCount, formatMoney, formatPercent, toChartNumber } from '@/lib/money';
import type { OverviewFull } from './payments';
import { useByProject, useOverview } from './queries';

export function ByProjectCard({ query }: { query: OverviewQuery }) {
  const byProject = useByProject(query);
  return (
    <Card className="xl:col-span-2">
      <CardHeader
        title="By project"
        description={
          query.source
            ? 'Rows of this source: volume, share and success rate'
            : 'Payments: volume, share and success rate (a linked pair counts once)'
        }
      />
      <CardBody>
        <QueryView
          query={byProject}
          loading={<SkeletonStack count={5} className="h-7 w-full" />}
          empty={{ when: (data) => data.projects.length === 0, title: 'No project volume in this period' }}
        >
          {(data) => <ByProjectBars data={data} />}
        </QueryView>
      </CardBody>
    </Card>
  );
}

export function BySourceCard({ query }: { query: OverviewQuery }) {
  const overview = useOverview(query);
  return (
    <Card>
      <CardHeader title="By source" description="Vima vs PayShack, in rows: a payment both record is a row in each" />
      <CardBody>
        <QueryView query={overview} loading={<Skeleton className="h-24 w-full" />}>
          {(data) => <BySource data={data as unknown as OverviewFull} />}
        </QueryView>
      </CardBody>
    </Card>
  );
}

/** Projects by volume, largest first: a bar each, with share, count and success rate. */
function ByProjectBars({ data }: { data: ByProject }) {
  const projects = [...data.projects].sort((a, b) => toChartNumber(b.amount) - toChartNumber(a.amount));
  const total = projects.reduce((a, p) => a + toChartNumber(p.amount), 0) || 1;
  const max = toChartNumber(projects[0]?.amount) || 1;
  return (
    <table className="w-full text-body" data-testid="by-project">
      <thead className="sr-only">
        <tr>
          <th>Project</th>
          <th>Volume</th>
          <th>Share</th>
          <th>Payments</th>
          <th>Success rate</th>
        </tr>
      </thead>
      <tbody>
        {projects.slice(0, 12).map((p) => {
          const share = (toChartNumber(p.amount) / total) * 100;
          const rate = p.success_rate;
          return (
            <tr key={p.project ?? '\u0000unassigned'} className="group">
              <td
                className={cn('w-32 truncate py-1.5 pr-3', p.project === null ? 'italic text-muted' : 'text-fg-2')}
                title={p.project ?? 'Transactions of no known project'}
              >
                {p.project ?? 'Unassigned'}
              </td>
              <td className="py-1.5 pr-3">
                <div className="h-5 w-full rounded-sm bg-input">
                  <div
                    className="flex h-full items-center rounded-sm bg-accent/80 transition-all duration-200 group-hover:bg-accent"
                    style={{ width: `${Math.max(2, (toChartNumber(p.amount) / max) * 100)}%` }}
                  />
                </div>
              </td>
              <td className="w-36 whitespace-nowrap py-1.5 pr-3 text-right font-mono text-caption text-fg">
                {formatMoney(p.amount)}
              </td>
              <td className="w-14 py-1.5 pr-3 text-right text-caption text-muted">{formatPercent(share)}</td>
              <td className="w-20 py-1.5 pr-3 text-right font-mono text-caption text-fg-2">{formatCount(p.count)}</td>
              <td className="w-20 py-1.5 text-right">
                <StatusBadge
                  status={rate === null ? null : rate >= 90 ? 'success' : rate >= 75 ? 'pending' : 'failed'}
                  label={rate === null ? '—' : `${formatPercent(rate)} ok`}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Vima vs PayShack: volume, a share bar and the count of each. */
function BySource({ data }: { data: OverviewFull }) {
  const rows = (['vima', 'payshack'] as const).map((s) => ({
    source: s,
    count: data.by_source[s]?.count ?? 0,
    amount: data.by_source[s]?.amount ?? 0,
  }));
  const total = rows.reduce((a, r) => a + toChartNumber(r.amount), 0);
  return (
    <div className="space-y-5" data-testid="by-source">
      {rows.map((r) => {
        const share = total > 0 ? (toChartNumber(r.amount) / total) * 100 : 0;
        return (
          <div key={r.source}>
            <div className="mb-1.5 flex items-center justify-between">
              <SourceBadge source={r.source} />
              <span className="font-mono text-body text-fg">{formatMoney(r.amount, { currency: data.total.currency })}</span>
            </div>
            <div className="h-2 w-full rounded-full bg-input">
              <div
                className={r.source === 'vima' ? 'h-full rounded-full bg-vima' : 'h-full rounded-full bg-payshack'}
                style={{ width: `${share}%` }}
              />
            </div>
            <p className="mt-1 text-caption text-muted">
              <span data-testid={`by-source-rows-${r.source}`} data-value={String(r.count)}>
                {formatCount(r.count)} rows
              </span>{' '}
              · {formatPercent(share)} of row volume
            </p>
          </div>
        );
      })}
      {data.linked ? (
        <p className="text-caption text-muted" data-testid="by-source-linked">
          {formatCount(data.linked)} payments are recorded by both sources (a row in each); the headline cards count each of them
          once: rows − {formatCount(data.linked)} = payments.
        </p>
      ) : null}
    </div>
  );
}

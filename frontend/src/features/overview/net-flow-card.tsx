'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { SkeletonStack } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { apiGet } from '@/lib/api/client';
import { cleanParams } from '@/lib/api/query-keys';
import type { OverviewQuery } from '@/lib/filters';
import { formatCount, formatMoney } from '@/lib/money';

/** `GET /metrics/net-flow` for the overview's period and filters (a `metrics` key: live updates refresh it). */
function useNetFlow(query: OverviewQuery) {
  return useQuery({
    queryKey: ['metrics', 'net-flow', cleanParams(query)] as const,
    queryFn: ({ signal }) => apiGet('/metrics/net-flow', { query, signal }),
  });
}

/** A signed amount: the net of a row is red when more went out than came in. */
function Net({ value, testId }: { value: string | number; testId?: string }) {
  const negative = String(value).trim().startsWith('-');
  return (
    <span className={cn('font-mono', negative ? 'text-failed' : 'text-fg')} data-testid={testId} data-value={String(value)}>
      {formatMoney(value, { signed: true })}
    </span>
  );
}

/**
 * Net flow for the period: successful pay-ins (each payment once) less successful PayShack
 * pay-outs, per project, with the period's total (docs/payments.md, "Net flow"). Every sum is
 * the server's (exact decimals); the card only formats.
 */
export function NetFlowCard({ query }: { query: OverviewQuery }) {
  const netFlow = useNetFlow(query);
  return (
    <Card className="mb-6" data-testid="net-flow-card">
      <CardHeader
        title="Net flow"
        description="Successful pay-ins (each payment once) − successful PayShack pay-outs, INR, per project"
      />
      <CardBody>
        <QueryView
          query={netFlow}
          loading={<SkeletonStack count={4} className="h-7 w-full" />}
          empty={{ when: (data) => data.projects.length === 0, title: 'No money moved in this period' }}
        >
          {(data) => (
            <table className="w-full text-body" data-testid="net-flow">
              <thead>
                <tr className="text-left text-caption text-muted">
                  <th className="py-1.5 pr-3 font-medium">Project</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Pay-ins</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Pay-outs</th>
                  <th className="py-1.5 text-right font-medium">Net</th>
                </tr>
              </thead>
              <tbody>
                {data.projects.map((p) => (
                  <tr key={p.project ?? '\u0000unassigned'} className="border-t border-border" data-testid="net-flow-row">
                    <td className={cn('py-1.5 pr-3', p.project === null ? 'italic text-muted' : 'text-fg-2')}>
                      {p.project ?? 'Unassigned'}
                    </td>
                    <td className="py-1.5 pr-3 text-right font-mono text-caption text-fg-2">
                      {formatMoney(p.payin_amount)}
                      <span className="ml-1 text-muted">({formatCount(p.payin_count)})</span>
                    </td>
                    <td className="py-1.5 pr-3 text-right font-mono text-caption text-fg-2">
                      {formatMoney(p.payout_amount)}
                      <span className="ml-1 text-muted">({formatCount(p.payout_count)})</span>
                    </td>
                    <td className="py-1.5 text-right text-caption">
                      <Net value={p.net_amount} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="border-t-2 border-border font-medium">
                  <th scope="row" className="py-2 pr-3 text-left text-fg">
                    Total
                  </th>
                  <td className="py-2 pr-3 text-right font-mono text-caption text-fg" data-testid="net-flow-payins">
                    {formatMoney(data.totals.payin_amount)}
                  </td>
                  <td className="py-2 pr-3 text-right font-mono text-caption text-fg" data-testid="net-flow-payouts">
                    {formatMoney(data.totals.payout_amount)}
                  </td>
                  <td className="py-2 text-right">
                    <Net value={data.totals.net_amount} testId="net-flow-total" />
                  </td>
                </tr>
              </tfoot>
            </table>
          )}
        </QueryView>
      </CardBody>
    </Card>
  );
}

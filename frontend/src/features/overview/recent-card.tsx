'use client';

import Link from 'next/link';
import { SourceBadge, StatusBadge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { SkeletonStack } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { formatRelative } from '@/lib/dates';
import type { OverviewFilters } from '@/lib/filters';
import { formatMoney } from '@/lib/money';
import { useRecentTransactions } from './queries';

export function RecentCard({ source, project }: Pick<OverviewFilters, 'source' | 'project'>) {
  const recent = useRecentTransactions({ source, project });
  return (
    <Card>
      <CardHeader
        title="Recent transactions"
        actions={
          <Link href="/transactions/" className="text-caption font-medium text-accent-fg hover:underline">
            View all →
          </Link>
        }
      />
      <CardBody className="pt-2">
        <QueryView
          query={recent}
          loading={<SkeletonStack count={6} className="h-8 w-full" />}
          empty={{ when: (data) => data.items.length === 0, title: 'No transactions yet' }}
        >
          {(data) => (
            <ul className="divide-y divide-border">
              {data.items.map((t) => (
                <li key={t.id}>
                  <Link
                    href={`/transactions/?id=${encodeURIComponent(t.id)}`}
                    className="flex items-center gap-3 rounded-sm px-1 py-2 hover:bg-input"
                  >
                    <SourceBadge source={t.source} />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-mono text-caption text-fg">{t.client_operation_id ?? t.id}</span>
                      <span className="block truncate text-caption text-muted">
                        {t.project ?? '—'} · {formatRelative(t.created_at)}
                      </span>
                    </span>
                    <span className="text-right">
                      <span className="block font-mono text-caption text-fg">
                        {formatMoney(t.amount, { currency: t.currency })}
                      </span>
                      <StatusBadge status={t.status} />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </CardBody>
    </Card>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronDown } from 'lucide-react';
import { Fragment, useState } from 'react';
import { SourceBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { formatDateTime, type TimeZone } from '@/lib/dates';

export function QuarantineTable({ tz }: { tz: TimeZone }) {
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const q = { page, limit: 20 };
  const data = useQuery({
    queryKey: queryKeys.quarantine(q),
    queryFn: ({ signal }) => apiGetPaged('/sync/quarantine', { query: q, signal }),
    placeholderData: keepPreviousData,
  });
  return (
    <Card>
      <CardHeader
        title="Quarantined records"
        description="Records a source sent that failed validation. They are kept, not loaded."
      />
      <div className="mt-3">
        <PagedView
          query={data}
          loading={<TableSkeleton rows={4} cols={5} />}
          empty={{ title: 'Nothing quarantined', hint: 'Every record the sources sent passed validation.' }}
          noun="records"
          onPage={setPage}
        >
          {(items) => (
            <table className="w-full text-left text-body" data-testid="quarantine">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="w-8 px-3 py-2" />
                  <th className="px-3 py-2 font-medium">Source</th>
                  <th className="px-3 py-2 font-medium">Record id</th>
                  <th className="px-3 py-2 font-medium">Reason</th>
                  <th className="px-3 py-2 font-medium">First seen</th>
                  <th className="px-3 py-2 font-medium">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r, i) => (
                  <Fragment key={r.id}>
                    <tr className="border-b border-border/60 hover:bg-input">
                      <td className="px-3 py-2">
                        <button
                          type="button"
                          aria-expanded={open === i}
                          aria-label="Show raw record"
                          onClick={() => setOpen(open === i ? null : i)}
                          className="rounded-sm p-0.5 text-muted hover:text-fg"
                        >
                          <ChevronDown className={cn('h-4 w-4 transition-transform', open !== i && '-rotate-90')} />
                        </button>
                      </td>
                      <td className="px-3 py-2">
                        <SourceBadge source={r.source} />
                      </td>
                      <td className="px-3 py-2 font-mono text-caption">{r.source_record_id ?? '—'}</td>
                      <td className="px-3 py-2 text-caption text-pending">{r.reason}</td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">
                        {formatDateTime(r.first_seen_at, tz)}
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption">{formatDateTime(r.last_seen_at, tz)}</td>
                    </tr>
                    {open === i ? (
                      <tr className="border-b border-border/60">
                        <td colSpan={6} className="px-3 py-2">
                          <div className="flex justify-end">
                            <CopyButton value={JSON.stringify(r.raw, null, 2)} label="Copy raw record" />
                          </div>
                          <pre className="max-h-64 overflow-auto rounded-md border border-border bg-bg p-3 font-mono text-[12px] text-fg-2">
                            {JSON.stringify(r.raw, null, 2)}
                          </pre>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </PagedView>
      </div>
    </Card>
  );
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronDown } from 'lucide-react';
import { Fragment, useState } from 'react';
import { SourceBadge } from '@/components/ui/badge';
import { ChoiceSelect } from '@/components/ui/input';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { Query } from '@/lib/api/paths';
import { SOURCES, type Source } from '@/lib/api/types';
import { useUrlState } from '@/lib/app/use-url-state';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { SOURCE_NAME } from './labels';

/** `meta.reasons` of GET /sync/quarantine: the reason filter's choices (absent on an older backend). */
interface ReasonCount {
  reason: string;
  count: number;
}

/** The filters live in the URL (shareable); names prefixed so they never clash with the page's. */
export const QUARANTINE_SOURCE = 'quarantine_source';
export const QUARANTINE_REASON = 'quarantine_reason';

export function QuarantineTable({ tz }: { tz: TimeZone }) {
  const { params, replace } = useUrlState();
  const rawSource = params.get(QUARANTINE_SOURCE);
  const source = SOURCES.includes(rawSource as Source) ? (rawSource as Source) : undefined;
  const reason = params.get(QUARANTINE_REASON) || undefined;
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const q = { source, reason, page, limit: 20 };
  const data = useQuery({
    queryKey: queryKeys.quarantine(q),
    // `reason` is new in the API; typed by hand until schema.d.ts is regenerated.
    queryFn: ({ signal }) => apiGetPaged('/sync/quarantine', { query: q as Query<'/sync/quarantine'>, signal }),
    placeholderData: keepPreviousData,
  });
  const reasons = ((data.data?.meta as { reasons?: ReasonCount[] } | undefined)?.reasons ?? []).slice();
  // The picked reason stays a choice even when the backend's list does not name it.
  if (reason && !reasons.some((r) => r.reason === reason)) reasons.push({ reason, count: 0 });
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    // A reason of another source may not exist for the new one: start over.
    if (key === QUARANTINE_SOURCE) next.delete(QUARANTINE_REASON);
    replace(next);
    setPage(1);
    setOpen(null);
  };
  return (
    <Card>
      <CardHeader
        title="Quarantined records"
        description="Records a source sent that failed validation. They are kept, not loaded."
        actions={
          <>
            <ChoiceSelect
              aria-label="Quarantine source"
              value={source}
              values={SOURCES}
              any="All sources"
              option={(s) => SOURCE_NAME[s]}
              onChange={(s) => setFilter(QUARANTINE_SOURCE, s)}
              data-testid="quarantine-source"
            />
            <ChoiceSelect
              aria-label="Quarantine reason"
              className="max-w-[18rem]"
              value={reason}
              values={reasons.map((r) => r.reason)}
              any="All reasons"
              option={(r) => {
                const n = reasons.find((x) => x.reason === r)?.count;
                return n ? `${r} (${formatCount(n)})` : r;
              }}
              onChange={(r) => setFilter(QUARANTINE_REASON, r)}
              data-testid="quarantine-reason"
            />
          </>
        }
      />
      <div className="mt-3">
        <PagedView
          query={data}
          loading={<TableSkeleton rows={4} cols={5} />}
          empty={
            source || reason
              ? { title: 'No quarantined records match these filters' }
              : { title: 'Nothing quarantined', hint: 'Every record the sources sent passed validation.' }
          }
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
                    <tr className="border-b border-border/60 hover:bg-input" data-testid="quarantine-row" data-reason={r.reason}>
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
                          <pre
                            className="max-h-64 overflow-auto rounded-md border border-border bg-bg p-3 font-mono text-[12px] text-fg-2"
                            tabIndex={0}
                            aria-label="Raw record"
                          >
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

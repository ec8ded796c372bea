'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { TableSkeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { AuditEntry } from '@/lib/api/types';
import { formatDateTime, type TimeZone } from '@/lib/dates';

interface AuditFilters {
  actor: string;
  action: string;
  from_date: string;
  to_date: string;
}
const EMPTY: AuditFilters = { actor: '', action: '', from_date: '', to_date: '' };

export function AuditPanel({ tz }: { tz: TimeZone }) {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY);
  const [page, setPage] = useState(1);
  const q = { ...applied, page, limit: 50 };
  const audit = useQuery({
    queryKey: queryKeys.audit(q),
    queryFn: ({ signal }) => apiGetPaged<AuditEntry>('/audit', q, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Card>
      <CardHeader title="Audit log" description="Who exported, triggered, ran or resolved what, and when." />
      <form
        className="flex flex-wrap items-end gap-3 px-4 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft, actor: draft.actor.trim(), action: draft.action.trim() });
          setPage(1);
        }}
      >
        <Input
          aria-label="Actor"
          placeholder="Actor (email)"
          value={draft.actor}
          onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
        />
        <Input
          aria-label="Action"
          placeholder="Action, e.g. export"
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
        />
        <Input
          type="date"
          aria-label="From date"
          value={draft.from_date}
          onChange={(e) => setDraft({ ...draft, from_date: e.target.value })}
        />
        <Input
          type="date"
          aria-label="To date"
          value={draft.to_date}
          onChange={(e) => setDraft({ ...draft, to_date: e.target.value })}
        />
        <Button type="submit" variant="primary">
          Apply
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDraft(EMPTY);
            setApplied(EMPTY);
            setPage(1);
          }}
        >
          Reset
        </Button>
      </form>
      <div className="mt-3">
        {audit.isPending ? (
          <TableSkeleton rows={8} cols={5} />
        ) : audit.isError ? (
          <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
        ) : audit.data.items.length === 0 ? (
          <EmptyState title="No audit entries match" />
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-body" data-testid="audit-table">
                <thead>
                  <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                    <th className="px-4 py-2 font-medium">When</th>
                    <th className="px-4 py-2 font-medium">Actor</th>
                    <th className="px-4 py-2 font-medium">Action</th>
                    <th className="px-4 py-2 font-medium">Outcome</th>
                    <th className="px-4 py-2 font-medium">Target</th>
                    <th className="px-4 py-2 font-medium">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.data.items.map((a) => {
                    const details = a.details === undefined || a.details === null ? '' : JSON.stringify(a.details);
                    return (
                      <tr key={a.id} className="border-b border-border/60 last:border-0 hover:bg-input">
                        <td className="whitespace-nowrap px-4 py-2 font-mono text-caption text-fg-2">
                          {formatDateTime(a.created_at, tz)}
                        </td>
                        <td className="px-4 py-2 text-caption">{a.actor ?? 'system'}</td>
                        <td className="px-4 py-2 font-mono text-caption text-accent-hover">{a.action}</td>
                        <td className="px-4 py-2">
                          {a.outcome ? (
                            <Badge tone={/^(ok|success|allowed)$/.test(a.outcome) ? 'success' : 'failed'}>{a.outcome}</Badge>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td className="px-4 py-2 font-mono text-caption">{a.target ?? '—'}</td>
                        <td className="px-4 py-2 font-mono text-caption text-muted" title={details}>
                          {/* max-width is ignored on table cells: the inner block truncates. */}
                          <div className="max-w-64 truncate 2xl:max-w-96">{details || '—'}</div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager
              page={audit.data.meta.page}
              limit={audit.data.meta.limit}
              total={audit.data.meta.total}
              totalPages={audit.data.meta.total_pages}
              onPage={setPage}
              noun="entries"
            />
          </>
        )}
      </div>
    </Card>
  );
}

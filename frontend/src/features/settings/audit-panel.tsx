'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Input } from '@/components/ui/input';
import { TableSkeleton } from '@/components/ui/skeleton';
import { PagedView } from '@/components/ui/states';
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
    queryFn: ({ signal }) => apiGetPaged('/audit', { query: q, signal }),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<Column<AuditEntry>[]>(
    () => [
      {
        id: 'when',
        header: 'When',
        cellClassName: 'whitespace-nowrap font-mono text-caption text-fg-2',
        cell: (a) => formatDateTime(a.created_at, tz),
      },
      { id: 'actor', header: 'Actor', cellClassName: 'text-caption', cell: (a) => a.actor ?? 'system' },
      { id: 'action', header: 'Action', cellClassName: 'font-mono text-caption text-accent-hover', cell: (a) => a.action },
      {
        id: 'outcome',
        header: 'Outcome',
        cell: (a) =>
          a.outcome ? <Badge tone={/^(ok|success|allowed)$/.test(a.outcome) ? 'success' : 'failed'}>{a.outcome}</Badge> : '—',
      },
      { id: 'target', header: 'Target', cellClassName: 'font-mono text-caption', cell: (a) => a.target ?? '—' },
      {
        id: 'details',
        header: 'Details',
        cellClassName: 'font-mono text-caption text-muted',
        cell: (a) => {
          const details = JSON.stringify(a.details);
          // max-width is ignored on table cells: the inner block truncates.
          return (
            <div className="max-w-64 truncate 2xl:max-w-96" title={details}>
              {details || '—'}
            </div>
          );
        },
      },
    ],
    [tz],
  );
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
        <PagedView
          query={audit}
          loading={<TableSkeleton rows={8} cols={5} />}
          empty={{ title: 'No audit entries match' }}
          noun="entries"
          onPage={setPage}
        >
          {(items) => <DataTable variant="list" testId="audit-table" columns={columns} data={items} getRowId={(a) => a.id} />}
        </PagedView>
      </div>
    </Card>
  );
}

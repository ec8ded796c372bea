'use client';

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { DateField } from '@/components/ui/date-field';
import { Input } from '@/components/ui/input';
import { Drawer } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { InlineError, PagedView, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiGetPaged } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { downloadFile } from '@/lib/download';
import { actionName, targetName, type AuditRow } from './audit-labels';

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
  const [openId, setOpenId] = useState<AuditRow['id'] | null>(null);
  const toast = useToast();
  const q = { ...applied, page, limit: 50 };
  const exportCsv = useMutation({
    mutationFn: () => downloadFile('/audit/export', { ...applied, format: 'csv' }, 'audit-log.csv', () => undefined),
    onSuccess: (f) => toast(`Downloaded ${f.filename}`, 'success'),
  });
  const audit = useQuery({
    queryKey: queryKeys.audit(q),
    queryFn: ({ signal }) => apiGetPaged('/audit', { query: q, signal }),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<Column<AuditRow>[]>(
    () => [
      {
        id: 'when',
        header: 'When',
        cellClassName: 'whitespace-nowrap font-mono text-caption text-fg-2',
        cell: (a) => formatDateTime(a.created_at, tz),
      },
      { id: 'actor', header: 'Actor', cellClassName: 'text-caption', cell: (a) => a.actor ?? 'system' },
      {
        id: 'action',
        header: 'Action',
        cellClassName: 'text-body text-fg',
        cell: (a) => (
          <span title={a.action} data-testid="audit-action">
            {actionName(a)}
          </span>
        ),
      },
      {
        id: 'outcome',
        header: 'Outcome',
        cell: (a) =>
          a.outcome ? <Badge tone={/^(ok|success|allowed)$/.test(a.outcome) ? 'success' : 'failed'}>{a.outcome}</Badge> : '—',
      },
      {
        id: 'target',
        header: 'Target',
        cellClassName: 'text-caption',
        cell: (a) => (
          // max-width is ignored on table cells: the inner block truncates.
          <div className="max-w-64 truncate 2xl:max-w-96" title={a.target ?? undefined} data-testid="audit-target">
            {targetName(a)}
          </div>
        ),
      },
    ],
    [tz],
  );
  return (
    <Card>
      <CardHeader
        title="Audit log"
        description="Who exported, triggered, ran or resolved what, and when. Open a row for its full details."
        actions={
          <Button onClick={() => exportCsv.mutate()} loading={exportCsv.isPending} data-testid="audit-export">
            {exportCsv.isPending ? null : <Download className="h-4 w-4" aria-hidden />} Export CSV
          </Button>
        }
      />
      {exportCsv.error ? (
        <div className="px-4 pt-3">
          <InlineError error={exportCsv.error} />
        </div>
      ) : null}
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
        <DateField
          label="From date"
          value={draft.from_date || undefined}
          max={draft.to_date || undefined}
          onChange={(from_date) => setDraft({ ...draft, from_date: from_date ?? '' })}
        />
        <DateField
          label="To date"
          value={draft.to_date || undefined}
          min={draft.from_date || undefined}
          onChange={(to_date) => setDraft({ ...draft, to_date: to_date ?? '' })}
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
          {(items) => (
            <DataTable
              variant="list"
              testId="audit-table"
              rowTestId="audit-row"
              columns={columns}
              data={items as AuditRow[]}
              getRowId={(a) => String(a.id)}
              onRowClick={(a) => setOpenId(a.id)}
            />
          )}
        </PagedView>
      </div>
      <AuditDrawer id={openId} tz={tz} onClose={() => setOpenId(null)} />
    </Card>
  );
}

/** One entry in full: GET /audit/{id} (the whole `details`, never cut), pretty JSON. */
function AuditDrawer({ id, tz, onClose }: { id: AuditRow['id'] | null; tz: TimeZone; onClose: () => void }) {
  const entry = useQuery({
    queryKey: ['admin', 'audit', 'entry', id],
    enabled: id !== null,
    queryFn: ({ signal }) => apiGet('/audit/{entry_id}', { path: { entry_id: Number(id) }, signal }) as Promise<AuditRow>,
  });
  return (
    <Drawer open={id !== null} onClose={onClose} title="Audit entry" testId="audit-drawer">
      <QueryView query={entry} loading={<TableSkeleton rows={6} cols={2} />} errorTitle="Could not load this entry">
        {(a) => (
          <div className="space-y-4">
            <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-body">
              <dt className="text-fg-2">Action</dt>
              <dd className="text-fg">
                {actionName(a)} <span className="font-mono text-caption text-fg-2">({a.action})</span>
              </dd>
              <dt className="text-fg-2">Target</dt>
              <dd className="break-all text-fg">
                {targetName(a)}
                {a.target && a.target_label && a.target_label !== a.target ? (
                  <span className="block font-mono text-caption text-fg-2">{a.target}</span>
                ) : null}
              </dd>
              <dt className="text-fg-2">Actor</dt>
              <dd className="text-fg">{a.actor ?? 'system'}</dd>
              <dt className="text-fg-2">When</dt>
              <dd className="font-mono text-caption text-fg">{formatDateTime(a.created_at, tz)}</dd>
              <dt className="text-fg-2">Outcome</dt>
              <dd className="text-fg">{a.outcome ?? '—'}</dd>
              <dt className="text-fg-2">IP address</dt>
              <dd className="font-mono text-caption text-fg">{a.ip ?? '—'}</dd>
              <dt className="text-fg-2">Request id</dt>
              <dd className="break-all font-mono text-caption text-fg">{a.request_id ?? '—'}</dd>
            </dl>
            <div>
              <h3 className="mb-2 text-body font-medium text-fg">Details</h3>
              <pre
                className="max-h-[60vh] overflow-auto whitespace-pre-wrap break-all rounded-md border border-border bg-bg p-3 font-mono text-caption text-fg"
                data-testid="audit-details"
                tabIndex={0}
                aria-label="Details"
              >
                {a.details == null ? '—' : JSON.stringify(a.details, null, 2)}
              </pre>
            </div>
          </div>
        )}
      </QueryView>
    </Drawer>
  );
}

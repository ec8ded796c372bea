'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Label, Textarea } from '@/components/ui/input';
import { Drawer } from '@/components/ui/overlay';
import { Skeleton } from '@/components/ui/skeleton';
import { InlineError, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiSend } from '@/lib/api/client';
import type { Resolution } from '@/lib/api/types';
import { formatDate, formatDateTime, tzLabel, type TimeZone } from '@/lib/dates';
import { formatCount, formatMoney } from '@/lib/money';
import { DuplicatesTable, SidesTable } from './discrepancy-sides';
import { discrepancyKind, TYPE_LABEL } from './labels';
import { OwnerControl } from './owner-control';
import { CounterpartNote, RefetchPanel, SuggestedMatches, type Counterpart } from './refetch-suggestions';
import { workbenchCall } from './workbench-api';
import type { DiscrepancyDetail } from './workbench-types';

export const discrepancyKey = (id: string) => ['reconciliation', 'discrepancy', id] as const;

/** The side panel of one result row: both sides, what differed, duplicates, owner, comments, history, resolve. */
export function DiscrepancyDrawer({
  id,
  onClose,
  mayEdit,
  tz,
}: {
  id: string | null;
  onClose: () => void;
  mayEdit: boolean;
  tz: TimeZone;
}) {
  const q = useQuery({
    queryKey: discrepancyKey(id ?? ''),
    queryFn: async ({ signal }) =>
      (await apiGet('/reconciliation/discrepancies/{discrepancy_id}', {
        path: { discrepancy_id: id! },
        signal,
      })) as unknown as DiscrepancyDetail,
    enabled: !!id,
  });
  return (
    <Drawer open={!!id} onClose={onClose} title="Discrepancy" testId="discrepancy-drawer" width="w-[min(760px,100vw)]">
      <QueryView
        query={q}
        loading={
          <div className="space-y-3">
            <Skeleton className="h-14 w-full" />
            <Skeleton className="h-64 w-full" />
          </div>
        }
        errorTitle="Could not load the discrepancy"
      >
        {(d) => <DetailView d={d} mayEdit={mayEdit} tz={tz} />}
      </QueryView>
    </Drawer>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="mb-5" data-testid={testId}>
      <h3 className="mb-2 text-caption font-semibold uppercase tracking-wide text-fg-2">{title}</h3>
      {children}
    </section>
  );
}

function DetailView({ d, mayEdit, tz }: { d: DiscrepancyDetail; mayEdit: boolean; tz: TimeZone }) {
  const kind = discrepancyKind(d);
  const counterpart = (d as { counterpart?: Counterpart | null }).counterpart;
  const differences: string[] = [];
  if (d.amount_diff !== null && d.amount_diff !== undefined && formatMoney(d.amount_diff, { symbol: false }) !== '0.00')
    differences.push(`Amount: Vima − PayShack = ${formatMoney(d.amount_diff, { signed: true })}`);
  if (d.time_gap_minutes !== null && d.time_gap_minutes !== undefined)
    differences.push(`Time gap: ${formatCount(d.time_gap_minutes)} min`);
  if (d.vima_status && d.payshack_status && d.vima_status !== d.payshack_status)
    differences.push(`Status: Vima ${d.vima_status}, PayShack ${d.payshack_status}`);
  if (d.match_status === 'missing_vima') differences.push('No Vima row for this client operation id');
  if (d.match_status === 'missing_payshack') differences.push('No PayShack row for this client operation id');
  return (
    <>
      <div className="mb-5 flex flex-wrap items-center gap-2 rounded-md border border-border bg-panel px-4 py-3">
        <Badge tone={kind.startsWith('missing') ? 'failed' : 'pending'}>{TYPE_LABEL[kind] ?? kind}</Badge>
        {d.provisional ? <Badge tone="info">provisional</Badge> : null}
        <span className="font-mono text-body text-fg" data-testid="discrepancy-cid">
          {d.client_operation_id ?? '—'}
        </span>
        <span className="ml-auto flex items-center gap-2 text-caption text-muted">
          {formatDate(d.recon_date)}
          <span data-testid="discrepancy-detail-resolution" data-value={d.resolution}>
            <StatusBadge status={d.resolution} />
          </span>
        </span>
      </div>

      <Section title="What differed" testId="discrepancy-differences">
        {differences.length ? (
          <ul className="list-inside list-disc space-y-0.5 text-body text-fg">
            {differences.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        ) : (
          <p className="text-body text-fg-2">{TYPE_LABEL[kind] ?? kind}</p>
        )}
      </Section>

      {counterpart ? (
        <Section title="Counterpart outside the window">
          <CounterpartNote c={counterpart} tz={tz} />
        </Section>
      ) : null}

      <Section title={`Both sides (${tzLabel(tz)})`}>
        <SidesTable d={d} tz={tz} />
      </Section>

      {mayEdit && d.client_operation_id ? (
        <Section title="Re-fetch from providers" testId="discrepancy-refetch">
          <RefetchPanel id={d.id} />
        </Section>
      ) : null}

      {kind.startsWith('missing') ? (
        <Section title="Suggested matches" testId="discrepancy-suggestions">
          <SuggestedMatches id={d.id} mayEdit={mayEdit} tz={tz} />
        </Section>
      ) : null}

      {d.duplicates?.length ? (
        <Section title={`Duplicate rows (${d.duplicates.length})`}>
          <DuplicatesTable rows={d.duplicates} tz={tz} />
        </Section>
      ) : null}

      <Section title="Owner" testId="discrepancy-owner-section">
        <OwnerControl d={d} mayEdit={mayEdit} />
      </Section>

      {mayEdit ? (
        <Section title="Resolve">
          <ResolveForm d={d} />
        </Section>
      ) : null}

      <Section title="Comments" testId="discrepancy-comments">
        <Comments d={d} mayEdit={mayEdit} tz={tz} />
      </Section>

      <Section title="History" testId="discrepancy-history">
        <History d={d} tz={tz} />
      </Section>
    </>
  );
}

function ResolveForm({ d }: { d: DiscrepancyDetail }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: (resolution: Resolution) =>
      apiSend('POST', '/reconciliation/discrepancies/{discrepancy_id}/resolve', {
        path: { discrepancy_id: d.id },
        body: { resolution, note: note.trim() },
      }),
    onSuccess: async (_, resolution) => {
      setNote('');
      await qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(`Marked ${d.client_operation_id ?? 'discrepancy'} as ${resolution}`, 'success');
    },
  });
  const noNote = !note.trim();
  return (
    <div className="space-y-2">
      <Label>
        Note <span className="text-muted">(required to acknowledge or resolve)</span>
        <Textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="What was found, who was contacted, ticket id…"
          maxLength={2000}
          data-testid="drawer-resolve-note"
        />
      </Label>
      <div className="flex flex-wrap gap-2">
        {d.resolution !== 'acknowledged' ? (
          <Button
            size="sm"
            disabled={noNote}
            loading={m.isPending && m.variables === 'acknowledged'}
            onClick={() => m.mutate('acknowledged')}
            data-testid="drawer-acknowledge"
          >
            Acknowledge
          </Button>
        ) : null}
        {d.resolution !== 'resolved' ? (
          <Button
            size="sm"
            variant="primary"
            disabled={noNote}
            loading={m.isPending && m.variables === 'resolved'}
            onClick={() => m.mutate('resolved')}
            data-testid="drawer-resolve"
          >
            Resolve
          </Button>
        ) : null}
        {d.resolution !== 'open' ? (
          <Button
            size="sm"
            variant="ghost"
            loading={m.isPending && m.variables === 'open'}
            onClick={() => m.mutate('open')}
            data-testid="drawer-reopen"
          >
            Re-open
          </Button>
        ) : null}
      </div>
      <InlineError error={m.error} />
    </div>
  );
}

function Comments({ d, mayEdit, tz }: { d: DiscrepancyDetail; mayEdit: boolean; tz: TimeZone }) {
  const qc = useQueryClient();
  const [body, setBody] = useState('');
  const m = useMutation({
    mutationFn: () =>
      workbenchCall('POST', '/reconciliation/discrepancies/{id}/comments', { path: { id: d.id }, body: { body: body.trim() } }),
    onSuccess: async () => {
      setBody('');
      await qc.invalidateQueries({ queryKey: discrepancyKey(d.id) });
    },
  });
  const comments = d.comments ?? [];
  return (
    <div className="space-y-3">
      {d.comments === undefined ? (
        <p className="text-caption text-muted">Comments are not available on this server.</p>
      ) : comments.length === 0 ? (
        <p className="text-caption text-muted">No comments yet.</p>
      ) : (
        <ol className="space-y-2">
          {comments.map((c) => (
            <li key={c.id} className="rounded-md border border-border bg-panel px-3 py-2" data-testid="discrepancy-comment">
              <p className="text-caption text-muted">
                <span className="text-fg-2">{c.author ?? 'unknown'}</span> · {formatDateTime(c.created_at, tz, false)}
              </p>
              <p className="whitespace-pre-wrap text-body text-fg">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {mayEdit && d.comments !== undefined ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) m.mutate();
          }}
        >
          <Label>
            Add a comment
            <Textarea value={body} onChange={(e) => setBody(e.target.value)} maxLength={4000} data-testid="comment-body" />
          </Label>
          <Button type="submit" size="sm" disabled={!body.trim()} loading={m.isPending} data-testid="comment-submit">
            Comment
          </Button>
          <InlineError error={m.error} />
        </form>
      ) : null}
    </div>
  );
}

function History({ d, tz }: { d: DiscrepancyDetail; tz: TimeZone }) {
  const entries = d.history ?? [];
  if (entries.length === 0) {
    return (
      <p className="text-caption text-muted">
        First seen {formatDateTime(d.first_seen_at ?? d.created_at, tz, false)}
        {d.resolved_by ? ` · ${d.resolution} by ${d.resolved_by} ${formatDateTime(d.resolved_at, tz, false)}` : ''}
      </p>
    );
  }
  return (
    <ol className="space-y-1.5 border-l border-border pl-3" data-testid="history-list">
      {entries.map((h, i) => (
        <li key={`${h.at}-${i}`} className="text-caption text-fg-2" data-testid="history-entry">
          <span className="font-mono text-muted">{formatDateTime(h.at, tz, false)}</span> ·{' '}
          <span className="text-fg">{h.action}</span>
          {h.resolution ? ` → ${h.resolution}` : ''} {h.by ? `by ${h.by}` : ''}
          {h.note ? <span className="block text-fg-2">“{h.note}”</span> : null}
        </li>
      ))}
    </ol>
  );
}

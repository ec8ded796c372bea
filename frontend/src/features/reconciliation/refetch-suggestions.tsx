'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Label, Textarea } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { TYPE_LABEL } from './labels';
import { workbenchCall } from './workbench-api';

/** A key's classification as the amendment lists it: API types, or `matched`. */
export interface Amendment {
  id: string;
  run_id: string;
  recon_date: string;
  client_operation_id: string;
  before: string[];
  after: string[];
  by: string;
  at: string;
  reason: string;
}

interface RefetchResult {
  discrepancy: { id: string } | null;
  amendment: Amendment | null;
  fetched: { vima: number; payshack: number };
  changed: boolean;
}

export interface Suggestion {
  id: string;
  side: 'vima' | 'payshack';
  status: 'open' | 'confirmed';
  transaction: {
    id: string;
    source: string;
    client_operation_id: string | null;
    order_id: string | null;
    project: string | null;
    amount: string | number;
    status: string;
    created_at: string;
    utr: string | null;
  };
  reason: string;
  reason_text: string;
  rank: number;
}

export interface Counterpart {
  transaction_id: string;
  source: string;
  created_at: string;
  offset_text: string;
}

export function classificationText(types: string[]): string {
  if (!types.length) return 'nothing';
  return types.map((t) => (t === 'matched' ? 'Matched' : (TYPE_LABEL[t] ?? t))).join(', ');
}

/** "Re-fetch": ask both providers for this key again; the key is re-classified in the current run. */
export function RefetchPanel({ id }: { id: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const m = useMutation({
    mutationFn: () => workbenchCall<RefetchResult>('POST', '/reconciliation/discrepancies/{id}/refetch', { path: { id } }),
    onSuccess: async (r) => {
      // Matched now: the row is gone from the run; the panel keeps showing what it was.
      await qc.invalidateQueries({
        queryKey: ['reconciliation'],
        predicate: (q) => !!r.discrepancy || q.queryKey[1] !== 'discrepancy',
      });
      toast(r.discrepancy ? 'Re-fetched' : 'Re-fetched: the key is matched now', 'success');
    },
  });
  const r = m.data;
  return (
    <div className="space-y-2">
      <p className="text-caption text-fg-2">
        Asks Vima and PayShack for this key only and re-classifies it in the day&apos;s current run (recorded as an amendment of
        the run).
      </p>
      <Button size="sm" loading={m.isPending} onClick={() => m.mutate()} data-testid="drawer-refetch">
        Re-fetch
      </Button>
      {r ? (
        <p className="text-body text-fg" data-testid="refetch-result" data-changed={r.changed ? 'true' : 'false'}>
          {r.changed ? 'Changed' : 'Unchanged'} — fetched {r.fetched.vima} from Vima, {r.fetched.payshack} from PayShack.{' '}
          {r.amendment ? (
            <>
              Now: <strong>{classificationText(r.amendment.after)}</strong> (was {classificationText(r.amendment.before)}).
            </>
          ) : (
            'The day has no run to amend.'
          )}
        </p>
      ) : null}
      <InlineError error={m.error} />
    </div>
  );
}

/** The counterpart of a missing row outside the window, in words. */
export function CounterpartNote({ c, tz }: { c: Counterpart; tz: TimeZone }) {
  const text = c.offset_text.charAt(0).toUpperCase() + c.offset_text.slice(1);
  return (
    <p className="text-body text-fg" data-testid="discrepancy-counterpart">
      {text}: {c.source === 'vima' ? 'Vima' : 'PayShack'} row of {formatDateTime(c.created_at, tz)}. Counted once in money at
      risk.
    </p>
  );
}

/** Likely counterparts of a missing row, ranked with their reason; confirm (note required) or dismiss. */
export function SuggestedMatches({ id, mayEdit, tz }: { id: string; mayEdit: boolean; tz: TimeZone }) {
  const q = useQuery({
    queryKey: ['reconciliation', 'suggestions', id],
    queryFn: () =>
      workbenchCall<{ items: Suggestion[] }>('GET', '/reconciliation/discrepancies/{id}/suggestions', { path: { id } }),
  });
  if (q.isPending) return <p className="text-caption text-muted">Looking for likely counterparts…</p>;
  if (q.error) return <InlineError error={q.error} />;
  const items = q.data?.items ?? [];
  if (!items.length)
    return (
      <p className="text-body text-fg-2" data-testid="suggestions-empty">
        No likely counterpart found.
      </p>
    );
  return (
    <ul className="space-y-2" data-testid="suggestions">
      {items.map((s) => (
        <SuggestionItem key={s.id} s={s} mayEdit={mayEdit} tz={tz} />
      ))}
    </ul>
  );
}

function SuggestionItem({ s, mayEdit, tz }: { s: Suggestion; mayEdit: boolean; tz: TimeZone }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const t = s.transaction;
  const key = t.source === 'vima' ? t.client_operation_id : t.order_id;
  const act = useMutation({
    mutationFn: (what: 'confirm' | 'dismiss') =>
      workbenchCall<unknown>('POST', `/reconciliation/suggestions/{id}/${what}`, {
        path: { id: s.id },
        body: what === 'confirm' ? { note: note.trim() } : undefined,
      }),
    onSuccess: async (_, what) => {
      await qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(what === 'confirm' ? 'Matched by hand' : 'Suggestion dismissed', 'success');
    },
  });
  return (
    <li className="rounded-md border border-border bg-panel px-3 py-2" data-testid="suggestion" data-reason={s.reason}>
      <div className="flex flex-wrap items-center gap-2 text-body">
        <Badge tone="info">#{s.rank}</Badge>
        <span className="font-medium text-fg" data-testid="suggestion-reason">
          {s.reason_text}
        </span>
        {s.status === 'confirmed' ? <Badge tone="success">matched by hand</Badge> : null}
      </div>
      <div className="mt-1 flex flex-wrap gap-x-4 text-caption text-fg-2">
        <span>{t.source === 'vima' ? 'Vima' : 'PayShack'}</span>
        <span className="font-mono">{key ?? '—'}</span>
        <span>{formatMoney(t.amount)}</span>
        <span>{t.status}</span>
        <span>{formatDateTime(t.created_at, tz)}</span>
        {t.project ? <span>project {t.project}</span> : null}
        {t.utr ? <span>UTR {t.utr}</span> : null}
      </div>
      {mayEdit && s.status === 'open' ? (
        confirming ? (
          <div className="mt-2 space-y-2">
            <Label>
              Note <span className="text-muted">(required)</span>
              <Textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder="Why these two rows are one payment"
                maxLength={2000}
                data-testid="suggestion-note"
              />
            </Label>
            <div className="flex gap-2">
              <Button
                size="sm"
                variant="primary"
                disabled={!note.trim()}
                loading={act.isPending && act.variables === 'confirm'}
                onClick={() => act.mutate('confirm')}
                data-testid="suggestion-confirm-submit"
              >
                Confirm match
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <div className="mt-2 flex gap-2">
            <Button size="sm" onClick={() => setConfirming(true)} data-testid="suggestion-confirm">
              Confirm
            </Button>
            <Button
              size="sm"
              variant="ghost"
              loading={act.isPending && act.variables === 'dismiss'}
              onClick={() => act.mutate('dismiss')}
              data-testid="suggestion-dismiss"
            >
              Dismiss
            </Button>
          </div>
        )
      ) : null}
      <InlineError error={act.error} />
    </li>
  );
}

/** A run's amendments (keys re-classified after a re-fetch), for the run history. */
export function RunAmendments({ runId, tz }: { runId: string; tz: TimeZone }) {
  const q = useQuery({
    queryKey: ['reconciliation', 'amendments', runId],
    queryFn: () => workbenchCall<Amendment[]>('GET', '/reconciliation/runs/{id}/amendments', { path: { id: runId } }),
  });
  if (!q.data?.length) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-caption text-fg-2" data-testid="run-amendments">
      {q.data.map((a) => (
        <li key={a.id}>
          Amended {formatDateTime(a.at, tz)} by {a.by}: <span className="font-mono">{a.client_operation_id}</span>{' '}
          {classificationText(a.before)} → {classificationText(a.after)} ({a.reason})
        </li>
      ))}
    </ul>
  );
}

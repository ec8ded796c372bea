'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Pencil, Play, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { PageHeader } from '@/components/layout/app-shell';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { EmptyState, InlineError, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import type { Delivery, Schedule } from './report-types';
import { deleteSchedule, getDeliveries, getSchedules, reportKeys, runSchedule } from './reports-api';
import { ScheduleDialog } from './schedule-dialog';
import { cadenceText, CHANNEL_LABEL, deliveryTone, KIND_LABEL, periodText } from './schedule-form';

/** While a delivery is queued or sending, the lists refresh this often. */
const BUSY_POLL_MS = 3_000;
const IDLE_POLL_MS = 60_000;

/** Queued for its first attempt or being sent: done within seconds (a retry waits minutes). */
function busy(d: Pick<Delivery, 'status' | 'attempts'> | null | undefined): boolean {
  return d?.status === 'sending' || (d?.status === 'pending' && d.attempts === 0);
}

export function ReportsPage() {
  const { me } = useAuth();
  if (me?.role === 'viewer') {
    return (
      <>
        <PageHeader title="Reports" />
        <Card>
          <EmptyState
            title="Reports are for analysts and admins"
            hint="Scheduled reports list people's e-mail addresses; ask an admin to add you to one."
            className="py-16"
          />
        </Card>
      </>
    );
  }
  return <Reports admin={me?.role === 'admin'} />;
}

function Reports({ admin }: { admin: boolean }) {
  const { tz } = usePreferences();
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const schedules = useQuery({
    queryKey: reportKeys.schedules(),
    queryFn: ({ signal }) => getSchedules(signal),
    // A queued run's "last delivery" changes within seconds; idle lists only move with the clock.
    refetchInterval: (q) => (q.state.data?.some((s) => busy(s.last_delivery)) ? BUSY_POLL_MS : IDLE_POLL_MS),
  });
  const history = useQuery({
    queryKey: reportKeys.deliveries(selected),
    queryFn: ({ signal }) => getDeliveries(selected, signal),
    refetchInterval: (q) => (q.state.data?.some((d) => busy(d)) ? BUSY_POLL_MS : IDLE_POLL_MS),
  });
  const run = useMutation({
    mutationFn: (s: Schedule) => runSchedule(s.id),
    onSuccess: (_, s) => {
      toast(`“${s.name}” queued: it is sent within a minute`, 'success');
      void qc.invalidateQueries({ queryKey: reportKeys.all });
    },
    onError: (e, s) => toast(`Could not run “${s.name}”: ${(e as Error).message}`, 'error'),
  });
  const remove = useMutation({
    mutationFn: (s: Schedule) => deleteSchedule(s.id),
    onSuccess: (_, s) => {
      toast(`Schedule “${s.name}” deleted`, 'success');
      setDeleting(null);
      if (selected === s.id) setSelected(null);
      void qc.invalidateQueries({ queryKey: reportKeys.all });
    },
  });
  const names = new Map((schedules.data ?? []).map((s) => [s.id, s.name]));
  return (
    <>
      <PageHeader
        title="Reports"
        description="Scheduled e-mail and webhook reports: a daily summary and a weekly reconciliation report, sent once at their time."
        actions={
          admin ? (
            <Button variant="primary" onClick={() => setEditing('new')} data-testid="schedule-add">
              <Plus className="h-4 w-4" aria-hidden /> Schedule a report
            </Button>
          ) : (
            <span className="text-caption text-muted">Only admins can schedule reports.</span>
          )
        }
      />
      <Card className="mb-6">
        <CardHeader
          title="Schedules"
          description="Times are wall-clock times in each schedule's zone; a day is never sent twice."
        />
        <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Report schedules">
          <QueryView
            query={schedules}
            loading={<TableSkeleton rows={3} cols={6} />}
            errorTitle="Could not load the schedules"
            empty={{
              title: 'No reports scheduled',
              hint: admin ? 'Schedule a daily summary or a weekly reconciliation report.' : undefined,
              when: (d) => d.length === 0,
            }}
          >
            {(items) => (
              <table className="w-full text-left text-body" data-testid="report-schedules">
                <thead>
                  <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                    <th className="px-4 py-2 font-medium">Name</th>
                    <th className="px-3 py-2 font-medium">When</th>
                    <th className="px-3 py-2 font-medium">To</th>
                    <th className="px-3 py-2 font-medium">Next run</th>
                    <th className="px-3 py-2 font-medium">Last delivery</th>
                    <th className="px-3 py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.id} className="border-b border-border/60 last:border-0 hover:bg-input" data-testid="schedule-row">
                      <td className="px-4 py-2">
                        <div className="font-medium text-fg">
                          {s.name}
                          {!s.enabled ? (
                            <Badge className="ml-2" tone="neutral">
                              off
                            </Badge>
                          ) : null}
                        </div>
                        <div className="text-caption text-muted">{KIND_LABEL[s.kind]}</div>
                      </td>
                      <td className="px-3 py-2 text-fg-2">{cadenceText(s)}</td>
                      <td className="max-w-64 px-3 py-2 text-fg-2">
                        <div>{CHANNEL_LABEL[s.channel]}</div>
                        <div className="truncate font-mono text-caption" title={s.recipients.join(', ')}>
                          {s.channel === 'email' ? s.recipients.join(', ') : (s.webhook_target ?? '—')}
                          {s.channel === 'email' && s.formats.length ? ` · ${s.formats.join(', ').toUpperCase()}` : ''}
                        </div>
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-caption text-fg-2">
                        {s.next_run_at ? formatDateTime(s.next_run_at, tz, false) : '—'}
                      </td>
                      <td className="px-3 py-2">
                        {s.last_delivery ? (
                          <Badge tone={deliveryTone(s.last_delivery.status)}>{s.last_delivery.status}</Badge>
                        ) : (
                          <span className="text-caption text-muted">never</span>
                        )}
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 text-right">
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => setSelected(selected === s.id ? null : s.id)}
                          aria-pressed={selected === s.id}
                          data-testid="schedule-history"
                        >
                          History
                        </Button>
                        {admin ? (
                          <>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => run.mutate(s)}
                              loading={run.isPending && run.variables?.id === s.id}
                              aria-label={`Run now: ${s.name}`}
                              data-testid="schedule-run"
                            >
                              <Play className="h-3.5 w-3.5" aria-hidden /> Run now
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setEditing(s)}
                              aria-label={`Edit ${s.name}`}
                              data-testid="schedule-edit"
                            >
                              <Pencil className="h-3.5 w-3.5" aria-hidden /> Edit
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setDeleting(s)}
                              aria-label={`Delete ${s.name}`}
                              data-testid="schedule-delete"
                            >
                              <Trash2 className="h-3.5 w-3.5" aria-hidden />
                            </Button>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryView>
        </div>
      </Card>
      <DeliveryHistory
        title={selected ? `Delivery history: ${names.get(selected) ?? 'schedule'}` : 'Delivery history'}
        query={history}
        names={names}
        tz={tz}
        onAll={selected ? () => setSelected(null) : undefined}
      />
      {editing ? <ScheduleDialog schedule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
      <Dialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.name ?? ''}”?`}
        footer={
          <>
            <Button variant="ghost" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting)}
              data-testid="schedule-delete-confirm"
            >
              Delete
            </Button>
          </>
        }
      >
        <p className="text-body text-fg-2">The schedule stops sending and its delivery history is deleted with it.</p>
        <InlineError error={remove.error} />
      </Dialog>
    </>
  );
}

function DeliveryHistory({
  title,
  query,
  names,
  tz,
  onAll,
}: {
  title: string;
  query: ReturnType<typeof useQuery<Awaited<ReturnType<typeof getDeliveries>>>>;
  names: Map<string, string>;
  tz: TimeZone;
  onAll?: () => void;
}) {
  return (
    <Card>
      <CardHeader
        title={title}
        description="Each send with its attempts; a failed attempt is retried after 1, 5, 15 and 60 minutes."
        actions={
          onAll ? (
            <Button size="sm" variant="ghost" onClick={onAll}>
              All schedules
            </Button>
          ) : null
        }
      />
      <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Delivery history">
        <QueryView
          query={query}
          loading={<TableSkeleton rows={4} cols={6} />}
          errorTitle="Could not load the delivery history"
          empty={{ title: 'Nothing sent yet', when: (d) => d.length === 0 }}
        >
          {(items) => (
            <table className="w-full text-left text-body" data-testid="report-deliveries">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="px-4 py-2 font-medium">Schedule</th>
                  <th className="px-3 py-2 font-medium">Covers</th>
                  <th className="px-3 py-2 font-medium">Due</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Attempts</th>
                  <th className="px-3 py-2 font-medium">Sent / error</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.id} className="border-b border-border/60 last:border-0" data-testid="delivery-row">
                    <td className="px-4 py-2 text-fg">
                      {names.get(d.schedule_id) ?? '—'}
                      <div className="text-caption text-muted">
                        {d.trigger === 'manual' ? `Run now by ${d.requested_by ?? '—'}` : 'Scheduled'}
                      </div>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-caption text-fg-2">{periodText(d)}</td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-caption text-fg-2">
                      {formatDateTime(d.due_at, tz, false)}
                    </td>
                    <td className="px-3 py-2">
                      <Badge tone={deliveryTone(d.status)} data-testid="delivery-status">
                        {d.status}
                      </Badge>
                    </td>
                    <td className="px-3 py-2 font-mono text-caption text-fg-2">{d.attempts}</td>
                    <td className="px-3 py-2 text-caption text-fg-2" data-testid="delivery-detail">
                      {d.sent_at ? <span className="font-mono">{formatDateTime(d.sent_at, tz, false)}</span> : null}
                      {d.last_error ? <span className="text-failed">{d.last_error}</span> : null}
                      {d.status === 'pending' && d.next_attempt_at && d.attempts > 0 ? (
                        <span className="block text-muted">next try {formatDateTime(d.next_attempt_at, tz, false)}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
    </Card>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, CheckCircle2, RefreshCw } from 'lucide-react';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { GuardedButton } from '@/components/ui/guarded';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { useToast } from '@/components/ui/toast';
import { apiSend } from '@/lib/api/client';
import type { SourceStatus } from '@/lib/api/types';
import { formatDateTime, formatRelative, secondsSince, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { completenessSentence, lagText, nextSyncText, SOURCE_NAME, sourceHealth } from './labels';

/** A source's card without its "Sync now" button (`action`): everything it shows about the feed. */
export function SourceCardView({
  s,
  tz,
  action,
  now = new Date(),
}: {
  s: SourceStatus;
  tz: TimeZone;
  action?: ReactNode;
  now?: Date;
}) {
  const lag = s.lag_seconds ?? secondsSince(s.last_successful_sync, now);
  const health = sourceHealth(s.status);
  const completeness = completenessSentence(s.source, s.status, s.last_run);
  const incomplete = s.status === 'incomplete';
  return (
    <Card
      hover
      className={cn('border-t-4 p-5', s.source === 'vima' ? 'border-t-vima' : 'border-t-payshack')}
      data-testid={`sync-card-${s.source}`}
    >
      <div className="mb-4 flex items-start justify-between">
        <div>
          <h2 className={cn('text-h3', s.source === 'vima' ? 'text-vima' : 'text-payshack')}>{SOURCE_NAME[s.source]}</h2>
          <Badge tone={health.tone} className="mt-1" data-testid={`sync-state-${s.source}`}>
            <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden />
            {health.label}
          </Badge>
        </div>
        {action}
      </div>
      {completeness?.warn ? (
        <div
          role="status"
          className="mb-4 flex gap-2 rounded-md border border-pending/30 bg-pending/10 px-3 py-2 text-body text-fg"
          data-testid={`sync-completeness-${s.source}`}
        >
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0 text-pending" aria-hidden />
          <p>{completeness.text}</p>
        </div>
      ) : completeness ? (
        <p className="mb-4 flex items-center gap-2 text-caption text-muted" data-testid={`sync-completeness-${s.source}`}>
          <CheckCircle2 className="h-4 w-4 shrink-0 text-success" aria-hidden />
          {completeness.text}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-body">
        <div>
          <dt className="text-caption text-muted">Last success</dt>
          <dd title={formatDateTime(s.last_successful_sync, tz)}>{formatRelative(s.last_successful_sync, now)}</dd>
        </div>
        <div>
          <dt className="text-caption text-muted" title="The newest creation time among the records this source has delivered">
            Newest record
          </dt>
          <dd title={formatDateTime(s.newest_record_at, tz)} data-testid={`sync-newest-${s.source}`}>
            {formatRelative(s.newest_record_at, now)}
          </dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Lag</dt>
          <dd className={cn(lag !== null && lag > 3600 ? 'text-failed' : lag !== null && lag > 900 ? 'text-pending' : 'text-fg')}>
            {lagText(lag)}
          </dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Next sync</dt>
          <dd title={formatDateTime(s.next_sync_at, tz)}>{nextSyncText(s.next_sync_at, now)}</dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Records synced</dt>
          <dd className="font-mono">{formatCount(s.records_synced)}</dd>
        </div>
        <div>
          <dt className="text-caption text-muted">Last attempt</dt>
          <dd className="font-mono text-caption leading-5">{formatDateTime(s.last_sync_at, tz)}</dd>
        </div>
        <div className="col-span-2">
          <dt className="text-caption text-muted">Last error</dt>
          <dd
            // An incomplete run's message is a long explanation under the amber notice above:
            // body colour keeps it readable (amber caption text is too faint on the light theme).
            className={cn('break-words text-caption', !s.error_message ? 'text-muted' : incomplete ? 'text-fg-2' : 'text-failed')}
            data-testid={`sync-error-${s.source}`}
          >
            {s.error_message ?? 'None'}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

export function SourceCard({ s, tz, triggerReason }: { s: SourceStatus; tz: TimeZone; triggerReason: string | null }) {
  const qc = useQueryClient();
  const toast = useToast();
  const trigger = useMutation({
    mutationFn: () => apiSend('POST', '/sync/trigger', { body: { source: s.source } }),
    onSuccess: (r) => {
      toast(r.message || `${SOURCE_NAME[s.source]} sync triggered`, 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
    onError: (e) => toast(`Could not trigger ${SOURCE_NAME[s.source]}: ${(e as Error).message}`, 'error'),
  });
  const busy = trigger.isPending || s.status === 'running';
  return (
    <SourceCardView
      s={s}
      tz={tz}
      action={
        <GuardedButton
          reason={triggerReason}
          size="sm"
          onClick={() => trigger.mutate()}
          loading={busy}
          data-testid={`sync-now-${s.source}`}
        >
          {busy ? null : <RefreshCw className="h-3.5 w-3.5" aria-hidden />}
          {s.status === 'running' ? 'Syncing…' : 'Sync now'}
        </GuardedButton>
      }
    />
  );
}

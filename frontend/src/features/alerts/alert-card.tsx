'use client';

import { ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { Badge, statusTone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { GuardedButton } from '@/components/ui/guarded';
import type { TimeZone } from '@/lib/dates';
import type { Alert } from './alert-types';
import { alertSubject, evidenceLinks, formatAlertValue, formatWhen, kindLabel } from './labels';

/** One alert: what fired, its figure against the threshold, when, who acknowledged, what was sent, the evidence. */
export function AlertCard({
  alert: a,
  tz,
  ackReason,
  acking,
  onAcknowledge,
  highlighted,
}: {
  alert: Alert;
  tz: TimeZone;
  ackReason: string | null;
  acking: boolean;
  onAcknowledge: () => void;
  highlighted: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (highlighted) ref.current?.scrollIntoView({ block: 'center' });
  }, [highlighted]);
  const links = evidenceLinks(a);
  const notes = a.notifications ?? [];
  const firing = a.state === 'firing';
  return (
    <div ref={ref}>
      <Card
        className={cn('p-4', highlighted && 'ring-2 ring-accent')}
        data-testid="alert-card"
        data-alert-id={a.id}
        data-state={a.state}
        aria-labelledby={`alert-${a.id}-title`}
        role="article"
      >
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={a.severity === 'critical' ? 'failed' : 'pending'}>{a.severity}</Badge>
              <Badge tone={firing ? 'failed' : 'success'}>{a.state}</Badge>
              <span className="text-caption text-fg-2">
                {kindLabel(a.kind)} · {alertSubject(a)}
              </span>
            </div>
            <h3 id={`alert-${a.id}-title`} className="mt-2 text-h3 text-fg" data-testid="alert-title">
              {a.title}
            </h3>
            <p className="mt-1 text-body text-fg-2">{a.message}</p>
          </div>
          {firing ? (
            a.acknowledged_by ? (
              <Badge tone="info" data-testid="alert-acknowledged">
                Acknowledged
              </Badge>
            ) : (
              <GuardedButton
                reason={ackReason}
                size="sm"
                onClick={onAcknowledge}
                loading={acking}
                data-testid="alert-acknowledge"
                aria-label={`Acknowledge: ${a.title}`}
              >
                Acknowledge
              </GuardedButton>
            )
          ) : null}
        </div>

        <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-body md:grid-cols-4">
          <div>
            <dt className="text-caption text-fg-2">Value / threshold</dt>
            <dd className="font-mono text-fg" data-testid="alert-value">
              {formatAlertValue(a.kind, a.value)} <span className="text-fg-2">vs</span> {formatAlertValue(a.kind, a.threshold)}
            </dd>
          </div>
          <div>
            <dt className="text-caption text-fg-2">Fired</dt>
            <dd className="font-mono text-fg" data-testid="alert-fired">
              {formatWhen(a.fired_at, tz)}
            </dd>
          </div>
          <div>
            <dt className="text-caption text-fg-2">Resolved</dt>
            <dd className="font-mono text-fg">{firing ? 'still firing' : formatWhen(a.resolved_at, tz)}</dd>
          </div>
          <div>
            <dt className="text-caption text-fg-2">Acknowledged</dt>
            <dd className="text-fg" data-testid="alert-acknowledged-by">
              {a.acknowledged_by ? (
                <>
                  {a.acknowledged_by}
                  <span className="block font-mono text-caption text-fg-2">{formatWhen(a.acknowledged_at, tz)}</span>
                </>
              ) : (
                'not yet'
              )}
            </dd>
          </div>
        </dl>

        <div className="mt-4 flex flex-wrap items-start justify-between gap-4 border-t border-border pt-3">
          <div>
            <p className="text-caption font-medium text-fg-2">Evidence</p>
            {links.length ? (
              <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1" data-testid="alert-evidence">
                {links.map((l) => (
                  <li key={l.key}>
                    {l.external ? (
                      <a
                        href={l.href}
                        target="_blank"
                        rel="noopener noreferrer"
                        className="inline-flex items-center gap-1 text-body font-medium text-accent-fg hover:underline"
                        data-testid={`evidence-${l.key}`}
                      >
                        {l.label} <ExternalLink className="h-3.5 w-3.5" aria-hidden />
                        <span className="sr-only">(opens in a new tab)</span>
                      </a>
                    ) : (
                      <Link
                        href={l.href}
                        className="text-body font-medium text-accent-fg hover:underline"
                        data-testid={`evidence-${l.key}`}
                      >
                        {l.label}
                      </Link>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-1 text-body text-fg-2">None attached</p>
            )}
          </div>
          <div className="min-w-0">
            <p className="text-caption font-medium text-fg-2">Notifications</p>
            {notes.length ? (
              <ul className="mt-1 space-y-1" data-testid="alert-notifications">
                {notes.map((n, i) => (
                  <li key={`${n.channel}-${n.event}-${i}`} className="flex flex-wrap items-center gap-2 text-caption text-fg-2">
                    <span className="text-fg">{n.channel}</span>
                    <span>{n.event}</span>
                    <Badge tone={n.status === 'sent' ? 'success' : statusTone(n.status)}>{n.status}</Badge>
                    <span>
                      {n.attempts} attempt{n.attempts === 1 ? '' : 's'}
                      {n.delivered_at ? ` · ${formatWhen(n.delivered_at, tz)}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-1 text-body text-fg-2">None sent</p>
            )}
          </div>
        </div>
      </Card>
    </div>
  );
}

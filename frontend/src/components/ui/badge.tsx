import type { HTMLAttributes } from 'react';
import { cn } from './cn';
import type { Source, SyncStream } from '@/lib/api/types';

export type Tone = 'success' | 'failed' | 'pending' | 'info' | 'neutral' | 'accent' | 'vima' | 'payshack';

// Status colour on an ~8 % tint of itself (design spec).
const tones: Record<Tone, string> = {
  success: 'bg-success/10 text-success border-success/20',
  failed: 'bg-failed/10 text-failed border-failed/20',
  pending: 'bg-pending/10 text-pending border-pending/20',
  info: 'bg-info/10 text-info border-info/20',
  accent: 'bg-accent/10 text-accent-fg border-accent/20',
  neutral: 'bg-input text-fg-2 border-border',
  vima: 'bg-vima/10 text-vima border-vima/20',
  payshack: 'bg-payshack/10 text-payshack border-payshack/20',
};

export function Badge({ tone = 'neutral', className, ...rest }: HTMLAttributes<HTMLSpanElement> & { tone?: Tone }) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded-sm border px-1.5 py-0.5 text-caption font-medium whitespace-nowrap',
        tones[tone],
        className,
      )}
      {...rest}
    />
  );
}

export function statusTone(status: string | null | undefined): Tone {
  switch (status) {
    case 'success':
    case 'completed':
    case 'resolved':
    case 'idle':
    case 'complete':
    case 'done':
      return 'success';
    case 'failed':
    case 'missing_vima':
    case 'missing_payshack':
    case 'open':
      return 'failed';
    case 'pending':
    case 'running':
    case 'started':
    case 'partial':
    case 'incomplete':
    case 'acknowledged':
    case 'amount':
    case 'status':
    case 'time':
    case 'duplicate':
      return 'pending';
    case 'refunded':
      return 'info';
    default:
      return 'neutral';
  }
}

/** How the sources are written in the UI. */
export const SOURCE_NAME: Record<SyncStream, string> = {
  vima: 'Vima',
  payshack: 'PayShack',
  payshack_payouts: 'PayShack pay-outs',
};

export function SourceBadge({ source }: { source: string }) {
  const tone: Tone = source === 'vima' ? 'vima' : source === 'payshack' ? 'payshack' : 'neutral';
  return <Badge tone={tone}>{SOURCE_NAME[source as Source] ?? source}</Badge>;
}

export function StatusBadge({ status, label }: { status: string | null | undefined; label?: string }) {
  return <Badge tone={statusTone(status)}>{label ?? status ?? '—'}</Badge>;
}

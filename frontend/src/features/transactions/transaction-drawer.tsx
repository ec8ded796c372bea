'use client';

import { useQuery } from '@tanstack/react-query';
import { ChevronDown } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { SourceBadge, StatusBadge, statusTone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { Drawer } from '@/components/ui/overlay';
import { Skeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { apiGet, apiGetUntyped } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import type { TransactionDetail } from '@/lib/api/types';
import { usePreferences } from '@/lib/app/preferences';
import { formatDateTime, tzLabel, type TimeZone } from '@/lib/dates';
import { formatMoney, parseDecimal } from '@/lib/money';
import type { Payment } from './tx-types';
import { RefetchFromProviders } from './refetch-button';
import { StatusTimeline } from '@/features/upi/status-timeline';

/** "IN · India" from an ISO 3166 alpha-2 code (Intl names; no flag images or emoji fonts needed). */
export function countryLabel(code: string | null | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return code ?? '—';
  const up = code.toUpperCase();
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(up);
    return name && name !== up ? `${up} · ${name}` : up;
  } catch {
    return up;
  }
}

/** amount − fee on decimal strings (4 dp): the net amount, with no float arithmetic. */
export function netAmount(amount: string | number, fee: string | number | null): string | null {
  const a = parseDecimal(amount);
  const f = parseDecimal(fee ?? 0);
  if (!a || !f) return null;
  const scale = (d: NonNullable<typeof a>) => BigInt((d.negative ? '-' : '') + d.int + d.frac.padEnd(4, '0').slice(0, 4));
  const n = scale(a) - scale(f);
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().padStart(5, '0');
  return `${neg ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
}

function Field({ label, value, copy, mono = true }: { label: string; value: ReactNode; copy?: string | null; mono?: boolean }) {
  return (
    <div className="grid grid-cols-[150px_1fr] items-center gap-3 py-1.5">
      <dt className="text-caption text-muted">{label}</dt>
      <dd className={cn('flex min-w-0 items-center gap-1 text-body text-fg', mono && 'font-mono text-[13px]')}>
        <span className="truncate" title={typeof value === 'string' ? value : undefined}>
          {value ?? '—'}
        </span>
        {copy ? <CopyButton value={copy} label={`Copy ${label}`} /> : null}
      </dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mb-5">
      <h3 className="mb-1 text-caption font-semibold uppercase tracking-wide text-fg-2">{title}</h3>
      <dl className="divide-y divide-border/60 rounded-md border border-border bg-panel px-3">{children}</dl>
    </section>
  );
}

export function TransactionDrawer({
  id,
  onClose,
  onOpen,
}: {
  id: string | null;
  onClose: () => void;
  /** Show another transaction (the other side of a linked payment). */
  onOpen?: (id: string) => void;
}) {
  const { tz } = usePreferences();
  const [rawOpen, setRawOpen] = useState(true);
  const q = useQuery({
    queryKey: queryKeys.transaction(id ?? ''),
    queryFn: ({ signal }) => apiGet('/transactions/{transaction_id}', { path: { transaction_id: id! }, signal }),
    enabled: !!id,
  });

  return (
    <Drawer open={!!id} onClose={onClose} title="Transaction" testId="tx-drawer">
      <QueryView
        query={q}
        loading={
          <div className="space-y-3">
            <Skeleton className="h-14 w-full" />
            <Skeleton className="h-40 w-full" />
            <Skeleton className="h-40 w-full" />
          </div>
        }
        errorTitle="Could not load the transaction"
      >
        {(t) => (
          <>
            <RefetchFromProviders id={t.id} />
            <TransactionDetailView
              t={t}
              tz={tz}
              rawOpen={rawOpen}
              onRawOpen={setRawOpen}
              afterBanner={<OtherSide t={t} tz={tz} onOpen={onOpen} />}
            />
          </>
        )}
      </QueryView>
    </Drawer>
  );
}

function TransactionDetailView({
  t,
  tz,
  rawOpen,
  onRawOpen,
  afterBanner,
}: {
  t: TransactionDetail;
  tz: TimeZone;
  rawOpen: boolean;
  onRawOpen: (open: boolean) => void;
  /** Shown under the status banner (the other side of a linked payment). */
  afterBanner?: ReactNode;
}) {
  const raw = JSON.stringify(t.raw_data, null, 2);
  const net = netAmount(t.amount, t.fee);
  return (
    <>
      <div
        className={cn(
          'mb-5 flex items-center justify-between rounded-md border px-4 py-3',
          {
            // A 5 % tint: the status badge on it (its own 10 % tint) keeps ≥ 4.5:1 text contrast.
            success: 'border-success/30 bg-success/5',
            failed: 'border-failed/30 bg-failed/5',
            pending: 'border-pending/30 bg-pending/5',
            info: 'border-info/30 bg-info/5',
          }[statusTone(t.status) as 'success'] ?? 'border-border bg-panel',
        )}
        data-testid="tx-status-banner"
      >
        <div className="flex items-center gap-2">
          {/* On the panel colour, not on the banner's tint: two tints under the badge's text fail contrast. */}
          <span className="rounded-sm bg-panel">
            <StatusBadge status={t.status} />
          </span>
          {t.original_status ? <span className="text-caption text-fg-2">upstream: {t.original_status}</span> : null}
        </div>
        <span className="font-mono text-h3" data-testid="tx-detail-amount" data-value={String(t.amount)}>
          {formatMoney(t.amount, { currency: t.currency })}
        </span>
      </div>
      {afterBanner}
      <Section title="Identifiers">
        <Field label="Transaction id" value={t.id} copy={t.id} />
        <Field label="Source id" value={t.source_id} copy={t.source_id} />
        <Field label="Reference id" value={t.reference_id} copy={t.reference_id} />
        <Field label="Client operation id" value={t.client_operation_id} copy={t.client_operation_id} />
        <Field label="Order id" value={t.order_id} copy={t.order_id} />
        <Field label="UTR" value={t.utr} copy={t.utr} />
        <Field label="Source" value={<SourceBadge source={t.source} />} mono={false} />
        <Field label="Project" value={t.project} copy={t.project} />
        <Field label="Merchant" value={t.merchant_id} copy={t.merchant_id} />
      </Section>
      <Section title="Financial">
        <Field label="Amount" value={formatMoney(t.amount, { currency: t.currency, decimals: 2 })} copy={String(t.amount)} />
        <Field label="Fee" value={formatMoney(t.fee, { currency: t.currency })} />
        <Field label="Net amount" value={formatMoney(net, { currency: t.currency })} />
        <Field label="Currency" value={t.currency} />
        <Field label="Payment method" value={[t.payment_method, t.payment_product].filter(Boolean).join(' · ') || '—'} />
      </Section>
      <Section title="User">
        <Field label="User id" value={t.user_id} copy={t.user_id} />
        <Field label="Email" value={<span data-testid="tx-detail-email">{t.user_email ?? '—'}</span>} copy={t.user_email} />
        <Field label="Phone" value={<span data-testid="tx-detail-phone">{t.user_phone ?? '—'}</span>} copy={t.user_phone} />
        <Field label="Name" value={<span data-testid="tx-detail-name">{t.user_name ?? '—'}</span>} mono={false} />
        <Field label="Country" value={countryLabel(t.country)} mono={false} />
      </Section>
      <Section title={`Timeline (${tzLabel(tz)})`}>
        <Field label="Created" value={formatDateTime(t.created_at, tz)} copy={t.created_at} />
        <Field label="Updated" value={formatDateTime(t.updated_at, tz)} copy={t.updated_at} />
        <Field label="Completed" value={formatDateTime(t.completed_at, tz)} copy={t.completed_at} />
      </Section>
      <StatusTimeline id={t.id} tz={tz} upi={t.upi} />
      <section>
        <div className="mb-1 flex items-center justify-between">
          <button
            type="button"
            aria-expanded={rawOpen}
            onClick={() => onRawOpen(!rawOpen)}
            className="flex items-center gap-1 text-caption font-semibold uppercase tracking-wide text-fg-2 hover:text-fg"
          >
            <ChevronDown className={cn('h-4 w-4 transition-transform', !rawOpen && '-rotate-90')} aria-hidden /> Raw data
          </button>
          <CopyButton value={raw} label="Copy raw JSON" />
        </div>
        {rawOpen ? (
          <pre
            className="max-h-96 overflow-auto rounded-md border border-border bg-bg p-3 font-mono text-[12px] leading-5 text-fg-2"
            data-testid="tx-raw"
            // Scrolls: keyboard users need to reach it (WCAG 2.1.1).
            tabIndex={0}
            aria-label="Raw data"
          >
            {raw}
          </pre>
        ) : null}
      </section>
    </>
  );
}

/**
 * The other side of a linked payment (docs/payments.md, `GET /payments/{id}`): the Vima
 * record for a PayShack row, the PayShack counterpart for a Vima row; null when the row is
 * not linked (or the backend predates payments).
 */
export function otherSide(p: Payment | undefined, id: string): TransactionDetail | null {
  if (!p?.linked || !p.counterpart) return null;
  return p.record.id === id ? p.counterpart : p.record;
}

function usePayment(id: string) {
  return useQuery({
    queryKey: ['payments', 'detail', id] as const,
    queryFn: ({ signal }) => apiGetUntyped<Payment>(`/payments/${encodeURIComponent(id)}`, { signal }),
    retry: false,
  });
}

function OtherSide({ t, tz, onOpen }: { t: TransactionDetail; tz: TimeZone; onOpen?: (id: string) => void }) {
  const q = usePayment(t.id);
  // Nothing while asking: most rows are not linked, and a placeholder would flash for them.
  const other = { row: otherSide(q.data, t.id) };
  if (!other.row) return null;
  return (
    <section className="mb-5" data-testid="tx-other-side">
      <h3 className="mb-1 text-caption font-semibold uppercase tracking-wide text-fg-2">Same payment, other side</h3>
      {other.row ? (
        <dl className="divide-y divide-border/60 rounded-md border border-border bg-panel px-3">
          <Field label="Source" value={<SourceBadge source={other.row.source} />} mono={false} />
          <Field label="Other side's id" value={other.row.id} copy={other.row.id} />
          <Field
            label="Amount"
            value={<span data-testid="tx-other-amount">{formatMoney(other.row.amount, { currency: other.row.currency })}</span>}
          />
          <Field label="Status" value={<StatusBadge status={other.row.status} />} mono={false} />
          <Field label="UTR" value={other.row.utr} copy={other.row.utr} />
          <Field label={`Created (${tzLabel(tz)})`} value={formatDateTime(other.row.created_at, tz)} />
          {onOpen ? (
            // Inside a <dl> only dt/dd groups are valid (axe definition-list): the link is a group's dd.
            <div className="py-2">
              <dt className="sr-only">Open</dt>
              <dd>
                <button
                  type="button"
                  className="text-caption font-medium text-accent-fg hover:underline"
                  onClick={() => onOpen(other.row!.id)}
                >
                  Open the {other.row.source === 'vima' ? 'Vima' : 'PayShack'} side
                </button>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

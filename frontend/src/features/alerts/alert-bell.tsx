'use client';

import { Bell } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { formatRelative } from '@/lib/dates';
import { isAbsent } from './alerts-api';
import { alertSubject, bellLabel } from './labels';
import { useAlertsSummary } from './use-alerts';

/**
 * The header's bell: the number of firing alerts and, on click, the latest five with a link
 * to the alert centre. Without an alerts API (404) it shows `fallback` instead.
 */
export function AlertBell({ fallback = null }: { fallback?: ReactNode }) {
  const summary = useAlertsSummary();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    // Escape closes from anywhere (focus may have left the panel); focus returns to the bell.
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (isAbsent(summary.error)) return <>{fallback}</>;
  const firing = summary.data?.firing ?? 0;
  const latest = (summary.data?.latest ?? []).slice(0, 5);

  const links = () => Array.from(wrap.current?.querySelectorAll<HTMLElement>('[data-bell-item]') ?? []);
  const onPanelKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const items = links();
    if (!items.length) return;
    e.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? items.length - 1
          : (at + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
    items[next]?.focus();
  };

  return (
    <div className="relative" ref={wrap} onKeyDown={open ? onPanelKey : undefined}>
      <button
        ref={button}
        type="button"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
            requestAnimationFrame(() => links()[0]?.focus());
          }
        }}
        aria-label={bellLabel(firing)}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        data-testid="alert-bell"
        data-firing={firing}
        className="relative rounded-sm p-2 text-fg-2 hover:bg-input hover:text-fg"
      >
        <Bell className="h-4 w-4" aria-hidden />
        {firing > 0 ? (
          <span
            className="absolute -right-0.5 -top-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-[#b91c1c] px-1 text-[10px] font-semibold leading-none text-white"
            data-testid="alert-bell-count"
            aria-hidden
          >
            {firing > 99 ? '99+' : firing}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="region"
          aria-label="Firing alerts"
          data-testid="alert-bell-panel"
          className="absolute right-0 top-full z-40 mt-1 w-96 rounded-md border border-border bg-overlay shadow-xl"
        >
          <div className="flex items-center justify-between border-b border-border px-4 py-3">
            <p className="text-body font-semibold text-fg">Firing alerts</p>
            <span className="text-caption text-fg-2">
              {firing} firing{summary.data ? ` · ${summary.data.unacknowledged} not acknowledged` : ''}
            </span>
          </div>
          {latest.length ? (
            <ul className="max-h-96 overflow-y-auto py-1">
              {latest.map((a) => (
                <li key={a.id}>
                  <Link
                    href={`/alerts/?alert=${encodeURIComponent(a.id)}`}
                    data-bell-item
                    data-testid="alert-bell-item"
                    onClick={() => setOpen(false)}
                    className="block px-4 py-2 hover:bg-input focus:bg-input focus:outline-none"
                  >
                    <span className="flex items-start justify-between gap-2">
                      <span className="min-w-0 text-body font-medium text-fg">{a.title}</span>
                      <Badge tone={a.severity === 'critical' ? 'failed' : 'pending'}>{a.severity}</Badge>
                    </span>
                    <span className="mt-0.5 block text-caption text-fg-2">
                      {alertSubject(a)} · fired {formatRelative(a.fired_at)}
                      {a.acknowledged_by ? ' · acknowledged' : ''}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-4 py-6 text-center text-body text-fg-2">
              {summary.isError ? 'Could not load alerts.' : 'Nothing is firing.'}
            </p>
          )}
          <div className="border-t border-border px-4 py-2">
            <Link
              href="/alerts/"
              data-bell-item
              data-testid="alert-bell-all"
              onClick={() => setOpen(false)}
              className={cn('text-body font-medium text-accent-fg hover:underline focus:underline focus:outline-none')}
            >
              Open the alert centre
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}

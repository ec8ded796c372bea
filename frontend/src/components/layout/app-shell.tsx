'use client';

import { useCallback, useSyncExternalStore, type ReactNode } from 'react';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { ApiError } from '@/lib/api/client';
import type { LiveEvent } from '@/lib/api/query-keys';
import { useAuth } from '@/lib/app/auth';
import { useLiveUpdates } from '@/lib/app/live-updates';
import { usePreferences } from '@/lib/app/preferences';
import { Header } from './header';
import { Sidebar } from './sidebar';

function describeEvent(event: LiveEvent, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  if (event === 'sync.finished') {
    const src = typeof d.source === 'string' ? d.source : 'sources';
    return `Sync finished (${src}${d.status ? `, ${String(d.status)}` : ''}) — figures refreshed`;
  }
  return `Reconciliation finished${d.date ? ` for ${String(d.date)}` : ''}`;
}

const noopSubscribe = () => () => undefined;

/**
 * False during server prerender and hydration, true afterwards. The shell hydrates inside
 * Next's Suspense boundaries, possibly after the root providers already loaded the user;
 * rendering the skeleton until hydration is over keeps the markup identical (no #418).
 */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { me, loading, error, refetch } = useAuth();
  const { ready } = usePreferences();
  const toast = useToast();
  const onEvent = useCallback((e: LiveEvent, data: unknown) => toast(describeEvent(e, data), 'info'), [toast]);
  const live = useLiveUpdates(!!me, onEvent);
  const hydrated = useHydrated();

  if (!hydrated || loading || !ready || (error instanceof ApiError && error.status === 401)) {
    return (
      <div className="flex h-screen flex-col" aria-busy="true">
        <div className="h-16 border-b border-border bg-panel" />
        <div className="flex flex-1">
          <div className="w-60 border-r border-border bg-panel" />
          <div className="flex-1 space-y-4 p-6">
            <Skeleton className="h-8 w-64" />
            <Skeleton className="h-32 w-full" />
            <Skeleton className="h-64 w-full" />
          </div>
        </div>
      </div>
    );
  }
  if (!me) {
    return <ErrorState className="h-screen" title="Cannot reach PSP Dashboard" error={error} onRetry={refetch} />;
  }
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-accent focus:px-3 focus:py-2 focus:text-white"
      >
        Skip to content
      </a>
      <Header live={live} />
      {/* At least the viewport's height below the h-16 header, so the sidebar reaches the bottom. */}
      <div className="flex min-h-[calc(100vh-4rem)]">
        <Sidebar role={me.role} />
        <main id="main" className="min-w-0 flex-1">
          <div className="mx-auto max-w-[1680px] p-6">{children}</div>
        </main>
      </div>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-h1">{title}</h1>
        {description ? <div className="mt-1 text-body text-fg-2">{description}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

import { AlertTriangle, Inbox, RefreshCw } from 'lucide-react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '@/lib/api/client';
import { Button } from './button';
import { Card } from './card';
import { cn } from './cn';
import { Pager, type PageMeta } from './pager';

export function EmptyState({ title, hint, className }: { title: string; hint?: ReactNode; className?: string }) {
  return (
    <div className={cn('flex flex-col items-center justify-center gap-2 py-10 text-center', className)}>
      <Inbox className="h-8 w-8 text-muted" aria-hidden />
      <p className="font-medium text-fg">{title}</p>
      {hint ? <p className="max-w-sm text-caption text-muted">{hint}</p> : null}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = 'Could not load this',
  retryLabel = 'Retry',
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  retryLabel?: string;
  className?: string;
}) {
  return (
    <div role="alert" className={cn('flex flex-col items-center justify-center gap-2 py-8 text-center', className)}>
      <AlertTriangle className="h-7 w-7 text-failed" aria-hidden />
      <p className="font-medium text-fg">{title}</p>
      <p className="max-w-md text-caption text-muted">{errorMessage(error)}</p>
      {onRetry ? (
        <Button size="sm" onClick={onRetry} data-testid="error-retry">
          {retryLabel}
        </Button>
      ) : null}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded-sm border border-failed/30 bg-failed/10 px-3 py-2 text-caption text-failed">
      {errorMessage(error)}
    </p>
  );
}

/**
 * Shown while a query that could not reach the server tries again (client.ts retries only
 * network errors, with back-off); an HTTP error never gets here, it shows at once.
 */
export function RetryingNote({ className }: { className?: string }) {
  return (
    <p role="status" className={cn('flex items-center gap-2 py-2 text-caption text-fg-2', className)} data-testid="retrying">
      <RefreshCw className="h-3.5 w-3.5 animate-spin text-pending" aria-hidden />
      Cannot reach the server — retrying…
    </p>
  );
}

/** What an empty result says (an EmptyState). */
export type EmptyProps = Parameters<typeof EmptyState>[0];

/**
 * A query's states in one place: `loading` while pending; on error an ErrorState with a
 * retry (titled `errorTitle`, inside a Card of class `errorCard` when given, for grids
 * whose cells are cards); an EmptyState when `empty.when(data)`; else `children(data)`.
 */
export function QueryView<T>({
  query,
  loading,
  errorTitle,
  errorCard,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  loading: ReactNode;
  errorTitle?: string;
  errorCard?: string;
  empty?: EmptyProps & { when: (data: T) => boolean };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <>
        {query.failureCount > 0 ? <RetryingNote /> : null}
        {loading}
      </>
    );
  }
  if (query.isError) {
    const error = <ErrorState error={query.error} onRetry={() => void query.refetch()} title={errorTitle} />;
    return errorCard === undefined ? error : <Card className={errorCard}>{error}</Card>;
  }
  if (empty?.when(query.data)) return <EmptyState title={empty.title} hint={empty.hint} className={empty.className} />;
  return <>{children(query.data)}</>;
}

/**
 * A paged list's query (`apiGetPaged`): QueryView with the `empty` state for a page
 * without items, and the pager under the rows.
 */
export function PagedView<I>({
  query,
  loading,
  empty,
  noun,
  onPage,
  children,
}: {
  query: UseQueryResult<{ items: I[]; meta: PageMeta }>;
  loading: ReactNode;
  empty: EmptyProps;
  noun: string;
  onPage: (page: number) => void;
  children: (items: I[]) => ReactNode;
}) {
  return (
    <QueryView query={query} loading={loading} empty={{ ...empty, when: (d) => d.items.length === 0 }}>
      {(d) => (
        <>
          {children(d.items)}
          <Pager meta={d.meta} onPage={onPage} noun={noun} />
        </>
      )}
    </QueryView>
  );
}

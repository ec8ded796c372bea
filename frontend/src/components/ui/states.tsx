import { AlertTriangle, Inbox } from 'lucide-react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '@/lib/api/client';
import { Button } from './button';
import { cn } from './cn';

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
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  className?: string;
}) {
  return (
    <div role="alert" className={cn('flex flex-col items-center justify-center gap-2 py-8 text-center', className)}>
      <AlertTriangle className="h-7 w-7 text-failed" aria-hidden />
      <p className="font-medium text-fg">{title}</p>
      <p className="max-w-md text-caption text-muted">{errorMessage(error)}</p>
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          Retry
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
 * A query's three states in one place: `loading` while pending, an error with a retry,
 * else `children(data)`.
 */
export function QueryView<T>({
  query,
  loading,
  children,
}: {
  query: UseQueryResult<T>;
  loading: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <>{loading}</>;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

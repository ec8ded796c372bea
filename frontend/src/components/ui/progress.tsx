import { cn } from './cn';

/** value in 0..1, or null for an indeterminate bar. */
export function Progress({ value, className, label }: { value: number | null; className?: string; label?: string }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value === null ? undefined : Math.round(value * 100)}
      className={cn('relative h-1.5 w-full overflow-hidden rounded-full bg-input', className)}
    >
      {value === null ? (
        <div className="absolute inset-y-0 animate-indeterminate rounded-full bg-accent" />
      ) : (
        <div
          className="h-full rounded-full bg-accent transition-all duration-200"
          style={{ width: `${Math.min(100, value * 100)}%` }}
        />
      )}
    </div>
  );
}

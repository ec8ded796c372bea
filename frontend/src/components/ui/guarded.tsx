'use client';

import { forwardRef, useId, type ReactNode } from 'react';
import { Button, type ButtonProps } from './button';
import { cn } from './cn';

/**
 * A button the user may not use right now (their role, or a run already going): shown, not
 * hidden, with the reason. It stays focusable (aria-disabled, not disabled) so keyboard and
 * screen-reader users reach it and hear why; the reason shows as a tooltip on hover/focus.
 * `reason` null: an ordinary button.
 */
export const GuardedButton = forwardRef<HTMLButtonElement, ButtonProps & { reason: string | null }>(function GuardedButton(
  { reason, className, onClick, type, ...rest },
  ref,
) {
  const id = useId();
  if (!reason) return <Button ref={ref} className={className} onClick={onClick} type={type} {...rest} />;
  return (
    <span className="group relative inline-flex">
      <Button
        ref={ref}
        {...rest}
        // A submit button would still submit its form: a guarded one never acts.
        type="button"
        loading={false}
        aria-disabled="true"
        aria-describedby={id}
        data-disabled-reason={reason}
        onClick={(e) => e.preventDefault()}
        className={cn('cursor-not-allowed opacity-50', className)}
      />
      <Reason id={id} tooltip>
        {reason}
      </Reason>
    </span>
  );
});

/** The reason sentence: a tooltip under a guarded control, or a visible hint line. */
export function Reason({ id, tooltip = false, children }: { id?: string; tooltip?: boolean; children: ReactNode }) {
  return (
    <span
      id={id}
      role={tooltip ? 'tooltip' : undefined}
      className={
        tooltip
          ? 'pointer-events-none absolute right-0 top-full z-30 mt-1 hidden w-max max-w-[18rem] rounded-md border border-border bg-overlay px-2 py-1 text-caption text-fg shadow-lg group-focus-within:block group-hover:block'
          : 'text-caption text-fg-2'
      }
    >
      {children}
    </span>
  );
}

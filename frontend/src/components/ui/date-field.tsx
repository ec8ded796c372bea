'use client';

import { CalendarDays } from 'lucide-react';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { formatDate, parseDateInput } from '@/lib/dates';
import { cn } from './cn';

type Props = {
  /** YYYY-MM-DD, or undefined/'' for none. */
  value: string | undefined;
  /** Called with YYYY-MM-DD, or undefined when the field is cleared. */
  onChange: (value: string | undefined) => void;
  /** Accessible name; shown to screen readers (put a visible label around it when there is room). */
  label: string;
  min?: string;
  max?: string;
  required?: boolean;
  disabled?: boolean;
  /** Clearing is allowed unless `required`; an optional field emits undefined when emptied. */
  className?: string;
  id?: string;
  name?: string;
  'data-testid'?: string;
};

const field =
  'h-9 w-[10.5rem] rounded-sm border border-border bg-input pl-3 pr-9 text-body text-fg tabular-nums placeholder:text-muted ' +
  'transition-colors duration-200 hover:border-border-hover focus:border-accent focus:outline-none disabled:opacity-50';

function outOfRange(iso: string, min?: string, max?: string): string | null {
  if (min && iso < min) return `On or after ${formatDate(min)}`;
  if (max && iso > max) return `On or before ${formatDate(max)}`;
  return null;
}

/**
 * A date written and typed as "04 Dec 2026" (also "4/12/2026" day first, or "2026-12-04"),
 * never the browser's locale format (mm/dd/yyyy reads wrong in India). The calendar button
 * opens the browser's own picker, kept hidden behind it, so no calendar code ships.
 * A whole, in-range date is committed as it is typed; anything else is flagged and
 * put back to the last good value when the field is left.
 */
export function DateField({
  value,
  onChange,
  label,
  min,
  max,
  required,
  disabled,
  className,
  id,
  name,
  'data-testid': testId,
}: Props) {
  const autoId = useId();
  const inputId = id ?? `date-${autoId}`;
  const hintId = `${inputId}-hint`;
  const picker = useRef<HTMLInputElement>(null);
  const shown = value ? formatDate(value) : '';
  const [text, setText] = useState(shown);
  const [seen, setSeen] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  // Follow the value when it changes from outside (URL, reset, the picker).
  if (seen !== value) {
    setSeen(value);
    // Keep what the person typed when it means this very date ("4/12/2026" until they leave).
    if (parseDateInput(text) !== (value || null)) setText(shown);
    setProblem(null);
  }

  const judge = (raw: string): { iso?: string; problem: string | null } => {
    if (raw.trim() === '') return { problem: required ? 'Enter a date' : null };
    const iso = parseDateInput(raw);
    if (!iso) return { problem: 'Write it as 04 Dec 2026' };
    return { iso, problem: outOfRange(iso, min, max) };
  };

  const type = (raw: string) => {
    setText(raw);
    const r = judge(raw);
    // Only whole dates are committed while typing; a half-typed one waits for blur.
    if (r.iso && !r.problem && r.iso !== value) onChange(r.iso);
    else if (raw.trim() === '' && !required && value) onChange(undefined);
    if (!r.problem) setProblem(null);
  };

  const settle = () => {
    const r = judge(text);
    if (r.problem) {
      setProblem(r.problem);
      return;
    }
    setProblem(null);
    if (r.iso) {
      setText(formatDate(r.iso));
      if (r.iso !== value) onChange(r.iso);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') settle();
    else if (e.key === 'Escape' && problem) {
      setText(shown);
      setProblem(null);
    } else if (e.key === 'ArrowDown' && e.altKey) {
      e.preventDefault();
      openPicker();
    }
  };

  const openPicker = () => {
    const node = picker.current;
    if (!node || disabled) return;
    try {
      node.showPicker();
    } catch {
      // Browsers without showPicker (or not from a user gesture): fall back to typing.
      node.focus();
    }
  };

  return (
    <span className={cn('relative inline-flex flex-col', className)}>
      <span className="relative inline-flex">
        <input
          id={inputId}
          name={name}
          type="text"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          className={cn(field, problem && 'border-failed focus:border-failed')}
          aria-label={label}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? hintId : undefined}
          placeholder="DD Mon YYYY"
          value={text}
          required={required}
          disabled={disabled}
          onChange={(e) => type(e.target.value)}
          onBlur={settle}
          onKeyDown={onKey}
          data-testid={testId}
          data-value={value ?? ''}
        />
        <button
          type="button"
          className="absolute right-0.5 top-1/2 inline-flex h-8 w-8 -translate-y-1/2 items-center justify-center rounded-sm text-fg-2 hover:text-fg focus-visible:outline focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-50"
          aria-label={`Pick ${label.toLowerCase()} from a calendar`}
          title="Calendar"
          onClick={openPicker}
          disabled={disabled}
          data-testid={testId ? `${testId}-calendar` : undefined}
        >
          <CalendarDays className="h-4 w-4" aria-hidden />
        </button>
        {/* The browser's picker, anchored under the button; never focused or read out. */}
        <input
          ref={picker}
          type="date"
          tabIndex={-1}
          aria-hidden
          aria-label={`${label} (calendar)`}
          className="pointer-events-none absolute bottom-0 right-0 h-px w-8 opacity-0 [color-scheme:inherit]"
          value={value ?? ''}
          min={min}
          max={max}
          onChange={(e) => {
            const v = e.target.value;
            if (v) onChange(v);
            else if (!required) onChange(undefined);
          }}
        />
      </span>
      {problem ? (
        <span id={hintId} role="alert" className="absolute top-full mt-0.5 whitespace-nowrap text-caption text-failed">
          {problem}
        </span>
      ) : null}
    </span>
  );
}

'use client';

import { useRef } from 'react';
import { cn } from './cn';

/** Tab list with arrow-key navigation (WAI-ARIA tabs pattern). */
export function Tabs<T extends string>({
  value,
  onChange,
  items,
  label,
  size = 'md',
}: {
  value: T;
  onChange: (v: T) => void;
  items: { value: T; label: string }[];
  label: string;
  size?: 'sm' | 'md';
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  return (
    <div role="tablist" aria-label={label} className="inline-flex rounded-sm border border-border bg-input p-0.5">
      {items.map((item, i) => {
        const selected = item.value === value;
        return (
          <button
            key={item.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            type="button"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(item.value)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              e.preventDefault();
              const next = (i + (e.key === 'ArrowRight' ? 1 : -1) + items.length) % items.length;
              onChange(items[next]!.value);
              refs.current[next]?.focus();
            }}
            className={cn(
              'rounded-sm font-medium transition-colors duration-200',
              size === 'sm' ? 'px-2 py-1 text-caption' : 'px-3 py-1.5 text-body',
              selected ? 'bg-panel text-fg shadow-sm' : 'text-fg-2 hover:text-fg',
            )}
          >
            {item.label}
          </button>
        );
      })}
    </div>
  );
}

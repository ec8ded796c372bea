'use client';

import { clsx } from 'clsx';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from './cn';

/**
 * `data`: the big lists (transactions, discrepancies). `list`: the smaller tables of
 * history and settings pages, a little tighter, captions in the header, every row
 * highlighted under the pointer.
 *
 * Header classes go through `cn` (tailwind-merge), which takes the custom `text-caption`
 * for a colour and drops it beside `text-muted`: the data look's headers are body-sized,
 * as they have always been. The list look puts its header text classes on the row, and
 * cell classes are joined with `clsx`, so `text-caption` beside a colour stays.
 */
const LOOK = {
  data: {
    head: 'border-b border-border',
    th: 'whitespace-nowrap px-3 py-2.5 text-caption font-medium uppercase tracking-wide text-muted',
    td: 'px-3 py-2.5 align-middle',
    row: 'transition-colors duration-200',
  },
  list: {
    head: 'border-b border-border text-caption uppercase tracking-wide text-muted',
    th: 'px-4 py-2 font-medium',
    td: 'px-4 py-2',
    row: 'hover:bg-input',
  },
} as const;

/** A column: its header, how a row's cell renders, and options. */
export interface Column<T> {
  id: string;
  header: ReactNode | (() => ReactNode);
  cell: (row: T) => ReactNode;
  /** With `onSortChange`, every column is sortable (by the server, by its id) unless this is false. */
  enableSorting?: boolean;
  align?: 'right';
  /** Classes of the header and the cells (e.g. hide on narrow screens). */
  className?: string;
  /** Classes of the cells alone (type size, colour). */
  cellClassName?: string;
}

export interface ServerSort {
  id: string;
  desc: boolean;
}

/**
 * A table whose server sorts and pages: this renders the header, sort toggles
 * (keyboard-usable buttons with aria-sort) and clickable rows.
 */
export function DataTable<T>({
  columns,
  data,
  sort,
  onSortChange,
  onRowClick,
  rowTestId,
  getRowId,
  caption,
  rowClassName,
  testId,
  variant = 'data',
  stickyHeader = false,
}: {
  columns: Column<T>[];
  data: T[];
  sort?: ServerSort | null;
  onSortChange?: (sort: ServerSort) => void;
  onRowClick?: (row: T) => void;
  rowTestId?: string;
  getRowId?: (row: T, index: number) => string;
  caption?: string;
  rowClassName?: (row: T) => string | undefined;
  /** data-testid of the <table>. */
  testId?: string;
  variant?: keyof typeof LOOK;
  /**
   * Keep the header row in view: the table scrolls inside a box as tall as the window
   * below the app header (a box that only scrolled sideways would pin the header to
   * itself, i.e. nowhere), with the header stuck to its top.
   */
  stickyHeader?: boolean;
}) {
  const look = LOOK[variant];

  return (
    <div
      className={cn('overflow-x-auto', stickyHeader && 'max-h-[calc(100dvh-9rem)] overflow-y-auto overscroll-contain')}
      data-sticky-header={stickyHeader || undefined}
    >
      <table className="w-full border-collapse text-left" data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr className={look.head}>
            {columns.map((column) => {
              // Sorting is server-side: a column is sortable unless it opts out (enableSorting: false).
              const canSort = !!onSortChange && column.enableSorting !== false;
              const dir = sort?.id === column.id ? (sort.desc ? 'desc' : 'asc') : false;
              const header = typeof column.header === 'function' ? column.header() : column.header;
              return (
                <th
                  key={column.id}
                  scope="col"
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                  className={cn(
                    look.th,
                    column.align === 'right' && 'text-right',
                    // A sticky cell loses the row's collapsed border: draw it as an inset shadow.
                    stickyHeader && 'sticky top-0 z-10 bg-panel shadow-[inset_0_-1px_0_rgb(var(--border))]',
                    column.className,
                  )}
                >
                  {canSort ? (
                    <button
                      type="button"
                      onClick={() => {
                        // First click on a new column sorts descending (largest / newest first).
                        onSortChange({ id: column.id, desc: dir !== 'desc' });
                      }}
                      className={cn('inline-flex items-center gap-1 uppercase hover:text-fg', dir && 'text-fg')}
                    >
                      {header}
                      {dir === 'asc' ? (
                        <ArrowUp className="h-3 w-3" aria-hidden />
                      ) : dir === 'desc' ? (
                        <ArrowDown className="h-3 w-3" aria-hidden />
                      ) : (
                        <ArrowUpDown className="h-3 w-3 opacity-50" aria-hidden />
                      )}
                    </button>
                  ) : (
                    header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {data.map((row, index) => (
            <tr
              key={getRowId ? getRowId(row, index) : index}
              data-testid={rowTestId}
              tabIndex={onRowClick ? 0 : undefined}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              onKeyDown={
                onRowClick
                  ? (e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) onRowClick(row);
                    }
                  : undefined
              }
              className={cn(
                'border-b border-border/60 last:border-0',
                look.row,
                onRowClick && 'cursor-pointer hover:bg-input focus-visible:bg-input',
                rowClassName?.(row),
              )}
            >
              {columns.map((column) => (
                <td
                  key={column.id}
                  className={clsx(look.td, column.align === 'right' && 'text-right', column.className, column.cellClassName)}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

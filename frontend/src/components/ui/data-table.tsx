'use client';

import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { cn } from './cn';

/** Per-column options: alignment and extra classes (e.g. hide on narrow screens). */
export interface ColumnMeta {
  align?: 'right';
  className?: string;
}

export interface ServerSort {
  id: string;
  desc: boolean;
}

/**
 * TanStack Table in manual mode: the server sorts and pages; this renders the header,
 * sort toggles (keyboard-usable buttons with aria-sort) and clickable rows.
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
}: {
  columns: ColumnDef<T, unknown>[];
  data: T[];
  sort?: ServerSort | null;
  onSortChange?: (sort: ServerSort) => void;
  onRowClick?: (row: T) => void;
  rowTestId?: string;
  getRowId?: (row: T, index: number) => string;
  caption?: string;
  rowClassName?: (row: T) => string | undefined;
}) {
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    getRowId,
  });

  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-left">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id} className="border-b border-border">
              {hg.headers.map((header) => {
                // Sorting is server-side: a column is sortable unless it opts out (enableSorting: false).
                const canSort = !!onSortChange && header.column.columnDef.enableSorting !== false;
                const dir = sort?.id === header.column.id ? (sort.desc ? 'desc' : 'asc') : false;
                const meta = header.column.columnDef.meta as ColumnMeta | undefined;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                    className={cn(
                      'whitespace-nowrap px-3 py-2.5 text-caption font-medium uppercase tracking-wide text-muted',
                      meta?.align === 'right' && 'text-right',
                      meta?.className,
                    )}
                  >
                    {canSort ? (
                      <button
                        type="button"
                        onClick={() => {
                          // First click on a new column sorts descending (largest / newest first).
                          onSortChange({ id: header.column.id, desc: dir !== 'desc' });
                        }}
                        className={cn('inline-flex items-center gap-1 uppercase hover:text-fg', dir && 'text-fg')}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {dir === 'asc' ? (
                          <ArrowUp className="h-3 w-3" aria-hidden />
                        ) : dir === 'desc' ? (
                          <ArrowDown className="h-3 w-3" aria-hidden />
                        ) : (
                          <ArrowUpDown className="h-3 w-3 opacity-50" aria-hidden />
                        )}
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-testid={rowTestId}
              tabIndex={onRowClick ? 0 : undefined}
              onClick={onRowClick ? () => onRowClick(row.original) : undefined}
              onKeyDown={
                onRowClick
                  ? (e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) onRowClick(row.original);
                    }
                  : undefined
              }
              className={cn(
                'border-b border-border/60 transition-colors duration-200 last:border-0',
                onRowClick && 'cursor-pointer hover:bg-input focus-visible:bg-input',
                rowClassName?.(row.original),
              )}
            >
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta as ColumnMeta | undefined;
                return (
                  <td
                    key={cell.id}
                    className={cn('px-3 py-2.5 align-middle', meta?.align === 'right' && 'text-right', meta?.className)}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

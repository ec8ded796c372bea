import { ChevronLeft, ChevronRight, ChevronsLeft } from 'lucide-react';
import { formatCount } from '@/lib/money';
import { pageRange } from '@/lib/filters';
import { Button } from './button';

/**
 * The paging `meta` of a list response. `page` is absent on a keyset (cursor) answer, whose
 * page number the caller knows instead (it counted its steps).
 */
export interface PageMeta {
  page?: number | null;
  limit: number;
  total: number;
  total_pages: number;
}

/** Keyset paging: the caller walks with cursors (next) and a stack of them (previous). */
export interface CursorNav {
  page: number;
  canPrev: boolean;
  canNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  /** Back to page 1 (shown from page 3 on). */
  onFirst?: () => void;
}

export function Pager({
  meta,
  onPage,
  nav,
  noun = 'results',
}: {
  meta: PageMeta;
  /** Page-number paging: called with the page to show. */
  onPage?: (page: number) => void;
  /** Cursor paging; takes precedence over `onPage`. */
  nav?: CursorNav;
  noun?: string;
}) {
  const { limit, total, total_pages: totalPages } = meta;
  const page = nav?.page ?? meta.page ?? 1;
  const { first, last } = pageRange(page, limit, total);
  const canPrev = nav ? nav.canPrev : page > 1;
  const canNext = nav ? nav.canNext : page < totalPages;
  return (
    <div className="flex items-center justify-between gap-4 border-t border-border px-4 py-3 text-caption text-fg-2">
      <p data-testid="pager-summary">
        {total === 0 ? (
          `No ${noun}`
        ) : (
          <>
            Showing {formatCount(first)}–{formatCount(last)} of <span className="text-fg">{formatCount(total)}</span>
          </>
        )}
      </p>
      <nav className="flex items-center gap-2" aria-label="Pagination">
        {nav?.onFirst && page > 2 ? (
          <Button size="sm" variant="ghost" onClick={nav.onFirst} aria-label="First page" data-testid="pager-first">
            <ChevronsLeft className="h-4 w-4" />
          </Button>
        ) : null}
        <Button
          size="sm"
          variant="ghost"
          disabled={!canPrev}
          onClick={() => (nav ? nav.onPrev() : onPage?.(page - 1))}
          aria-label="Previous page"
          data-testid="pager-prev"
        >
          {/* The visible word is part of the accessible name (WCAG 2.5.3). */}
          <ChevronLeft className="h-4 w-4" /> Previous
        </Button>
        <span className="tabular" data-testid="pager-page">
          Page {formatCount(page)} of {formatCount(Math.max(totalPages, 1))}
        </span>
        <Button
          size="sm"
          variant="ghost"
          disabled={!canNext}
          onClick={() => (nav ? nav.onNext() : onPage?.(page + 1))}
          aria-label="Next page"
          data-testid="pager-next"
        >
          Next <ChevronRight className="h-4 w-4" />
        </Button>
      </nav>
    </div>
  );
}

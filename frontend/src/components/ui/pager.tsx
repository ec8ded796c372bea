import { ChevronLeft, ChevronRight } from 'lucide-react';
import type { Meta } from '@/lib/api/paths';
import { formatCount } from '@/lib/money';
import { pageRange } from '@/lib/filters';
import { Button } from './button';

/** The paging `meta` of a list response (every paged endpoint's PageMeta has these). */
export type PageMeta = Pick<Meta<'/transactions'>, 'page' | 'limit' | 'total' | 'total_pages'>;

export function Pager({
  meta: { page, limit, total, total_pages: totalPages },
  onPage,
  noun = 'results',
}: {
  meta: PageMeta;
  onPage: (page: number) => void;
  noun?: string;
}) {
  const { first, last } = pageRange(page, limit, total);
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
        <Button size="sm" variant="ghost" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label="Previous page">
          <ChevronLeft className="h-4 w-4" /> Prev
        </Button>
        <span className="tabular">
          Page {formatCount(page)} of {formatCount(Math.max(totalPages, 1))}
        </span>
        <Button size="sm" variant="ghost" disabled={page >= totalPages} onClick={() => onPage(page + 1)} aria-label="Next page">
          Next <ChevronRight className="h-4 w-4" />
        </Button>
      </nav>
    </div>
  );
}

// @vitest-environment jsdom
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/client';
import { PagedView, QueryView } from './states';

function render(el: ReactElement): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(el);
  return root;
}

// The parts of a query result the views read.
function pending<T>(): UseQueryResult<T> {
  return { isPending: true, isError: false, data: undefined, error: null, refetch: async () => undefined } as never;
}
function failed<T>(): UseQueryResult<T> {
  const error = new ApiError(500, 'INTERNAL_ERROR', 'The database is down');
  return { isPending: false, isError: true, data: undefined, error, refetch: async () => undefined } as never;
}
function loaded<T>(data: T): UseQueryResult<T> {
  return { isPending: false, isError: false, data, error: null, refetch: async () => undefined } as never;
}

const view = (query: UseQueryResult<number[]>, extra: { errorTitle?: string; errorCard?: string } = {}) => (
  <QueryView
    query={query}
    loading={<p data-testid="loading" />}
    empty={{ when: (d) => d.length === 0, title: 'Nothing here' }}
    {...extra}
  >
    {(d) => <p data-testid="data">{d.join(',')}</p>}
  </QueryView>
);

describe('QueryView', () => {
  it('shows the loading node while pending', () => {
    const root = render(view(pending()));
    expect(root.querySelector('[data-testid=loading]')).not.toBeNull();
    expect(root.querySelector('[data-testid=data]')).toBeNull();
  });

  it('says it is retrying while a query that could not reach the server tries again', () => {
    const retrying = { ...pending<number[]>(), failureCount: 1 } as UseQueryResult<number[]>;
    const root = render(view(retrying));
    expect(root.querySelector('[data-testid=retrying]')?.textContent).toContain('retrying');
    expect(root.querySelector('[data-testid=loading]')).not.toBeNull();
    expect(
      render(view({ ...pending<number[]>(), failureCount: 0 } as UseQueryResult<number[]>)).querySelector(
        '[data-testid=retrying]',
      ),
    ).toBeNull();
  });

  it('shows an error with its message, title and a retry button', () => {
    const root = render(view(failed(), { errorTitle: 'Could not load the summary' }));
    const alert = root.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('Could not load the summary');
    expect(alert.textContent).toContain('The database is down');
    expect(alert.querySelector('button')?.textContent).toBe('Retry');
    // Without errorCard the error stands alone.
    expect(alert.parentElement).toBe(root);
  });

  it('puts the error inside a card of the given class when asked (cells of a card grid)', () => {
    const root = render(view(failed(), { errorCard: 'col-span-full' }));
    const card = root.querySelector('[role=alert]')!.parentElement!;
    expect(card).not.toBe(root);
    expect(card.className).toContain('col-span-full');
    expect(card.className).toContain('bg-panel');
  });

  it('shows the empty state for empty data and the content otherwise', () => {
    expect(render(view(loaded([]))).textContent).toBe('Nothing here');
    const root = render(view(loaded([1, 2])));
    expect(root.querySelector('[data-testid=data]')?.textContent).toBe('1,2');
    expect(root.textContent).not.toContain('Nothing here');
  });
});

describe('PagedView', () => {
  const paged = (items: string[], total: number) =>
    loaded({ items, meta: { page: 2, limit: 2, total, total_pages: Math.ceil(total / 2) } });
  const el = (
    query: UseQueryResult<{ items: string[]; meta: { page: number; limit: number; total: number; total_pages: number } }>,
  ) => (
    <PagedView query={query} loading={<p>loading</p>} empty={{ title: 'no runs' }} noun="runs" onPage={() => undefined}>
      {(items) => (
        <ul>
          {items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </PagedView>
  );

  it('renders the page of items with the pager under it', () => {
    const root = render(el(paged(['c', 'd'], 5)));
    expect([...root.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['c', 'd']);
    expect(root.querySelector('[data-testid=pager-summary]')?.textContent).toBe('Showing 3–4 of 5');
    expect(root.querySelector('nav')?.textContent).toContain('Page 2 of 3');
  });

  it('shows the empty state, without a pager, for a page with no items', () => {
    const root = render(el(paged([], 0)));
    expect(root.textContent).toBe('no runs');
    expect(root.querySelector('[data-testid=pager-summary]')).toBeNull();
  });
});

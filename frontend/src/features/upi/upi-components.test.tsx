// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/api/query-keys';
import type { OverviewQuery } from '@/lib/filters';
import { StatusTimeline } from './status-timeline';
import { UpiChip } from './upi-chip';
import { UpiKpis } from './upi-kpis';

function render(el: ReactElement, qc = new QueryClient()): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(<QueryClientProvider client={qc}>{el}</QueryClientProvider>);
  return root;
}

describe('UpiChip', () => {
  it('shows the reversal age, and nothing for a plain row', () => {
    const reversed = render(<UpiChip upi={{ deemed: false, reversed: true, reversal_age_seconds: 3 * 86400 }} />);
    expect(reversed.querySelector('[data-testid=upi-chip]')?.textContent).toBe('Reversed · 3 d');
    const plain = render(<UpiChip upi={{ deemed: false, reversed: false, reversal_age_seconds: null }} />);
    expect(plain.querySelector('[data-testid=upi-chip]')).toBeNull();
  });
});

describe('StatusTimeline', () => {
  it('lists every status seen, oldest first, with its provider status', () => {
    const qc = new QueryClient();
    qc.setQueryData(['transactions', 'timeline', 't1'], {
      items: [
        {
          status: 'pending',
          original_status: 'INITIATED',
          seen_at: '2026-12-04T03:00:00Z',
          sync_run_id: 'aaaaaaaa-0000-4000-8000-000000000001',
        },
        { status: 'success', original_status: 'Success', seen_at: '2026-12-04T03:10:00Z', sync_run_id: null },
      ],
      reversal: null,
    });
    const root = render(<StatusTimeline id="t1" tz="UTC" />, qc);
    const items = [...root.querySelectorAll('[data-testid=tx-timeline-item]')];
    expect(items.map((i) => i.getAttribute('data-status'))).toEqual(['pending', 'success']);
    expect(items[0]?.textContent).toContain('upstream: INITIATED');
    expect(items[0]?.textContent).toContain('run aaaaaaaa');
  });
});

describe('UpiKpis', () => {
  it('shows the API figures as given (exact amounts in data-value)', () => {
    const query = { from_date: '2026-12-01', to_date: '2026-12-04', timezone: 'UTC' } as OverviewQuery;
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.overview(query), {
      total: { count: 10, amount: '100.00', currency: 'INR' },
      deemed_after_minutes: 30,
      deemed_count: 3,
      deemed_amount: '1234.5600',
      pending_fresh_count: 2,
      reversals_count: 1,
      reversals_amount: '99.9900',
    });
    const root = render(<UpiKpis query={query} />, qc);
    expect(root.querySelector('[data-testid=kpi-deemed]')?.getAttribute('data-value')).toBe('3');
    expect(root.querySelector('[data-testid=kpi-deemed-amount]')?.getAttribute('data-value')).toBe('1234.5600');
    expect(root.querySelector('[data-testid=kpi-pending-fresh]')?.getAttribute('data-value')).toBe('2');
    expect(root.querySelector('[data-testid=kpi-reversals]')?.getAttribute('data-value')).toBe('1');
  });
});

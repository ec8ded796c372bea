// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/api/query-keys';
import { AlertBell } from './alert-bell';
import { AlertCard } from './alert-card';
import type { Alert, AlertsSummary } from './alert-types';

function render(el: ReactElement): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(el);
  return root;
}

const ALERT: Alert = {
  id: 'a1',
  rule_id: 'r1',
  rule_name: 'Success rate',
  kind: 'success_rate_low',
  severity: 'critical',
  scope: { type: 'project', value: '91game' },
  state: 'firing',
  title: 'Success rate 71.2 % < 85 % — 91game',
  message: '142 of 200 pay-ins failed in the last 60 minutes.',
  value: '71.2',
  threshold: '85',
  fired_at: '2026-12-04T03:42:00Z',
  resolved_at: null,
  acknowledged_by: null,
  acknowledged_at: null,
  evidence: {
    transactions: { from: '2026-12-04T02:30:00Z', to: '2026-12-04T03:42:00Z', project: '91game', status: 'failed' },
    sync_run_id: null,
    source: null,
    recon_date: null,
    screenshot_url: null,
  },
  notifications: [{ channel: 'In-app', event: 'firing', status: 'sent', attempts: 1, delivered_at: '2026-12-04T03:42:05Z' }],
};

describe('alert bell', () => {
  it('shows the firing count and names it for screen readers', () => {
    const qc = new QueryClient();
    const summary: AlertsSummary = { firing: 2, unacknowledged: 1, latest: [ALERT] };
    qc.setQueryData(queryKeys.alertsSummary(), summary);
    const root = render(
      <QueryClientProvider client={qc}>
        <AlertBell fallback={<a href="/sync/">old bell</a>} />
      </QueryClientProvider>,
    );
    const bell = root.querySelector('[data-testid=alert-bell]')!;
    expect(bell.getAttribute('aria-label')).toBe('Alerts: 2 firing');
    expect(bell.getAttribute('aria-expanded')).toBe('false');
    expect(root.querySelector('[data-testid=alert-bell-count]')!.textContent).toBe('2');
    expect(root.textContent).not.toContain('old bell');
  });
});

describe('alert card', () => {
  it('shows value vs threshold, the fired time in the zone, notifications and the evidence link', () => {
    const root = render(
      <AlertCard
        alert={ALERT}
        tz="Asia/Kolkata"
        ackReason={null}
        acking={false}
        onAcknowledge={() => undefined}
        highlighted={false}
      />,
    );
    expect(root.querySelector('[data-testid=alert-value]')!.textContent).toBe('71.2 % vs 85 %');
    expect(root.querySelector('[data-testid=alert-fired]')!.textContent).toBe('04 Dec 2026, 09:12 IST');
    // Next's Link may write the href without the trailing slash (the export redirects either way).
    expect(root.querySelector('[data-testid=evidence-transactions]')!.getAttribute('href')).toMatch(
      /^\/transactions\/?\?project=91game&status=failed&from_date=2026-12-04&to_date=2026-12-04$/,
    );
    expect(root.querySelector('[data-testid=alert-notifications]')!.textContent).toContain('In-app');
    expect(root.querySelector('[data-testid=alert-acknowledge]')!.getAttribute('aria-disabled')).toBeNull();
  });

  it('disables Acknowledge with the reason for a viewer', () => {
    const reason = 'Analysts and admins can acknowledge alerts.';
    const root = render(
      <AlertCard alert={ALERT} tz="UTC" ackReason={reason} acking={false} onAcknowledge={() => undefined} highlighted={false} />,
    );
    const button = root.querySelector('[data-testid=alert-acknowledge]')!;
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.getAttribute('data-disabled-reason')).toBe(reason);
  });
});

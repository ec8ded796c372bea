import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/api/query-keys';
import type { Alert, AlertsSummary, Rule } from './alert-types';
import { putAlert, putRule } from './cache';

const rule = (id: string, threshold: string) =>
  ({ id, kind: 'success_rate_low', params: { threshold_pct: threshold } }) as unknown as Rule;
const alert = (id: string, by: string | null) => ({ id, acknowledged_by: by }) as unknown as Alert;

describe('cache updates from the API answer', () => {
  it('puts the saved rule in place of the old one', () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.alertRules(), [rule('a', '70'), rule('b', '80')]);
    putRule(qc, rule('a', '87.5'));
    expect(qc.getQueryData<Rule[]>(queryKeys.alertRules())!.map((r) => r.params.threshold_pct)).toEqual(['87.5', '80']);
  });

  it('marks an acknowledged alert in every list page and in the bell summary', () => {
    const qc = new QueryClient();
    const meta = { page: 1, limit: 20, total: 2, total_pages: 1 };
    qc.setQueryData(queryKeys.alerts({ state: 'firing' }), { items: [alert('x', null), alert('y', null)], meta });
    qc.setQueryData(queryKeys.alerts({ state: 'firing', kind: 'sync_unhealthy' }), { items: [alert('x', null)], meta });
    qc.setQueryData<AlertsSummary>(queryKeys.alertsSummary(), { firing: 2, unacknowledged: 2, latest: [alert('x', null)] });
    putAlert(qc, alert('x', 'analyst@example.com'));
    const pages = qc
      .getQueriesData<{ items: Alert[] }>({ queryKey: ['alerts', 'list'] })
      .map(([, d]) => d!.items[0]!.acknowledged_by);
    expect(pages).toEqual(['analyst@example.com', 'analyst@example.com']);
    const s = qc.getQueryData<AlertsSummary>(queryKeys.alertsSummary())!;
    expect(s.unacknowledged).toBe(1);
    expect(s.latest[0]!.acknowledged_by).toBe('analyst@example.com');
  });
});

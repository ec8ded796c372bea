import type { QueryClient } from '@tanstack/react-query';
import type { PageMeta } from '@/components/ui/pager';
import { queryKeys } from '@/lib/api/query-keys';
import type { Alert, AlertsSummary, Channel, Rule } from './alert-types';

/*
 * After a change the cache takes the object the API answered with, instead of refetching
 * at once: the server commits a request's transaction after it has sent the answer, so a
 * refetch fired by that answer can still read the old row (seen in the e2e run: the rules
 * table kept the old threshold). The 30 s polling and the next visit refresh the rest.
 */

export function putRule(qc: QueryClient, rule: Rule): void {
  qc.setQueryData<Rule[]>(queryKeys.alertRules(), (rules) => rules?.map((r) => (r.id === rule.id ? rule : r)));
}

export function putAlert(qc: QueryClient, alert: Alert): void {
  const swap = (a: Alert) => (a.id === alert.id ? alert : a);
  qc.setQueriesData<{ items: Alert[]; meta: PageMeta }>({ queryKey: ['alerts', 'list'] }, (d) =>
    d ? { ...d, items: d.items.map(swap) } : d,
  );
  qc.setQueryData<AlertsSummary>(queryKeys.alertsSummary(), (s) => {
    if (!s) return s;
    const was = s.latest.find((a) => a.id === alert.id);
    const nowAcked = !!alert.acknowledged_by && was && !was.acknowledged_by;
    return { ...s, latest: s.latest.map(swap), unacknowledged: nowAcked ? Math.max(0, s.unacknowledged - 1) : s.unacknowledged };
  });
}

export function addChannel(qc: QueryClient, channel: Channel): void {
  qc.setQueryData<Channel[]>(queryKeys.alertChannels(), (list) => (list ? [...list, channel] : [channel]));
}

export function dropChannel(qc: QueryClient, id: string): void {
  qc.setQueryData<Channel[]>(queryKeys.alertChannels(), (list) => list?.filter((c) => c.id !== id));
}

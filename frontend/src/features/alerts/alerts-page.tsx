'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/layout/app-shell';
import { ProjectSelect } from '@/components/shared/project-select';
import { SOURCE_NAME } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ChoiceSelect } from '@/components/ui/input';
import { Pager } from '@/components/ui/pager';
import { SkeletonStack } from '@/components/ui/skeleton';
import { EmptyState, QueryView } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { queryKeys } from '@/lib/api/query-keys';
import { SOURCES } from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { AlertCard } from './alert-card';
import { ALERT_KINDS, type AlertFilters } from './alert-types';
import { acknowledge, alertsQuery, getAlerts, isAbsent } from './alerts-api';
import { putAlert } from './cache';
import { ChannelsCard } from './channels-card';
import { alertFiltersToSearch, alertsWhyNot, kindLabel, parseAlertFilters } from './labels';
import { RulesCard } from './rules-card';
import { useAlertsSummary } from './use-alerts';

type Tab = AlertFilters['state'];

export function AlertsPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const { params, replace } = useUrlState();
  const filters = parseAlertFilters(params);
  const highlight = params.get('alert');
  const summary = useAlertsSummary();
  const q = alertsQuery(filters);
  const list = useQuery({
    queryKey: queryKeys.alerts(q),
    queryFn: ({ signal }) => getAlerts(q, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (isAbsent(query.state.error) ? false : 30_000),
  });
  const ack = useMutation({
    mutationFn: acknowledge,
    onSuccess: (a) => {
      toast(`Acknowledged: ${a?.title ?? 'alert'}`, 'success');
      if (a) putAlert(qc, a);
    },
    onError: (e) => toast(`Could not acknowledge: ${(e as Error).message}`, 'error'),
  });
  const ackReason = alertsWhyNot(me?.role, 'acknowledge');
  const editReason = alertsWhyNot(me?.role, 'edit');

  const set = (patch: Partial<AlertFilters>) => {
    const next = alertFiltersToSearch({ ...filters, page: 1, ...patch });
    replace(next);
  };

  if (isAbsent(list.error) || isAbsent(summary.error)) {
    return (
      <>
        <PageHeader title="Alerts" />
        <Card>
          <EmptyState
            title="Alerts are not available"
            hint="This server has no alerts API yet. Sync problems still show on the Sync page."
            className="py-16"
          />
        </Card>
      </>
    );
  }

  const firing = summary.data?.firing;
  const tabs: { value: Tab; label: string }[] = [
    { value: 'firing', label: firing === undefined ? 'Firing' : `Firing (${firing})` },
    { value: 'history', label: 'History' },
  ];
  const filtered = !!(filters.kind || filters.project || filters.source || filters.acknowledged);
  return (
    <>
      <PageHeader
        title="Alerts"
        description="What went wrong with money or data, with the evidence. Rules are evaluated every minute."
      />
      <section aria-label="Alert list" className="mb-8">
        <div className="mb-4 flex flex-wrap items-center gap-3">
          <Tabs<Tab> label="Alert state" value={filters.state} onChange={(state) => set({ state })} items={tabs} />
          <div className="ml-auto flex flex-wrap items-center gap-2">
            <ChoiceSelect
              aria-label="Kind"
              value={filters.kind}
              values={ALERT_KINDS}
              any="All kinds"
              option={kindLabel}
              onChange={(kind) => set({ kind })}
              data-testid="alerts-filter-kind"
            />
            <ChoiceSelect
              aria-label="Source"
              value={filters.source as (typeof SOURCES)[number] | undefined}
              values={SOURCES}
              any="All sources"
              option={(s) => SOURCE_NAME[s]}
              onChange={(source) => set({ source })}
              data-testid="alerts-filter-source"
            />
            <ProjectSelect value={filters.project} onChange={(project) => set({ project })} />
            <ChoiceSelect
              aria-label="Acknowledged"
              value={filters.acknowledged}
              values={['false', 'true'] as const}
              any="Acknowledged or not"
              option={(v) => (v === 'true' ? 'Acknowledged' : 'Not acknowledged')}
              onChange={(acknowledged) => set({ acknowledged })}
              data-testid="alerts-filter-ack"
            />
          </div>
        </div>
        <QueryView
          query={list}
          loading={<SkeletonStack count={3} className="h-40" />}
          errorTitle="Could not load the alerts"
          empty={{
            title: filtered
              ? 'No alerts match these filters'
              : filters.state === 'firing'
                ? 'Nothing is firing'
                : 'No resolved alerts yet',
            hint: filters.state === 'firing' && !filtered ? 'All rules are within their thresholds.' : undefined,
            when: (d) => d.items.length === 0,
          }}
        >
          {(d) => (
            <>
              <div className="space-y-3" data-testid="alert-list">
                {d.items.map((a) => (
                  <AlertCard
                    key={a.id}
                    alert={a}
                    tz={tz}
                    ackReason={ackReason}
                    acking={ack.isPending && ack.variables === a.id}
                    onAcknowledge={() => ack.mutate(a.id)}
                    highlighted={a.id === highlight}
                  />
                ))}
              </div>
              {d.meta.total_pages > 1 ? (
                <Card className="mt-3">
                  <Pager meta={d.meta} onPage={(page) => set({ page })} noun="alerts" />
                </Card>
              ) : null}
            </>
          )}
        </QueryView>
      </section>
      <div className="space-y-6">
        <RulesCard editReason={editReason} />
        {editReason ? null : <ChannelsCard tz={tz} />}
      </div>
    </>
  );
}

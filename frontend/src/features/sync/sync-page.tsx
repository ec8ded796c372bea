'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useSyncStatus } from '@/components/layout/freshness';
import { PageHeader } from '@/components/layout/app-shell';
import { GuardedButton } from '@/components/ui/guarded';
import { Skeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiSend } from '@/lib/api/client';
import { useAuth } from '@/lib/app/auth';
import { whyNot } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { MirrorCard } from '@/features/explore/mirror-card';
import { BackfillForm } from './backfill-form';
import { QuarantineTable } from './quarantine-table';
import { RunsTable } from './runs-table';
import { SourceCard } from './source-card';

export function SyncPage() {
  const { tz } = usePreferences();
  const { me } = useAuth();
  const status = useSyncStatus();
  const qc = useQueryClient();
  const toast = useToast();
  const triggerReason = whyNot(me?.role, 'sync.trigger');
  const all = useMutation({
    mutationFn: () => apiSend('POST', '/sync/trigger', { body: { source: null } }),
    onSuccess: (r) => {
      toast(r.message || 'Sync triggered for all sources', 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
    onError: (e) => toast(`Could not trigger sync: ${(e as Error).message}`, 'error'),
  });
  return (
    <>
      <PageHeader
        title="Sync"
        description="Health of the Vima and PayShack feeds."
        actions={
          <GuardedButton
            reason={triggerReason}
            variant="primary"
            onClick={() => all.mutate()}
            loading={all.isPending}
            data-testid="sync-now-all"
          >
            {all.isPending ? null : <RefreshCw className="h-4 w-4" aria-hidden />} Sync all now
          </GuardedButton>
        }
      />
      <div className="mb-6 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <QueryView
          query={status}
          loading={
            <>
              <Skeleton className="h-72" />
              <Skeleton className="h-72" />
            </>
          }
          errorTitle="Could not load sync status"
          errorCard="col-span-full"
        >
          {(data) => data.sources.map((s) => <SourceCard key={s.source} s={s} tz={tz} triggerReason={triggerReason} />)}
        </QueryView>
      </div>
      <MirrorCard tz={tz} />
      <div className="mb-6">
        <BackfillForm roleReason={whyNot(me?.role, 'sync.backfill')} tz={tz} />
      </div>
      <div className="mb-6">
        <RunsTable tz={tz} />
      </div>
      <QuarantineTable tz={tz} />
    </>
  );
}

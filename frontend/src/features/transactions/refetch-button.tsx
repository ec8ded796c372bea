'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { InlineError } from '@/components/ui/states';
import { useAuth } from '@/lib/app/auth';
import { can } from '@/lib/app/permissions';
import { classificationText, type Amendment } from '@/features/reconciliation/refetch-suggestions';
import { workbenchCall } from '@/features/reconciliation/workbench-api';

/** "Re-fetch from providers": asks both providers for this payment's key again; the key is
 * re-classified in the current run of each day that reports it. Analysts and admins. */
export function RefetchFromProviders({ id }: { id: string }) {
  const { me } = useAuth();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () =>
      workbenchCall<{ changed: boolean; amendments: Amendment[] }>('POST', '/transactions/{id}/refetch', {
        path: { id },
      }),
    onSuccess: async () => {
      // The payment's rows and the days' reconciliation may both have moved.
      await qc.invalidateQueries({ predicate: (q) => ['transactions', 'reconciliation'].includes(String(q.queryKey[0])) });
    },
  });
  if (!can(me?.role, 'recon.resolve')) return null;
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" data-testid="tx-refetch">
      <Button size="sm" loading={m.isPending} onClick={() => m.mutate()} data-testid="tx-refetch-button">
        Re-fetch from providers
      </Button>
      {m.data ? (
        <span className="text-caption text-fg-2" data-testid="tx-refetch-result">
          {m.data.changed ? 'Changed' : 'Unchanged'}
          {m.data.amendments.map((a) => ` · ${a.recon_date}: ${classificationText(a.after)}`).join('')}
        </span>
      ) : null}
      <InlineError error={m.error} />
    </div>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { Label, Select } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { useAuth } from '@/lib/app/auth';
import { workbenchCall } from './workbench-api';
import type { DiscrepancyRow } from './workbench-types';

/** Admins list the users (GET /users); the owner picker. Others cannot list users. */
export function useAssignableUsers(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.users(),
    queryFn: ({ signal }) => apiGet('/users', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

/**
 * Who owns the row. Admins pick any active user; analysts take it ("Assign to me") or let
 * it go ("Unassign"); viewers see the owner only.
 */
export function OwnerControl({ d, mayEdit }: { d: DiscrepancyRow; mayEdit: boolean }) {
  const { me } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  const isAdmin = me?.role === 'admin';
  const users = useAssignableUsers(mayEdit && isAdmin);
  const m = useMutation({
    mutationFn: (ownerId: string | null) =>
      workbenchCall('POST', '/reconciliation/discrepancies/{id}/assign', { path: { id: d.id }, body: { owner_id: ownerId } }),
    onSuccess: async (_, ownerId) => {
      await qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(ownerId ? 'Owner assigned' : 'Owner removed', 'success');
    },
  });
  const owner = d.owner ?? null;
  const current = (
    <p className="text-body text-fg" data-testid="discrepancy-owner" data-value={owner?.email ?? ''}>
      {owner ? owner.email : <span className="text-muted">Nobody</span>}
    </p>
  );
  if (!mayEdit || !me) return current;
  return (
    <div className="space-y-2">
      {current}
      <div className="flex flex-wrap items-end gap-2">
        {isAdmin && users.data ? (
          <Label className="min-w-56">
            Assign to
            <Select
              value={owner?.id ?? ''}
              onChange={(e) => m.mutate(e.target.value || null)}
              disabled={m.isPending}
              data-testid="owner-select"
            >
              <option value="">Nobody</option>
              {users.data
                .filter((u) => u.is_active && u.role !== 'viewer')
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.email}
                  </option>
                ))}
            </Select>
          </Label>
        ) : null}
        {owner?.id !== me.id ? (
          <Button size="sm" onClick={() => m.mutate(me.id)} loading={m.isPending} data-testid="assign-me">
            Assign to me
          </Button>
        ) : null}
        {owner ? (
          <Button size="sm" variant="ghost" onClick={() => m.mutate(null)} disabled={m.isPending} data-testid="unassign">
            Unassign
          </Button>
        ) : null}
      </div>
      <InlineError error={m.error} />
    </div>
  );
}

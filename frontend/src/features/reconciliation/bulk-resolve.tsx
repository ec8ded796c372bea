'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Label, Select, Textarea } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiSend } from '@/lib/api/client';
import type { Resolution } from '@/lib/api/types';
import { formatCount } from '@/lib/money';
import { isMissingRoute, workbenchCall } from './workbench-api';

/** One call for all ids; a backend without the bulk route gets one call per id. */
async function resolveMany(ids: string[], resolution: Resolution, note: string): Promise<number> {
  try {
    const r = await workbenchCall<{ updated: number }>('POST', '/reconciliation/discrepancies/resolve', {
      body: { ids, resolution, note },
    });
    return r.updated;
  } catch (e) {
    if (!isMissingRoute(e)) throw e;
  }
  for (const id of ids) {
    await apiSend('POST', '/reconciliation/discrepancies/{discrepancy_id}/resolve', {
      path: { discrepancy_id: id },
      body: { resolution, note },
    });
  }
  return ids.length;
}

/** "Resolve selected (n)": one resolution and one note for every selected row. */
export function BulkResolveDialog({
  ids,
  open,
  onClose,
  onDone,
}: {
  ids: string[];
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [resolution, setResolution] = useState<Resolution>('resolved');
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: () => resolveMany(ids, resolution, note.trim()),
    onSuccess: async (updated) => {
      await qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(`Marked ${formatCount(updated)} ${updated === 1 ? 'row' : 'rows'} as ${resolution}`, 'success');
      setNote('');
      onDone();
    },
  });
  const noteRequired = resolution !== 'open';
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Resolve ${formatCount(ids.length)} selected`}
      testId="bulk-resolve-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            loading={m.isPending}
            disabled={ids.length === 0 || (noteRequired && !note.trim())}
            onClick={() => m.mutate()}
            data-testid="bulk-resolve-submit"
          >
            Save
          </Button>
        </>
      }
    >
      <Label>
        Resolution
        <Select
          value={resolution}
          onChange={(e) => setResolution(e.target.value as Resolution)}
          data-testid="bulk-resolve-resolution"
        >
          <option value="acknowledged">Acknowledged — being looked at</option>
          <option value="resolved">Resolved — explained or fixed</option>
          <option value="open">Re-open</option>
        </Select>
      </Label>
      <Label>
        Note for every selected row {noteRequired ? <span className="text-muted">(required)</span> : null}
        <Textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="What was found, who was contacted, ticket id…"
          maxLength={2000}
          data-testid="bulk-resolve-note"
        />
      </Label>
      <InlineError error={m.error} />
    </Dialog>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Label, Select, Textarea } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiSend } from '@/lib/api/client';
import type { Discrepancy, Resolution } from '@/lib/api/types';

export function ResolveDialog({ item, onClose }: { item: Discrepancy | null; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [resolution, setResolution] = useState<Resolution>('resolved');
  const [note, setNote] = useState('');
  const [forId, setForId] = useState<string | null>(null);
  if (item && item.id !== forId) {
    setForId(item.id);
    setResolution(item.resolution === 'open' ? 'acknowledged' : item.resolution === 'acknowledged' ? 'resolved' : 'open');
    setNote(item.note ?? '');
  }
  const m = useMutation({
    mutationFn: () =>
      apiSend('POST', '/reconciliation/discrepancies/{discrepancy_id}/resolve', {
        path: { discrepancy_id: item!.id },
        body: { resolution, note: note.trim() },
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['reconciliation'] });
      toast(`Marked ${item?.client_operation_id ?? 'discrepancy'} as ${resolution}`, 'success');
      onClose();
    },
  });
  const noteRequired = resolution !== 'open';
  return (
    <Dialog
      open={!!item}
      onClose={onClose}
      title="Update discrepancy"
      testId="resolve-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            loading={m.isPending}
            disabled={noteRequired && !note.trim()}
            onClick={() => m.mutate()}
            data-testid="resolve-submit"
          >
            Save
          </Button>
        </>
      }
    >
      <p className="text-body text-fg-2">
        c_id <span className="font-mono text-fg">{item?.client_operation_id ?? '—'}</span>
      </p>
      <Label>
        Resolution
        <Select value={resolution} onChange={(e) => setResolution(e.target.value as Resolution)} data-testid="resolve-resolution">
          <option value="acknowledged">Acknowledged — being looked at</option>
          <option value="resolved">Resolved — explained or fixed</option>
          <option value="open">Re-open</option>
        </Select>
      </Label>
      <Label>
        Note {noteRequired ? <span className="text-muted">(required)</span> : null}
        <Textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="What was found, who was contacted, ticket id…"
          maxLength={2000}
          data-testid="resolve-note"
        />
      </Label>
      <InlineError error={m.error} />
    </Dialog>
  );
}

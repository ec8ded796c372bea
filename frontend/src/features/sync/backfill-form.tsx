'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Input, Label, Select } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiSend } from '@/lib/api/client';
import { SOURCES, type Source } from '@/lib/api/types';
import { addDays, todayIn } from '@/lib/dates';
import { SOURCE_NAME } from './labels';

export function BackfillForm() {
  const toast = useToast();
  const qc = useQueryClient();
  const [source, setSource] = useState<Source>('vima');
  const yesterday = addDays(todayIn('UTC'), -1);
  const [from, setFrom] = useState(addDays(yesterday, -6));
  const [to, setTo] = useState(yesterday);
  const m = useMutation({
    mutationFn: () => apiSend('POST', '/sync/backfill', { body: { source, from_date: from, to_date: to } }),
    onSuccess: () => {
      toast('Backfill queued', 'success');
      void qc.invalidateQueries({ queryKey: ['sync'] });
    },
  });
  return (
    <Card>
      <CardHeader
        title="Backfill"
        description="Re-fetch a date range from one source. Existing rows are updated, not duplicated."
      />
      <CardBody>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
          data-testid="backfill-form"
        >
          <Label>
            Source
            <Select value={source} onChange={(e) => setSource(e.target.value as Source)}>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {SOURCE_NAME[s]}
                </option>
              ))}
            </Select>
          </Label>
          <Label>
            From
            <Input type="date" value={from} max={to} required onChange={(e) => setFrom(e.target.value)} />
          </Label>
          <Label>
            To
            <Input type="date" value={to} min={from} required onChange={(e) => setTo(e.target.value)} />
          </Label>
          <Button type="submit" variant="primary" loading={m.isPending} disabled={!from || !to || from > to}>
            Start backfill
          </Button>
        </form>
        <div className="mt-3">
          <InlineError error={m.error} />
        </div>
      </CardBody>
    </Card>
  );
}

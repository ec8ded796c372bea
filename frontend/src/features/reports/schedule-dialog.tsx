'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import {
  REPORT_CHANNELS,
  REPORT_FORMATS,
  REPORT_KINDS,
  type ReportChannel,
  type ReportKind,
  type Schedule,
} from './report-types';
import { createSchedule, reportKeys, updateSchedule } from './reports-api';
import {
  CHANNEL_LABEL,
  emptyForm,
  formOf,
  KIND_HINT,
  KIND_LABEL,
  REPORT_ZONES,
  scheduleBody,
  WEEKDAY_NAMES,
  type ScheduleForm,
} from './schedule-form';

/** Create a schedule, or edit one (`schedule`); admins only. */
export function ScheduleDialog({ schedule, onClose }: { schedule?: Schedule; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const formId = useId();
  const [form, setForm] = useState<ScheduleForm>(() => (schedule ? formOf(schedule) : emptyForm()));
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<ScheduleForm>) => setForm((f) => ({ ...f, ...patch }));
  const save = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof scheduleBody>['body']>) =>
      schedule ? updateSchedule(schedule.id, body) : createSchedule(body),
    onSuccess: (s) => {
      toast(schedule ? `Schedule “${s.name}” saved` : `Schedule “${s.name}” created`, 'success');
      void qc.invalidateQueries({ queryKey: reportKeys.all });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = scheduleBody(form, schedule);
    setError(r.error);
    if (r.body) save.mutate(r.body);
  };
  const id = (k: string) => `${formId}-${k}`;
  const zones: string[] = REPORT_ZONES.includes(form.timezone as (typeof REPORT_ZONES)[number])
    ? [...REPORT_ZONES]
    : [form.timezone, ...REPORT_ZONES];
  return (
    <Dialog
      open
      onClose={onClose}
      title={schedule ? `Edit “${schedule.name}”` : 'Schedule a report'}
      testId="schedule-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form={formId} loading={save.isPending} data-testid="schedule-save">
            {schedule ? 'Save' : 'Create'}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate className="space-y-3">
        <Label htmlFor={id('name')}>
          Name
          <Input id={id('name')} value={form.name} onChange={(e) => set({ name: e.target.value })} data-testid="schedule-name" />
        </Label>
        <Label htmlFor={id('kind')}>
          Report
          <Select
            id={id('kind')}
            value={form.kind}
            disabled={!!schedule}
            onChange={(e) => set({ kind: e.target.value as ReportKind })}
            data-testid="schedule-kind"
          >
            {REPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </Select>
          <span className="mt-1 block text-caption font-normal text-muted">{KIND_HINT[form.kind]}</span>
        </Label>
        <div className="grid grid-cols-2 gap-3">
          <Label htmlFor={id('time')}>
            Time
            <Input
              id={id('time')}
              type="time"
              value={form.sendAt}
              onChange={(e) => set({ sendAt: e.target.value })}
              data-testid="schedule-time"
            />
          </Label>
          <Label htmlFor={id('zone')}>
            Time zone
            <Select
              id={id('zone')}
              value={form.timezone}
              onChange={(e) => set({ timezone: e.target.value })}
              data-testid="schedule-zone"
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          </Label>
        </div>
        {form.kind === 'weekly_reconciliation' ? (
          <Label htmlFor={id('weekday')}>
            Day of the week
            <Select
              id={id('weekday')}
              value={String(form.weekday)}
              onChange={(e) => set({ weekday: Number(e.target.value) })}
              data-testid="schedule-weekday"
            >
              {WEEKDAY_NAMES.map((d, i) => (
                <option key={d} value={i}>
                  {d}
                </option>
              ))}
            </Select>
          </Label>
        ) : null}
        <Label htmlFor={id('channel')}>
          Deliver by
          <Select
            id={id('channel')}
            value={form.channel}
            onChange={(e) => set({ channel: e.target.value as ReportChannel })}
            data-testid="schedule-channel"
          >
            {REPORT_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </Select>
        </Label>
        {form.channel === 'email' ? (
          <>
            <Label htmlFor={id('to')}>
              Recipients (comma-separated)
              <Input
                id={id('to')}
                placeholder="finance@example.com, ops@example.com"
                value={form.recipients}
                onChange={(e) => set({ recipients: e.target.value })}
                data-testid="schedule-recipients"
              />
            </Label>
            <fieldset>
              <legend className="text-caption font-medium text-fg-2">Attachments</legend>
              <div className="mt-1 flex gap-4">
                {REPORT_FORMATS.map((fmt) => (
                  <label key={fmt} className="flex items-center gap-2 text-body text-fg">
                    <input
                      type="checkbox"
                      checked={form.formats.includes(fmt)}
                      onChange={(e) =>
                        set({ formats: e.target.checked ? [...form.formats, fmt] : form.formats.filter((x) => x !== fmt) })
                      }
                      data-testid={`schedule-format-${fmt}`}
                    />
                    {fmt.toUpperCase()}
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        ) : (
          <Label htmlFor={id('url')}>
            Webhook URL{schedule?.webhook_url_set ? ' (leave empty to keep the stored one)' : ''}
            <Input
              id={id('url')}
              type="url"
              placeholder={schedule?.webhook_target ? `${schedule.webhook_target}/…` : 'https://hooks.example.com/…'}
              value={form.webhookUrl}
              onChange={(e) => set({ webhookUrl: e.target.value })}
              data-testid="schedule-url"
            />
          </Label>
        )}
        <label className="flex items-center gap-2 text-body text-fg">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
            data-testid="schedule-enabled"
          />
          Enabled (sends at the scheduled time)
        </label>
        <InlineError error={error ? new Error(error) : save.error} />
      </form>
    </Dialog>
  );
}

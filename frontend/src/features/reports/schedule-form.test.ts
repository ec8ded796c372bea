import { describe, expect, it } from 'vitest';
import type { Schedule } from './report-types';
import { cadenceText, emptyForm, formOf, periodText, scheduleBody } from './schedule-form';

const stored: Schedule = {
  id: 's1',
  name: 'Hook',
  kind: 'weekly_reconciliation',
  channel: 'webhook',
  recipients: [],
  webhook_url_set: true,
  webhook_target: 'https://hooks.example.com',
  formats: ['csv'],
  send_at: '06:30',
  timezone: 'Europe/London',
  weekday: 0,
  enabled: true,
  next_run_at: null,
  last_delivery: null,
  created_by: 'a@x.test',
  created_at: '2026-12-01T00:00:00Z',
};

describe('scheduleBody', () => {
  it('splits and checks the recipients', () => {
    const f = { ...emptyForm(), name: ' Daily ', recipients: 'a@x.test, b@y.test;c@z.test' };
    const { body, error } = scheduleBody(f);
    expect(error).toBeNull();
    expect(body).toMatchObject({
      name: 'Daily',
      kind: 'daily_summary',
      recipients: ['a@x.test', 'b@y.test', 'c@z.test'],
      weekday: null,
    });
    expect(scheduleBody({ ...f, recipients: 'a@x.test, nope' }).error).toBe('“nope” is not an e-mail address.');
    expect(scheduleBody({ ...f, recipients: '' }).error).toBe('Add at least one e-mail address.');
  });

  it('needs a name, a valid time and a webhook URL for a new webhook schedule', () => {
    const f = { ...emptyForm(), name: 'x', channel: 'webhook' as const };
    expect(scheduleBody({ ...f, name: ' ' }).error).toBe('Give the schedule a name.');
    expect(scheduleBody({ ...f, sendAt: '24:00' }).error).toBe('The time is HH:MM, 00:00 to 23:59.');
    expect(scheduleBody(f).error).toBe('A webhook schedule needs a URL.');
    expect(scheduleBody({ ...f, webhookUrl: 'ftp://x.test' }).error).toBe('The webhook URL must be http(s).');
    expect(scheduleBody({ ...f, webhookUrl: 'https://h.test/a' }).body).toMatchObject({
      webhook_url: 'https://h.test/a',
      recipients: [],
    });
  });

  it('keeps the stored webhook URL and never sends the kind when editing', () => {
    const { body, error } = scheduleBody({ ...formOf(stored), weekday: 4 }, stored);
    expect(error).toBeNull();
    expect(body).not.toHaveProperty('kind');
    expect(body).not.toHaveProperty('webhook_url');
    expect(body).toMatchObject({ weekday: 4, send_at: '06:30', timezone: 'Europe/London' });
  });
});

describe('labels', () => {
  it('says when and which days', () => {
    expect(cadenceText(stored)).toBe('Mondays at 06:30 (Europe/London)');
    expect(cadenceText({ ...stored, kind: 'daily_summary', weekday: null })).toBe('Daily at 06:30 (Europe/London)');
    expect(periodText({ period_from: '2026-12-05', period_to: '2026-12-05' })).toBe('2026-12-05');
    expect(periodText({ period_from: '2026-11-29', period_to: '2026-12-05' })).toBe('2026-11-29 – 2026-12-05');
  });
});

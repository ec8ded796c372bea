import { describe, expect, it } from 'vitest';
import type { Alert } from './alert-types';
import { alertsQuery } from './alerts-api';
import {
  alertFiltersToSearch,
  alertSubject,
  alertsWhyNot,
  bellLabel,
  compareDecimal,
  evidenceLinks,
  formatAlertValue,
  formatWhen,
  paramsSummary,
  parseAlertFilters,
  scopeText,
  validateCooldown,
  validateParams,
} from './labels';

describe('evidence links', () => {
  it('turns the evidence into links to the filtered transactions, the sync run, the day and the screenshot', () => {
    const links = evidenceLinks({
      evidence: {
        transactions: {
          from: '2026-12-04T08:00:00Z',
          to: '2026-12-05T00:00:00Z',
          project: '91game',
          source: 'payshack',
          status: 'failed',
        },
        sync_run_id: '6f1c7c1e-0000-4000-8000-000000000001',
        source: 'payshack',
        recon_date: '2026-12-03',
        screenshot_url: '/api/v1/alerts/a1/screenshot',
      },
    });
    expect(links.map((l) => l.key)).toEqual(['transactions', 'sync', 'reconciliation', 'screenshot']);
    // An end at midnight is exclusive: the last day is the 4th, not the 5th.
    expect(links[0]!.href).toBe(
      '/transactions/?source=payshack&project=91game&status=failed&from_date=2026-12-04&to_date=2026-12-04',
    );
    expect(links[1]!.href).toBe('/sync/?run=6f1c7c1e-0000-4000-8000-000000000001&source=payshack');
    expect(links[2]!.href).toBe('/reconciliation/?date=2026-12-03');
    expect(links[3]).toMatchObject({ href: '/api/v1/alerts/a1/screenshot', external: true });
  });

  it('has no links when the alert carries no evidence (an older backend)', () => {
    expect(evidenceLinks({ evidence: null })).toEqual([]);
    expect(evidenceLinks({} as Pick<Alert, 'evidence'>)).toEqual([]);
    expect(evidenceLinks({ evidence: { transactions: null, sync_run_id: null, source: null, recon_date: null } })).toEqual([]);
  });
});

describe('rule parameters', () => {
  it('keeps decimals as the exact text and whole numbers as integers', () => {
    const r = validateParams('success_rate_low', { threshold_pct: '85.25', window_minutes: '60', min_volume: '20' });
    expect(r.errors).toEqual({});
    expect(r.params).toEqual({ threshold_pct: '85.25', window_minutes: 60, min_volume: 20 });
  });

  it('refuses what is not a number, a fraction where a whole number is needed, and out-of-range values', () => {
    const r = validateParams('success_rate_low', { threshold_pct: '101', window_minutes: '1.5', min_volume: 'abc' });
    expect(r.errors.threshold_pct).toBe('Must be more than 0 and at most 100.');
    expect(r.errors.window_minutes).toBe('A whole number, please.');
    expect(r.errors.min_volume).toBe('A whole number, please.');
    expect(validateParams('recon_money_at_risk', { amount: '' }).errors.amount).toBe('Required.');
    expect(validateParams('failures_spike', { factor: '0', min_failed: '3' }).errors.factor).toBe('Must be more than 0.');
    expect(validateParams('failures_spike', { factor: '0.5', min_failed: '3' }).errors).toEqual({});
    expect(validateParams('success_rate_low', { threshold_pct: '0', window_minutes: '4', min_volume: '1' }).errors).toEqual({
      threshold_pct: 'Must be more than 0 and at most 100.',
      window_minutes: 'Must be between 5 and 1440.',
    });
    expect(validateParams('recon_money_at_risk', { amount: '1.23456' }).errors.amount).toMatch(/at most 4 decimals/);
    expect(validateParams('recon_money_at_risk', { amount: '12345678901234567.89' }).params.amount).toBe('12345678901234567.89');
  });

  it('checks the cooldown', () => {
    expect(validateCooldown('30')).toBeNull();
    expect(validateCooldown('-1')).toMatch(/whole number/);
    expect(validateCooldown('99999')).toMatch(/at most/i);
  });

  it('compares decimals without floats', () => {
    expect(compareDecimal('100.0', '100')).toBe(0);
    expect(compareDecimal('99.99', '100')).toBe(-1);
    expect(compareDecimal('0100.5', '100.25')).toBe(1);
  });

  it('summarises thresholds in words', () => {
    expect(paramsSummary('success_rate_low', { threshold_pct: '85', window_minutes: 60, min_volume: 20 })).toBe(
      'Success rate below 85 % · Over the last 60 min · Minimum pay-ins 20 pay-ins',
    );
    expect(paramsSummary('recon_money_at_risk', { amount: '400000.00' })).toBe('Money at risk above ₹4,00,000');
    expect(paramsSummary('recon_not_reconciled', { by_hour: 6 })).toBe('Not reconciled by 06:00');
    expect(paramsSummary('browser_source_problem', {})).toBe('No thresholds');
  });
});

describe('alert text', () => {
  it('writes values in their unit, times with the zone, scope in words', () => {
    expect(formatAlertValue('success_rate_low', '71.20')).toBe('71.2 %');
    expect(formatAlertValue('recon_money_at_risk', '412345.5')).toBe('₹4,12,345.50');
    expect(formatAlertValue('failures_spike', null)).toBe('—');
    expect(formatWhen('2026-12-04T03:42:00Z', 'Asia/Kolkata')).toBe('04 Dec 2026, 09:12 IST');
    expect(formatWhen(null, 'UTC')).toBe('—');
    expect(scopeText({ type: 'source', value: 'payshack' })).toBe('PayShack');
    expect(scopeText({ type: 'project', value: '91game' })).toBe('91game');
    expect(scopeText({ type: 'all', value: null })).toBe('All');
    const all = { type: 'all' as const, value: null };
    expect(alertSubject({ scope: all, evidence: { source: 'vima', sync_run_id: 'r' } })).toBe('Vima');
    expect(
      alertSubject({ scope: all, evidence: { transactions: { from: '', to: '', project: '91game', source: 'payshack' } } }),
    ).toBe('91game · PayShack');
    expect(alertSubject({ scope: { type: 'project', value: 'monetix' }, evidence: null })).toBe('monetix');
    expect(alertSubject({ scope: all, evidence: null })).toBe('All');
  });

  it('names the bell for screen readers', () => {
    expect(bellLabel(2)).toBe('Alerts: 2 firing');
    expect(bellLabel(0)).toBe('Alerts: none firing');
  });

  it('explains who may acknowledge and edit', () => {
    expect(alertsWhyNot('viewer', 'acknowledge')).toBe('Analysts and admins can acknowledge alerts.');
    expect(alertsWhyNot('analyst', 'acknowledge')).toBeNull();
    expect(alertsWhyNot('analyst', 'edit')).toBe('Only admins can edit alert rules and channels.');
    expect(alertsWhyNot('admin', 'edit')).toBeNull();
  });
});

describe('alert centre filters ⇄ URL', () => {
  it('round-trips the tab and filters and drops unknown values', () => {
    const sp = new URLSearchParams('tab=history&kind=sync_unhealthy&project=91game&source=vima&acknowledged=false&page=2');
    const f = parseAlertFilters(sp);
    expect(f).toEqual({
      state: 'history',
      kind: 'sync_unhealthy',
      source: 'vima',
      project: '91game',
      acknowledged: 'false',
      page: 2,
    });
    expect(alertFiltersToSearch(f).toString()).toBe(sp.toString());
    expect(parseAlertFilters(new URLSearchParams('kind=nope&source=x&acknowledged=maybe&page=-1'))).toEqual({
      state: 'firing',
      kind: undefined,
      source: undefined,
      project: undefined,
      acknowledged: undefined,
      page: 1,
    });
    expect(alertFiltersToSearch({ state: 'firing', page: 1 }).toString()).toBe('');
  });

  it('asks the API for firing or resolved alerts', () => {
    expect(alertsQuery({ state: 'firing', page: 1 })).toMatchObject({ state: 'firing', page: 1, limit: 20 });
    expect(alertsQuery({ state: 'history', page: 3, acknowledged: 'true' })).toMatchObject({
      state: 'resolved',
      acknowledged: 'true',
    });
  });
});

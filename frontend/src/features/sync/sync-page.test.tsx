// @vitest-environment jsdom
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SourceStatus, SyncRun } from '@/lib/api/types';
import { formatDateTime } from '@/lib/dates';
import { RunRow } from './runs-table';
import { SourceCardView } from './source-card';

const NOW = new Date('2026-03-02T12:00:00Z');

function render(el: ReactElement): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(el);
  return root;
}
function byTestId(root: HTMLElement, id: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no [data-testid=${id}] in ${root.innerHTML}`);
  return el;
}

const INCOMPLETE_MESSAGE =
  'INCOMPLETE: 2026-03-02T11:00:00Z..: the provider states 6,098 rows, the walk accounted for 301 (ended: empty-page, 2 attempts). The watermark was kept; the next run reads it again.';

function payshack(over: Partial<SourceStatus> = {}): SourceStatus {
  return {
    source: 'payshack',
    status: 'incomplete',
    last_sync_at: '2026-03-02T11:55:00Z',
    last_successful_sync: '2026-03-02T11:15:00Z',
    records_synced: 8210,
    next_sync_at: '2026-03-02T12:05:00Z',
    error_message: INCOMPLETE_MESSAGE,
    last_cursor: null,
    configured: true,
    sandbox: false,
    newest_record_at: '2026-03-02T11:50:00Z',
    last_run: { status: 'incomplete', rows_read: 301, rows_expected: 6098 },
    ...over,
  };
}

describe('source card', () => {
  it('shows an incomplete source as a warning with both numbers and the error', () => {
    const root = render(<SourceCardView s={payshack()} tz="UTC" now={NOW} />);
    const state = byTestId(root, 'sync-state-payshack');
    expect(state.textContent).toBe('incomplete');
    expect(state.className).toContain('text-pending');
    expect(root.textContent).not.toContain('healthy');
    const note = byTestId(root, 'sync-completeness-payshack');
    expect(note.getAttribute('role')).toBe('status');
    expect(note.textContent).toBe('Last run read 301 of 6,098 pay-ins the provider reports — data may be missing.');
    const error = byTestId(root, 'sync-error-payshack');
    expect(error.textContent).toBe(INCOMPLETE_MESSAGE);
    expect(error.className).not.toContain('text-failed');
  });

  it('says the provider stated no total when expected is null', () => {
    const root = render(
      <SourceCardView
        s={payshack({ last_run: { status: 'incomplete', rows_read: 301, rows_expected: null } })}
        tz="UTC"
        now={NOW}
      />,
    );
    expect(byTestId(root, 'sync-completeness-payshack').textContent).toBe(
      'Last run read 301 pay-ins, but the provider stated no total, so completeness could not be shown — data may be missing.',
    );
  });

  it('shows the newest record relative, with the exact time on hover, beside last success', () => {
    const root = render(<SourceCardView s={payshack()} tz="UTC" now={NOW} />);
    const newest = byTestId(root, 'sync-newest-payshack');
    expect(newest.textContent).toBe('10 min ago');
    expect(newest.getAttribute('title')).toBe(formatDateTime('2026-03-02T11:50:00Z', 'UTC'));
    expect(newest.previousElementSibling?.textContent).toBe('Newest record');
    const labels = [...root.querySelectorAll('dt')].map((d) => d.textContent);
    expect(labels.slice(0, 2)).toEqual(['Last success', 'Newest record']);
    const none = render(<SourceCardView s={payshack({ newest_record_at: null })} tz="UTC" now={NOW} />);
    expect(byTestId(none, 'sync-newest-payshack').textContent).toBe('—');
  });

  it('keeps a healthy source green and confirms a complete read', () => {
    const root = render(
      <SourceCardView
        s={payshack({
          status: 'idle',
          error_message: null,
          last_run: { status: 'success', rows_read: 6098, rows_expected: 6098 },
        })}
        tz="UTC"
        now={NOW}
      />,
    );
    expect(byTestId(root, 'sync-state-payshack').textContent).toBe('healthy');
    const note = byTestId(root, 'sync-completeness-payshack');
    expect(note.getAttribute('role')).toBeNull();
    expect(note.textContent).toBe('Last run read all 6,098 pay-ins the provider reports.');
  });
});

function run(over: Partial<SyncRun>): SyncRun {
  return {
    id: 'r1',
    source: 'payshack',
    kind: 'incremental',
    started_at: '2026-03-02T11:55:00Z',
    finished_at: '2026-03-02T11:56:00Z',
    status: 'success',
    fetched: 6098,
    inserted: 10,
    updated: 2,
    unchanged: 6086,
    quarantined: 0,
    pages: 61,
    unknown_statuses: 0,
    params: {},
    duration_ms: 60_000,
    error: null,
    rows_read: 6098,
    rows_expected: 6098,
    completeness: [],
    ...over,
  };
}
function renderRow(r: SyncRun): HTMLElement {
  return render(
    <table>
      <tbody>
        <RunRow r={r} tz="UTC" />
      </tbody>
    </table>,
  );
}

describe('run history row', () => {
  it('shows read / expected of a complete run plainly', () => {
    const cell = byTestId(renderRow(run({})), 'sync-run-read');
    expect(cell.textContent).toBe('6,098 / 6,098');
    expect(cell.dataset.short).toBeUndefined();
    expect(cell.className).not.toContain('text-pending');
  });

  it('gives an incomplete run an amber badge and highlights its short read', () => {
    const root = renderRow(
      run({
        status: 'incomplete',
        rows_read: 301,
        error: INCOMPLETE_MESSAGE,
        completeness: [
          {
            window: '2026-03-02T11:00:00Z..',
            unit: 'rows',
            expected: 6098,
            read: 301,
            rows_read: 301,
            ending: 'empty-page',
            attempts: 2,
            complete: false,
          },
        ],
      }),
    );
    const row = byTestId(root, 'sync-run-row');
    expect(row.dataset.status).toBe('incomplete');
    const badge = [...row.querySelectorAll('span')].find((s) => s.textContent === 'incomplete');
    expect(badge?.className).toContain('text-pending');
    const cell = byTestId(root, 'sync-run-read');
    expect(cell.textContent).toBe('301 / 6,098');
    expect(cell.dataset.short).toBe('true');
    expect(cell.className).toContain('text-pending');
    expect(cell.getAttribute('title')).toContain('the provider states 6,098 rows, accounted for 301');
  });

  it('labels the daily re-read and the re-fetch, and leaves the incremental sync unlabelled', () => {
    expect(byTestId(renderRow(run({ kind: 'reread' })), 'sync-run-kind').textContent).toBe('daily re-read');
    expect(byTestId(renderRow(run({ kind: 'refetch' })), 'sync-run-kind').textContent).toBe('re-fetch');
    expect(renderRow(run({ kind: 'incremental' })).querySelector('[data-testid="sync-run-kind"]')).toBeNull();
  });

  it('shows a dash for a run without numbers', () => {
    const cell = byTestId(renderRow(run({ source: 'vima', rows_read: null, rows_expected: null })), 'sync-run-read');
    expect(cell.textContent).toBe('—');
    expect(cell.getAttribute('title')).toBeNull();
  });
});

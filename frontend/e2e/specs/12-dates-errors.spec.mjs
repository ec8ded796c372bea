/**
 * Dates read and typed as "04 Dec 2026" everywhere; errors shown at once with "Retry"
 * (only a network error is retried, visibly); a freshness badge that never says
 * "Never synced" while figures are on screen.
 *
 * Failures the demo backend cannot produce on demand (a 503, a dropped connection, a slow
 * status answer) are injected at the browser's network layer with page.route; everything
 * else talks to the real backend.
 */
import { assert, assertEqual, config, daysAgo } from '../harness.mjs';

const DATE_ONLY = /^\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$/;
const DATE_TIME = /^\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d{2}:\d{2}(:\d{2})?$/;

export const specs = [
  {
    name: 'dates read "04 Dec 2026" and date fields take "4/12/2026" day first',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/transactions/`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      // The column found by its header, not its position (columns get added).
      const headers = await page.locator('thead th').evaluateAll((els) => els.map((e) => e.textContent.trim()));
      const column = headers.findIndex((h) => h.startsWith('Created')) + 1;
      assert(column > 0, `a Created column among ${headers.join(', ')}`);
      const created = await page
        .locator(`[data-testid=tx-row] td:nth-child(${column}) span`)
        .evaluateAll((els) => els.map((e) => e.textContent.trim()));
      assert(created.length > 0, 'rows have a created time');
      for (const c of created) assert(DATE_TIME.test(c), `created reads "04 Dec 2026, 10:00:00": ${c}`);

      const from = page.locator('[data-testid=tx-from]');
      await from.fill('4/12/2026');
      await page.waitForURL((u) => u.searchParams.get('from_date') === '2026-12-04');
      await from.blur();
      assertEqual(await from.inputValue(), '04 Dec 2026', 'the typed date is written back as 04 Dec 2026');

      const to = page.locator('[data-testid=tx-to]');
      await to.fill('2026-12-31');
      await page.waitForURL((u) => u.searchParams.get('to_date') === '2026-12-31');
      await to.blur();
      assertEqual(await to.inputValue(), '31 Dec 2026', 'ISO typed, 31 Dec 2026 shown');

      // 12/13/2026 is no date day-first: flagged, nothing applied, the old value comes back on Escape.
      await from.fill('12/13/2026');
      await from.blur();
      assertEqual(await from.getAttribute('aria-invalid'), 'true', 'an impossible date is flagged');
      await page.getByRole('alert').filter({ hasText: 'Write it as 04 Dec 2026' }).waitFor();
      assert(new URL(page.url()).searchParams.get('from_date') === '2026-12-04', 'the filter kept its date');
      await from.focus();
      await page.keyboard.press('Escape');
      assertEqual(await from.inputValue(), '04 Dec 2026', 'Escape puts the last good date back');

      // A "From" after "To" is out of range: flagged, not applied.
      await from.fill('05 Jan 2027');
      await from.blur();
      assertEqual(await from.getAttribute('aria-invalid'), 'true', 'a From after To is flagged');
      assert(new URL(page.url()).searchParams.get('from_date') === '2026-12-04', 'still the last good date');
      await kit.shot(page, 'date-fields');

      // The reconciliation date and the overview's custom range are the same field.
      const day = daysAgo(1);
      await page.goto(`${config.baseUrl}/reconciliation/?date=${day}`);
      const recon = page.locator('[data-testid=recon-date]');
      await recon.waitFor();
      assert(DATE_ONLY.test(await recon.inputValue()), `recon date reads 04 Dec 2026: ${await recon.inputValue()}`);
      await page.goto(`${config.baseUrl}/?period=custom&from=2026-09-04&to=2026-09-05`);
      const overviewFrom = page.locator('[data-testid=overview-from]');
      await overviewFrom.waitFor();
      assertEqual(await overviewFrom.inputValue(), '04 Sep 2026', 'September is "Sep", never "Sept"');
    },
  },
  {
    name: 'a server error shows at once with Retry; a network error retries visibly',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      let listCalls = 0;
      let fail = 'http';
      const urls = [];
      await page.route('**/api/v1/transactions?**', async (route) => {
        // The table's own list (50 rows); other widgets may ask for a few rows too.
        if (new URL(route.request().url()).searchParams.get('limit') === '50') listCalls += 1;
        urls.push(route.request().url().replace(config.baseUrl, ''));
        if (fail === 'http')
          return route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is restarting' } }),
          });
        if (fail === 'network') return route.abort('connectionrefused');
        return route.continue();
      });
      const started = Date.now();
      await page.goto(`${config.baseUrl}/transactions/`);
      const alert = page.getByRole('alert').filter({ hasText: 'Could not load transactions' });
      await alert.waitFor({ timeout: 5_000 });
      // Counted when the error first shows (later, a live-update invalidation may ask again).
      const callsWhenShown = listCalls;
      const tookMs = Date.now() - started;
      assert(tookMs < 5_000, `the error showed after ${tookMs} ms`);
      assert((await alert.textContent()).includes('The database is restarting'), 'the server message is shown');
      assertEqual(callsWhenShown, 1, `an HTTP error is not retried behind a skeleton (${urls.join(' ')})`);
      await kit.shot(page, 'http-error');

      // A dropped connection: "retrying" shows while the client tries again with back-off.
      fail = 'network';
      await alert.getByRole('button', { name: 'Retry' }).click();
      await page.locator('[data-testid=retrying]').waitFor();
      await kit.shot(page, 'retrying');
      // Then the connection comes back and the rows show, without a click.
      fail = 'none';
      await page.locator('[data-testid=tx-row]').first().waitFor({ timeout: 15_000 });
      assert(listCalls >= 3, `retried the network error (${listCalls} calls)`);
    },
  },
  {
    name: 'the freshness badge never says "Never synced" while figures are on screen',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      let release;
      const held = new Promise((r) => (release = r));
      let neverForPayshack = false;
      await page.route('**/api/v1/sync/status', async (route) => {
        await held;
        const res = await route.fetch();
        const body = await res.json();
        if (neverForPayshack)
          for (const s of body.data.sources)
            if (s.source === 'payshack') Object.assign(s, { last_successful_sync: null, last_sync_at: null });
        await route.fulfill({ response: res, json: body });
      });
      await page.goto(`${config.baseUrl}/`);
      await page.locator('[data-testid=freshness-pending]').waitFor();
      const text = await page.locator('main').textContent();
      assert(!/never synced/i.test(text), 'nothing claims "never synced" while the status is unknown');
      release();
      const badge = page.locator('[data-testid=freshness-badge]');
      await badge.waitFor();
      assert(/^Data as of /.test((await badge.textContent()).trim()), `badge: ${await badge.textContent()}`);

      // One source never synced while the other has: the figures are still dated, amber.
      neverForPayshack = true;
      await page.reload();
      await badge.waitFor();
      const t = (await badge.textContent()).trim();
      assert(/^Data as of .* PayShack never synced/.test(t), `badge names the missing source: ${t}`);
      assert(!(await badge.getAttribute('class')).includes('text-failed'), 'not red');
      await kit.shot(page, 'freshness');
    },
  },
];

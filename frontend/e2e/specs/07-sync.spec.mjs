import { execSync } from 'node:child_process';
import { assert, assertEqual, config, daysAgo, poll } from '../harness.mjs';

const SOURCE = process.env.E2E_FAILING_SOURCE || 'payshack';

export const specs = [
  {
    name: 'a backfill shows each day while it runs, one per source at a time, and its dates in the history',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/sync/`);
      await page.locator('[data-testid=backfill-form]').waitFor();
      await page.selectOption('[data-testid=backfill-source]', 'vima');
      // 30 days (the case): long enough to watch it run, day by day.
      const from = daysAgo(30);
      const fromInput = page.locator('[data-testid=backfill-form] input[aria-label="From"]');
      await fromInput.fill(from);
      await fromInput.press('Tab');
      await page.click('[data-testid=backfill-start]');
      const progress = page.locator('[data-testid=backfill-progress]');
      await progress.waitFor();
      const backfill = await poll(
        async () =>
          (await kit.apiGet(ctx, '/sync/backfills', { limit: 5 })).data.find((b) => b.source === 'vima' && b.from_date === from),
        'GET /sync/backfills lists the new backfill',
      );
      assertEqual(backfill.days_total, 30, 'a 30-day backfill');

      // While it is pending or running: the button says why it is disabled, and the API refuses a second one.
      const start = page.locator('[data-testid=backfill-start][aria-disabled=true]');
      await start.waitFor();
      assert(
        (await start.getAttribute('data-disabled-reason')).includes('one per source at a time'),
        'the reason is on the button',
      );
      await page.locator('[data-testid=backfill-reason]', { hasText: 'one per source at a time' }).waitFor();
      // Each day is listed while it runs (not "0 fetched" and then done).
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=backfill-shard]').length === 30, null, {
        timeout: 30_000,
        polling: 250,
      });
      await kit.shot(page, 'backfill-running');
      const me = (await kit.apiGet(ctx, '/auth/me')).data;
      const again = await ctx.request.post(`${config.baseUrl}/api/v1/sync/backfill`, {
        data: { source: 'vima', from_date: backfill.from_date, to_date: backfill.to_date },
        headers: { 'X-CSRF-Token': me.csrf_token },
      });
      const stillActive = ['pending', 'running'].includes((await kit.apiGet(ctx, `/sync/backfills/${backfill.id}`)).data.status);
      if (stillActive) assertEqual(again.status(), 409, 'a second backfill of the same source while one runs');

      // Every day of the range has its own line once the backend reports shards.
      const done = await poll(
        async () => {
          const b = (await kit.apiGet(ctx, `/sync/backfills/${backfill.id}`)).data;
          return ['pending', 'running'].includes(b.status) ? null : b;
        },
        'the backfill finishes',
        180_000,
      );
      await page.waitForFunction(
        () => !['pending', 'running'].includes(document.querySelector('[data-testid=backfill-status]')?.textContent ?? 'pending'),
        null,
        { timeout: 30_000, polling: 500 },
      );
      const text = await progress.locator('[data-testid=backfill-days]').textContent();
      assert(text.includes(`${done.days_done} of ${done.days_total} days`), `days done on screen (${text})`);
      if (Array.isArray(done.shards)) {
        assertEqual(await progress.locator('[data-testid=backfill-shard]').count(), done.shards.length, 'one line per day');
        const firstShard = done.shards[0];
        const line = progress.locator(`[data-testid=backfill-shard][data-date="${firstShard.date}"]`);
        assert(
          (await line.textContent()).includes(`${firstShard.fetched.toLocaleString('en-IN')} fetched`),
          "the day's fetched count",
        );
      }
      // Start is usable again once the backfill is over.
      await page.waitForFunction(() => !document.querySelector('[data-testid=backfill-start][aria-disabled=true]'), null, {
        timeout: 30_000,
      });
      await kit.shot(page, 'backfill-done');

      // The run history names the days a backfill run loaded.
      const runs = (await kit.apiGet(ctx, '/sync/runs', { kind: 'backfill', limit: 5 })).data;
      if (runs.some((r) => r.from_date || r.params?.from_date)) {
        await page.selectOption('[aria-label="Run kind"]', 'backfill');
        await page.locator('[data-testid=sync-run-range]').first().waitFor();
        const range = await page.locator('[data-testid=sync-run-range]').first().textContent();
        assert(/\d{2} [A-Z][a-z]{2} \d{4}/.test(range), `a backfill run shows its dates (${range})`);
      }
    },
  },
  {
    name: 'quarantine filters by source and reason, kept in the URL',
    async run(kit) {
      const { page, ctx } = await kit.signIn('viewer');
      const all = await kit.apiGet(ctx, '/sync/quarantine', { limit: 100 });
      assert(all.data.length > 0, 'the sandbox world quarantines some records');
      const sample = all.data[0];
      await page.goto(`${config.baseUrl}/sync/`);
      await page.locator('[data-testid=quarantine-row]').first().waitFor();

      await page.selectOption('[data-testid=quarantine-source]', sample.source);
      await page.waitForURL((u) => u.searchParams.get('quarantine_source') === sample.source);
      await page
        .locator('[data-testid=quarantine-reason] option', { hasText: sample.reason })
        .first()
        .waitFor({ state: 'attached' });
      await page.selectOption('[data-testid=quarantine-reason]', sample.reason);
      await page.waitForURL((u) => u.searchParams.get('quarantine_reason') === sample.reason);
      await page.waitForFunction((reason) => {
        const rows = [...document.querySelectorAll('[data-testid=quarantine-row]')];
        return rows.length > 0 && rows.every((r) => r.getAttribute('data-reason') === reason);
      }, sample.reason);
      const expected = (await kit.apiGet(ctx, '/sync/quarantine', { source: sample.source, reason: sample.reason, limit: 100 }))
        .data;
      assertEqual(
        await page.locator('[data-testid=quarantine-row]').count(),
        Math.min(expected.length, 20),
        "rows = the API's filtered list",
      );
      // The link carries the filters: a reload keeps them.
      await page.reload();
      await page.locator('[data-testid=quarantine-row]').first().waitFor();
      assertEqual(await page.locator('[data-testid=quarantine-source]').inputValue(), sample.source, 'source kept');
      assertEqual(await page.locator('[data-testid=quarantine-reason]').inputValue(), sample.reason, 'reason kept');
      await kit.shot(page, 'quarantine-filtered');
    },
  },
  {
    name: 'the sync page shows an injected failure',
    async run(kit) {
      // The harness owner injects the failure (e.g. makes the sandbox answer 502) with this command.
      if (process.env.E2E_INJECT_FAILURE_CMD) execSync(process.env.E2E_INJECT_FAILURE_CMD, { stdio: 'inherit' });
      const { page, ctx } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/sync/`);
      const card = page.locator(`[data-testid=sync-card-${SOURCE}]`);
      await card.waitFor();
      await page.click(`[data-testid=sync-now-${SOURCE}]`);
      // The run just triggered may still be going: wait until the API reports the failure.
      const status = await poll(
        async () => {
          const s = (await kit.apiGet(ctx, '/sync/status')).data.sources.find((x) => x.source === SOURCE);
          return s?.status === 'failed' && s.error_message ? s : null;
        },
        `GET /sync/status reports ${SOURCE} failed with an error message`,
        120_000,
      );
      // The page (live updates / refetch) shows the same state and error.
      await page.waitForFunction(
        (src) => document.querySelector(`[data-testid=sync-state-${src}]`)?.textContent?.includes('failed'),
        SOURCE,
        { timeout: 60_000, polling: 1000 },
      );
      const code = status.error_message.split(/[\s:]/)[0];
      await page.waitForFunction(
        ([src, text]) => document.querySelector(`[data-testid=sync-error-${src}]`)?.textContent?.includes(text),
        [SOURCE, code],
        { timeout: 60_000, polling: 1000 },
      );
      const error = (await page.locator(`[data-testid=sync-error-${SOURCE}]`).textContent()).trim();
      assert(error && error !== 'None', 'the card shows the last error');
      await page.locator('[data-testid=sync-run-row][data-status=failed]').first().waitFor({ timeout: 60_000 });
      await kit.shot(page, 'failure');
      // The provider heals, so later specs (clients, re-fetch) talk to a working PayShack.
      const admin = (process.env.E2E_SANDBOX_ADMIN || '').replace(/\/$/, '');
      if (admin) {
        const healed = await ctx.request.fetch(`${admin}/faults/${SOURCE}`, { method: 'PUT', data: { share_5xx: 0 } });
        assert(healed.status() < 300, `PUT /_sandbox/faults/${SOURCE} → ${healed.status()}`);
      }
    },
  },
];

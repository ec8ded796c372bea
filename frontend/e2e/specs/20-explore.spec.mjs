/**
 * Explore end to end: the page's table and totals are the API's figures for the same
 * period and dimensions (whichever engine answered, the badge names it); grouping by
 * another dimension refetches; the CSV download holds the same exact totals; the sync
 * page shows the analytics mirror card. Screenshots in the dark and light theme; axe
 * (WCAG 2.1 AA) over the page in both.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { assert, assertEqual, config, daysAgo, digits, moneyDigits, parseCsv, poll } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

async function setTheme(page, theme) {
  const isDark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
  if (isDark !== (theme === 'dark')) {
    await page.click(`button[aria-label="Switch to ${theme} theme"]`);
    await page.waitForFunction((t) => document.documentElement.classList.contains('dark') === (t === 'dark'), theme);
  }
}

async function shot(kit, page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return kit.shot(page, name);
}

async function axeViolations(page, where) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE_PATH });
  // The theme switch animates colours: judge contrast once the transitions have ended.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => `${where}: ${v.id} × ${v.nodes.length} (${v.help}) → ${v.nodes[0]?.target.join(' ')}`);
}

/** The table as the page shows it: the total count's digits and amount's digits, and the rows. */
async function shown(page) {
  await page.locator('[data-testid=explore-total-count]').waitFor();
  return {
    count: digits(await page.locator('[data-testid=explore-total-count]').textContent()),
    amount: digits(await page.locator('[data-testid=explore-total-amount]').textContent()),
    rows: await page.locator('[data-testid=explore-row]').count(),
    engine: (await page.locator('[data-testid=explore-engine-badge]').textContent()).trim(),
  };
}

export const specs = [
  {
    name: 'the Explore page shows the API figures, regroups, exports them, and the sync page shows the mirror',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst', { bypassCSP: true }); // axe is injected inline
      const query = { from_date: daysAgo(29), to_date: daysAgo(0), timezone: 'UTC' };
      // With CLICKHOUSE_EMBEDDED the worker feeds the mirror: wait until it has caught up once.
      const mirror = await poll(async () => {
        const m = (await kit.apiGet(ctx, '/analytics/mirror')).data;
        return !m.configured || (m.caught_up_at && m.pending_rows === 0) ? m : null;
      }, 'the mirror caught up');

      await page.goto(`${config.baseUrl}/explore/`);
      const api = (await kit.apiGet(ctx, '/analytics/breakdown', { ...query, dimensions: 'project,status' })).data;
      assert(api.totals.count > 0, 'the demo world has transactions in the last 30 days');
      if (mirror.configured) assertEqual(api.engine, 'clickhouse', 'a caught-up mirror answers');
      let ui = await shown(page);
      assertEqual(ui.count, digits(api.totals.count), 'total count');
      assertEqual(ui.amount, moneyDigits(api.totals.amount), 'total amount');
      assertEqual(ui.rows, api.rows.length, 'one table row per group');
      assertEqual(ui.engine, api.engine === 'clickhouse' ? 'ClickHouse' : 'PostgreSQL', 'the engine badge');
      const first = page.locator('[data-testid=explore-row]').first();
      assert((await first.textContent()).includes(String(api.rows[0].keys.project ?? '(none)')), 'biggest group first');

      // Another dimension: the same totals, more groups.
      await page.click('[data-testid=dim-source]');
      const bySource = (await kit.apiGet(ctx, '/analytics/breakdown', { ...query, dimensions: 'project,status,source' })).data;
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=explore-row]').length === n,
        bySource.rows.length,
      );
      ui = await shown(page);
      assertEqual(ui.amount, moneyDigits(bySource.totals.amount), 'totals do not move with the grouping');
      assertEqual(bySource.totals.amount, api.totals.amount, 'API totals the same whatever the grouping');

      // The CSV: the API's exact totals on its last line.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=explore-csv]')]);
      const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
      const total = csv.filter((r) => r.length > 1).at(-1);
      assertEqual(total[0], 'Total', 'the total line');
      assertEqual(total.at(-4), String(bySource.totals.count), 'CSV total count');
      assertEqual(total.at(-3), String(bySource.totals.amount), 'CSV total amount, exact');

      const problems = [];
      for (const theme of ['dark', 'light']) {
        await setTheme(page, theme);
        problems.push(...(await axeViolations(page, `/explore (${theme})`)));
        await shot(kit, page, `explore-${theme}`);
      }

      await page.goto(`${config.baseUrl}/sync/`);
      const card = page.locator('[data-testid=mirror-card]');
      await card.waitFor();
      const lag = (await page.locator('[data-testid=mirror-lag]').textContent()).trim();
      assert(mirror.configured ? /^Lag |Not fed yet/.test(lag) : lag === 'Off', `the mirror badge (${lag})`);
      await card.scrollIntoViewIfNeeded();
      await kit.shot(page, 'sync-mirror-card');
      assert(problems.length === 0, `axe:\n${problems.join('\n')}`);
    },
  },
];

/**
 * PayShack pay-outs end to end: the demo syncs them as their own stream; the transaction
 * list's Direction filter shows pay-outs only (each with its "Pay-out" chip), and the
 * overview's Net flow card shows exactly the figures GET /metrics/net-flow answers for the
 * page's own period. Screenshots in the dark and light theme; axe (WCAG 2.1 AA) over both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { assert, assertEqual, config, digits, moneyDigits, poll, SCREENSHOT_DIR } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const FROM = process.env.E2E_EXPORT_FROM;
const TO = process.env.E2E_EXPORT_TO;

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

/** The pay-outs the demo has synced (its pay-out stream runs beside the pay-in syncs). */
async function syncedPayouts(kit, ctx) {
  return poll(
    async () => {
      const body = await kit.apiGet(ctx, '/transactions', { direction: 'payout', limit: 1 });
      return body.meta.total > 0 ? body.meta.total : null;
    },
    'pay-outs synced by the payshack_payouts stream',
    180_000,
    2000,
  );
}

export const specs = [
  {
    name: 'the Direction filter lists pay-outs only, each with its chip',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst', { bypassCSP: true }); // axe is injected inline
      const total = await syncedPayouts(kit, ctx);
      const runs = (await kit.apiGet(ctx, '/sync/runs', { source: 'payshack_payouts', limit: 1 })).data;
      assert(runs.length === 1, 'the pay-out stream has runs on the sync page');

      await page.goto(`${config.baseUrl}/transactions/`);
      await page.locator('[data-testid=tx-direction]').waitFor();
      await page.selectOption('[data-testid=tx-direction]', 'payout');
      await page.waitForURL((u) => u.searchParams.get('direction') === 'payout');
      // The filtered page has arrived when every row carries the chip (the unfiltered list
      // holds some pay-outs too, so one chip proves nothing).
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('main tbody tr')];
        return rows.length > 0 && rows.every((r) => r.querySelector('[data-testid=payout-chip]'));
      });
      const rows = page.locator('main tbody tr');
      const shown = await rows.count();
      const chips = await page.locator('main tbody [data-testid=payout-chip]').count();
      assert(shown > 0, 'pay-out rows are listed');
      assertEqual(chips, shown, 'every listed row is a pay-out (its chip)');
      assertEqual((await page.locator('[data-testid=payout-chip]').first().textContent()).trim(), 'Pay-out', 'chip text');
      const first = (await kit.apiGet(ctx, '/transactions', { direction: 'payout', limit: 50 })).data;
      assertEqual(shown, Math.min(total, 50), 'the page shows what the API lists for the filter');
      assert(
        first.every((t) => t.direction === 'payout' && t.source === 'payshack'),
        'the API agrees: pay-outs, PayShack',
      );
      for (const theme of ['dark', 'light']) {
        await setTheme(page, theme);
        await shot(kit, page, `transactions-payouts-${theme}`);
        const violations = await axeViolations(page, `transactions (${theme})`);
        assert(violations.length === 0, violations.join('\n'));
      }
      await setTheme(page, 'dark');
    },
  },
  {
    name: 'the overview Net flow card shows the exact API figures',
    async run(kit) {
      const { page, ctx } = await kit.signIn('viewer', { bypassCSP: true });
      await syncedPayouts(kit, ctx);
      const url = FROM && TO ? `${config.baseUrl}/?period=custom&from=${FROM}&to=${TO}` : `${config.baseUrl}/?period=7d`;
      const answered = page.waitForResponse((r) => r.url().includes('/api/v1/metrics/net-flow') && r.ok());
      await page.goto(url);
      const api = (await (await answered).json()).data;
      const card = page.locator('[data-testid=net-flow-card]');
      await card.locator('[data-testid=net-flow-total]').waitFor();
      assert(api.totals.payout_count > 0, `the period holds pay-outs (${JSON.stringify(api.totals)})`);
      assertEqual(
        digits(await card.locator('[data-testid=net-flow-total]').textContent()),
        moneyDigits(String(api.totals.net_amount).replace('-', '')),
        'net total',
      );
      assertEqual(
        await card.locator('[data-testid=net-flow-total]').getAttribute('data-value'),
        String(api.totals.net_amount),
        'the net total is the API value',
      );
      assertEqual(
        digits(await card.locator('[data-testid=net-flow-payouts]').textContent()),
        moneyDigits(String(api.totals.payout_amount)),
        'pay-outs total',
      );
      assertEqual(
        digits(await card.locator('[data-testid=net-flow-payins]').textContent()),
        moneyDigits(String(api.totals.payin_amount)),
        'pay-ins total',
      );
      assertEqual(await card.locator('[data-testid=net-flow-row]').count(), api.projects.length, 'a row per project');
      for (const theme of ['dark', 'light']) {
        await setTheme(page, theme);
        await card.scrollIntoViewIfNeeded();
        await card.screenshot({ path: path.join(SCREENSHOT_DIR, `15-payouts--net-flow-card-${theme}.png`) });
        await shot(kit, page, `overview-${theme}`);
        const violations = await axeViolations(page, `overview (${theme})`);
        assert(violations.length === 0, violations.join('\n'));
      }
      await setTheme(page, 'dark');
    },
  },
];

/**
 * Re-fetch and suggested matches end to end: an analyst re-fetches a discrepancy's key from
 * the providers (the drawer shows the result and the run history the amendment), and
 * confirms a suggested match of a missing row with a note (the row reads resolved). Both
 * themes pictured; axe (WCAG 2.1 AA) over the open drawer.
 */
import { createRequire } from 'node:module';
import { assert, assertEqual, config, poll } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

async function setTheme(page, theme) {
  const isDark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
  if (isDark !== (theme === 'dark')) {
    await page.click(`button[aria-label="Switch to ${theme} theme"]`);
    await page.waitForFunction((t) => document.documentElement.classList.contains('dark') === (t === 'dark'), theme);
  }
}

async function axeViolations(page, where) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE_PATH });
  // Toasts fade in: judge the colours they end with.
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
  return result.violations.map(
    (v) =>
      `${where}: ${v.id} × ${v.nodes.length} (${v.help}) → ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

const SANDBOX = (process.env.E2E_SANDBOX_ADMIN || '').replace(/\/$/, '');
const TAG = Date.now().toString(36).toUpperCase();
const STATUS_KEY = `E2E-RF-${TAG}`; // PayShack still pending when reconciled: a status row
const NEAR_KEY = `E2E-NM-${TAG}`; // PayShack spelled it in lower case: a near-miss
let injected = null;

async function sandbox(ctx, p, data) {
  assert(SANDBOX, 'E2E_SANDBOX_ADMIN names the sandbox admin endpoint (scripts/run-e2e.sh sets it)');
  const res = await ctx.request.post(`${SANDBOX}${p}`, { data });
  const body = await res.json().catch(() => null);
  assert(res.ok(), `POST /_sandbox${p} → ${res.status()} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Hand-made payments in the sandbox (once per run of this file), synced and reconciled:
 * the day they fall on, reconciled now.
 */
async function inject(kit) {
  if (injected) return injected;
  const admin = await kit.signIn('admin');
  await sandbox(admin.ctx, '/handmade', {
    payments: [
      { key: STATUS_KEY, vima: { amount: '500.00' }, payshack: { amount: '500.00', status: 'Initiated', seconds: 20 } },
      {
        key: NEAR_KEY,
        vima: { amount: '321.00', seconds: 40 },
        payshack: { amount: '321.00', order_id: NEAR_KEY.toLowerCase(), seconds: 60 },
      },
    ],
  });
  for (const source of ['vima', 'payshack']) await kit.apiPost(admin.ctx, '/sync/trigger', { source });
  const stored = await poll(
    async () => {
      const mine = [];
      for (const key of [STATUS_KEY, NEAR_KEY, NEAR_KEY.toLowerCase()])
        mine.push(...(await kit.apiGet(admin.ctx, '/transactions', { search: key, limit: 10 })).data);
      return mine.length >= 4 ? mine : null;
    },
    'the hand-made payments synced',
    120_000,
    2000,
  );
  const day = stored[0].created_at.slice(0, 10);
  await kit.apiPost(admin.ctx, '/reconciliation/run', { date: day });
  injected = { day };
  return injected;
}

async function rowOf(kit, ctx, day, key) {
  const rows = (await kit.apiGet(ctx, '/reconciliation/discrepancies', { from_date: day, to_date: day, limit: 100 })).data;
  const row = rows.find((r) => r.client_operation_id === key);
  assert(row, `${key} is a result row of ${day}`);
  return row;
}

export const specs = [
  {
    name: 're-fetch a discrepancy: the drawer shows the outcome, the run history the amendment',
    async run(kit) {
      const { day } = await inject(kit);
      const { page, ctx } = await kit.signIn('analyst', { bypassCSP: true });
      const row = await rowOf(kit, ctx, day, STATUS_KEY);
      assertEqual(row.type, 'status', 'pending against success: a status row');
      const before = (await kit.apiGet(ctx, `/reconciliation/runs/${row.run_id}`)).data.amendment_count;

      await page.goto(`${config.baseUrl}/reconciliation/?date=${day}&open=${row.id}`);
      const drawer = page.locator('[data-testid=discrepancy-drawer]');
      await drawer.locator('[data-testid=discrepancy-refetch]').waitFor();
      await kit.shot(page, 'drawer-before-refetch-dark');
      // The provider settles the pay-in after the run: only a re-fetch can know.
      await sandbox(ctx, '/handmade/status', { key: STATUS_KEY, payshack_status: 'Success' });
      await drawer.locator('[data-testid=drawer-refetch]').click();
      const result = drawer.locator('[data-testid=refetch-result]');
      await result.waitFor({ timeout: 60_000 });
      const text = await result.textContent();
      assert(/^Changed — fetched 1 from Vima, 1 from PayShack/.test(text), `outcome shown: ${text}`);
      assert(/Now: Matched \(was Status/.test(text), `the new classification is named: ${text}`);
      await kit.shot(page, 'drawer-after-refetch-dark');
      const bad0 = await axeViolations(page, 'drawer (dark)');
      assert(bad0.length === 0, `axe: drawer after a re-fetch (dark):\n${bad0.join('\n')}`);

      const after = (await kit.apiGet(ctx, `/reconciliation/runs/${row.run_id}`)).data.amendment_count;
      assertEqual(after, before + 1, 'the run counts one more amendment');
      await page.keyboard.press('Escape');
      const listed = page.locator('[data-testid=run-amendments]');
      await listed.waitFor();
      assert((await listed.textContent()).includes(row.client_operation_id), 'the run history lists the amended key');
      await setTheme(page, 'light');
      // A full-page picture from the top (scrolled, the sticky header lands mid-page).
      await page.evaluate(() => window.scrollTo(0, 0));
      await kit.shot(page, 'run-history-amendment-light');
    },
  },
  {
    name: 'confirm a suggested match with a note: the missing row reads resolved',
    async run(kit) {
      const { day } = await inject(kit);
      const { page, ctx } = await kit.signIn('analyst', { bypassCSP: true });
      const row = await rowOf(kit, ctx, day, NEAR_KEY);
      assertEqual(row.type, 'missing_payshack', 'the keys differ by case: missing to the rules');
      // The theme first: the open drawer is modal (the header's switch is behind it).
      await page.goto(`${config.baseUrl}/reconciliation/?date=${day}`);
      await setTheme(page, 'light');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${day}&open=${row.id}`);
      const drawer = page.locator('[data-testid=discrepancy-drawer]');
      const first = drawer.locator('[data-testid=suggestion]').first();
      await first.waitFor();
      assertEqual(await first.getAttribute('data-reason'), 'normalized_key', 'the near-miss comes first');
      assert(
        (await first.locator('[data-testid=suggestion-reason]').textContent()).includes(NEAR_KEY.toLowerCase()),
        'the reason names the other spelling',
      );
      await kit.shot(page, 'suggestions-light');
      await first.locator('[data-testid=suggestion-confirm]').click();
      const submit = first.locator('[data-testid=suggestion-confirm-submit]');
      assert(await submit.isDisabled(), 'a note is required');
      await first.locator('[data-testid=suggestion-note]').fill('Same payment: checked with PayShack support');
      await submit.click();
      await poll(
        async () =>
          (await drawer.locator('[data-testid=discrepancy-detail-resolution]').getAttribute('data-value')) === 'resolved',
        'the row reads resolved',
        30_000,
        500,
      );
      const detail = (await kit.apiGet(ctx, `/reconciliation/discrepancies/${row.id}`)).data;
      assertEqual(detail.resolution, 'resolved', 'resolved by the confirmation');
      assert(detail.note.startsWith('Matched by hand: '), `note: ${detail.note}`);
      await kit.shot(page, 'suggestion-confirmed-light');
      const bad1 = await axeViolations(page, 'drawer (light)');
      assert(bad1.length === 0, `axe: drawer with suggestions (light):\n${bad1.join('\n')}`);
      await page.keyboard.press('Escape');
      await setTheme(page, 'dark');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${day}&open=${row.id}`);
      await drawer.locator('[data-testid=suggestion]').first().waitFor();
      await kit.shot(page, 'suggestion-confirmed-dark');
      const bad2 = await axeViolations(page, 'drawer (dark)');
      assert(bad2.length === 0, `axe: drawer with suggestions (dark):\n${bad2.join('\n')}`);
    },
  },
];

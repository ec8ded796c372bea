/**
 * UPI-aware statuses end to end (docs/upi.md): the overview's "Deemed (stuck)" and
 * "Reversals" cards equal the API's figures; the transaction list's UPI flag filter shows
 * deemed rows with their chip; the drawer's status timeline lists what the API's timeline
 * holds. Screenshots of the overview cards and the drawer.
 */
import { assert, assertEqual, config, daysAgo, digits, moneyDigits } from '../harness.mjs';

export const specs = [
  {
    name: 'deemed and reversal cards equal the API; the drawer shows the status timeline',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const from = daysAgo(29);
      const to = daysAgo(0);
      const overviewResponse = page.waitForResponse((r) => {
        const u = new URL(r.url());
        return (
          u.pathname.endsWith('/metrics/overview') &&
          u.searchParams.get('from_date') === from &&
          u.searchParams.get('to_date') === to
        );
      });
      await page.goto(`${config.baseUrl}/?period=30d`);
      const res = await overviewResponse;
      assert(res.ok(), `overview request failed: ${res.status()}`);
      // The figure the page was given, and the API asked again with the page's query (same minute:
      // deemed moves with the clock, so a differing answer is only accepted across a minute edge).
      const shown = (await res.json()).data;
      const used = Object.fromEntries(new URL(res.url()).searchParams);
      const api = (await kit.apiGet(ctx, '/metrics/overview', used)).data;
      if (api.deemed_before === shown.deemed_before) {
        assertEqual(api.deemed_count, shown.deemed_count, 'deemed count of the API, asked twice');
      }

      const deemed = page.locator('[data-testid=kpi-deemed]');
      await deemed.waitFor();
      assertEqual(await deemed.getAttribute('data-value'), String(shown.deemed_count), 'deemed card = API deemed_count');
      assertEqual(digits(await deemed.textContent()), String(shown.deemed_count), 'deemed count on screen');
      const amount = page.locator('[data-testid=kpi-deemed-amount]');
      assertEqual(await amount.getAttribute('data-value'), String(shown.deemed_amount), 'deemed amount = API');
      assertEqual(digits(await amount.textContent()), moneyDigits(shown.deemed_amount), 'deemed amount on screen');
      assertEqual(
        await page.locator('[data-testid=kpi-pending-fresh]').getAttribute('data-value'),
        String(shown.pending_fresh_count),
        'fresh pendings = API',
      );
      const pendingPayments = (shown.payments ?? { by_status: shown.by_status }).by_status.pending?.count ?? 0;
      assertEqual(shown.deemed_count + shown.pending_fresh_count, pendingPayments, 'deemed + fresh = pending');
      assertEqual(
        await page.locator('[data-testid=kpi-reversals]').getAttribute('data-value'),
        String(shown.reversals_count),
        'reversals card = API',
      );
      await page.evaluate(() => window.scrollTo(0, 0));
      await kit.shot(page, 'overview-upi');

      // The list filtered to deemed rows: every row carries the chip, the count is the API's.
      const listed = await kit.apiGet(ctx, '/transactions', { flag: 'deemed', limit: 25 });
      await page.goto(`${config.baseUrl}/transactions/?flag=deemed`);
      if (listed.meta.total > 0) {
        const rows = page.locator('[data-testid=tx-row]');
        await rows.first().waitFor();
        const chips = await rows.first().locator('[data-testid=upi-chip]').allTextContents();
        assert(
          chips.some((c) => c.includes('Deemed')),
          `a deemed row shows its chip (saw ${JSON.stringify(chips)})`,
        );
        assertEqual(await page.locator('[data-testid=tx-flag]').inputValue(), 'deemed', 'the filter shows the flag');
      }

      // The drawer of a transaction: its status timeline equals the API's.
      const any = (await kit.apiGet(ctx, '/transactions', { limit: 1 })).data[0];
      assert(any, 'the demo world has transactions');
      const timeline = (await kit.apiGet(ctx, `/transactions/${any.id}/timeline`)).data;
      assert(timeline.items.length >= 1, 'every stored transaction has at least its first status');
      await page.goto(`${config.baseUrl}/transactions/?id=${any.id}`);
      const drawer = page.locator('[data-testid=tx-drawer]');
      await drawer.waitFor();
      const section = drawer.locator('[data-testid=tx-status-timeline]');
      await section.waitFor();
      await section.locator('[data-testid=tx-timeline-item]').first().waitFor();
      const statuses = await section
        .locator('[data-testid=tx-timeline-item]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      assertEqual(JSON.stringify(statuses), JSON.stringify(timeline.items.map((i) => i.status)), 'timeline items = API');
      await section.scrollIntoViewIfNeeded();
      await kit.shot(page, 'drawer-timeline');
    },
  },
];

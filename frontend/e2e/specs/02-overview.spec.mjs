import { assert, assertEqual, config, daysAgo, digits, moneyDigits } from '../harness.mjs';

const PERIOD = process.env.E2E_KPI_PERIOD || '30d';
const SPAN = { today: 0, '7d': 6, '30d': 29 }[PERIOD] ?? 29;

async function kpiText(page, testId) {
  const loc = page.locator(`[data-testid=${testId}]`);
  await loc.waitFor();
  return { text: (await loc.textContent()) ?? '', value: await loc.getAttribute('data-value') };
}

export const specs = [
  {
    name: 'KPI values on screen equal the API',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      // The page computes the period in UTC (the default zone); so does this spec.
      const from = daysAgo(SPAN);
      const to = daysAgo(0);
      const overviewResponse = page.waitForResponse((r) => {
        const u = new URL(r.url());
        return (
          u.pathname.endsWith('/metrics/overview') &&
          u.searchParams.get('from_date') === from &&
          u.searchParams.get('to_date') === to
        );
      });
      await page.goto(`${config.baseUrl}/?period=${PERIOD}`);
      const res = await overviewResponse;
      assert(res.ok(), `overview request failed: ${res.status()}`);
      const used = Object.fromEntries(new URL(res.url()).searchParams);
      // Ask the API ourselves with the same query the page used.
      const api = (await kit.apiGet(ctx, '/metrics/overview', used)).data;

      // The headline cards count payments (a linked Vima + PayShack pair once) when the API
      // reports them; by source stays in rows.
      const h = api.payments ?? { count: api.total.count, amount: api.total.amount, by_status: api.by_status };
      const volume = await kpiText(page, 'kpi-volume');
      assertEqual(volume.value, String(h.amount), 'volume data-value');
      assertEqual(digits(volume.text), moneyDigits(h.amount), 'volume on screen');

      const count = await kpiText(page, 'kpi-count');
      assertEqual(count.value, String(h.count), 'count');
      assertEqual(
        await page.locator('[data-testid=kpi-count]').getAttribute('data-unit'),
        api.payments ? 'payments' : 'rows',
        'unit',
      );
      assert(digits(count.text).startsWith(String(h.count)), 'count on screen');

      const success = await kpiText(page, 'kpi-success');
      assertEqual(digits(success.text), moneyDigits(h.by_status.success?.amount ?? 0), 'success amount on screen');

      const failed = await kpiText(page, 'kpi-failed');
      assertEqual(digits(failed.text), String(h.by_status.failed?.count ?? 0), 'failed count on screen');

      const pending = await kpiText(page, 'kpi-pending');
      assertEqual(digits(pending.text), String(h.by_status.pending?.count ?? 0), 'pending count on screen');

      const conversion = await kpiText(page, 'kpi-conversion');
      const rate = api.payments ? api.payments.conversion_rate : api.conversion_rate;
      if (rate !== null) assertEqual(conversion.text.trim(), `${Number(rate).toFixed(1)}%`, 'conversion on screen');
      const avgTicket = api.payments ? api.payments.avg_ticket : api.avg_ticket;
      if (avgTicket !== null) {
        const avg = await kpiText(page, 'kpi-avg-ticket');
        assertEqual(digits(avg.text), moneyDigits(avgTicket), 'average ticket on screen');
      }
      for (const source of ['vima', 'payshack']) {
        const rows = page.locator(`[data-testid=by-source-rows-${source}]`);
        assertEqual(await rows.getAttribute('data-value'), String(api.by_source[source]?.count ?? 0), `${source} rows`);
        assert((await rows.textContent()).includes('rows'), 'by source is labelled in rows');
      }

      const trends = api.payments?.trends ?? api.trends;
      if (trends.total_change !== null) {
        const change = await page.locator('[data-testid=kpi-volume-change]').textContent();
        assert(change.includes(Math.abs(trends.total_change).toFixed(1)), `volume change ${change} vs ${trends.total_change}`);
      }
      await page.locator('[data-testid=heatmap]').waitFor();
      await kit.shot(page, 'overview');
    },
  },
  {
    name: 'today is compared with the same elapsed span of yesterday, and the trend marks the partial bucket',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const today = daysAgo(0);
      const overviewResponse = page.waitForResponse((r) => {
        const u = new URL(r.url());
        return u.pathname.endsWith('/metrics/overview') && u.searchParams.get('from_date') === today;
      });
      await page.goto(`${config.baseUrl}/?period=today`);
      const used = Object.fromEntries(new URL((await overviewResponse).url()).searchParams);
      const api = (await kit.apiGet(ctx, '/metrics/overview', used)).data;
      const note = await page.locator('[data-testid=kpi-volume-compare]').textContent();
      if (api.comparison.partial) {
        const until = new Date(api.comparison.elapsed_until).toISOString().slice(11, 16);
        assertEqual(note.trim(), `vs yesterday until ${until}`, 'the card says what today is compared with');
      } else {
        assert(note.startsWith('vs '), `the card names the compared period: ${note}`);
      }
      // The hour in progress is marked partial (data-partial), not drawn as a fall.
      const chart = page.locator('[data-testid=trend-chart]');
      const trends = (await kit.apiGet(ctx, '/metrics/trends', { ...used, granularity: 'hour', unit: 'payments' })).data;
      if (trends.points.every((p) => p.count === 0)) return; // nothing yet today: the card shows its empty state
      await chart.waitFor();
      const partial = await chart.getAttribute('data-partial');
      assert(partial, 'the trend marks its bucket in progress');
      assert(
        Date.parse(partial) <= Date.now() && Date.now() - Date.parse(partial) < 3_600_000,
        `partial bucket is this hour: ${partial}`,
      );
      assert((await chart.getAttribute('aria-label')).includes('partial'), 'the chart says so to screen readers');
      await kit.shot(page, 'today-partial');
    },
  },
  {
    name: "yesterday's KPIs per source equal what the sandbox served (its truth)",
    async run(kit) {
      const admin = process.env.E2E_SANDBOX_ADMIN;
      if (!admin) return 'skip';
      const { page } = await kit.signIn('admin');
      const day = daysAgo(1);
      for (const source of ['vima', 'payshack']) {
        const res = await fetch(`${admin}/truth/daily?source=${source}&tz=UTC`);
        assert(res.ok, `sandbox truth → ${res.status}`);
        const rows = (await res.json()).filter((r) => r.day === day);
        assert(rows.length > 0, `the sandbox world has ${source} payments on ${day}`);
        const sum = (rs) => rs.reduce((a, r) => a + BigInt(moneyDigits(r.amount)), 0n).toString();
        const count = (rs) => String(rs.reduce((a, r) => a + r.count, 0));
        await page.goto(`${config.baseUrl}/?period=yesterday&source=${source}`);
        const volume = await kpiText(page, 'kpi-volume');
        assertEqual(digits(volume.text), sum(rows), `${source} volume on screen = truth`);
        assertEqual((await kpiText(page, 'kpi-count')).value, count(rows), `${source} count = truth`);
        const failed = rows.filter((r) => r.status === 'failed');
        assertEqual(digits((await kpiText(page, 'kpi-failed')).text), count(failed), `${source} failed = truth`);
      }
    },
  },
  {
    name: 'filters are reflected in the URL and the time zone switch asks for IST',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/`);
      await page.getByRole('tab', { name: 'Last 7 days' }).click();
      await page.waitForURL((u) => u.searchParams.get('period') === '7d');
      await page.getByLabel('Source', { exact: true }).selectOption('vima');
      await page.waitForURL((u) => u.searchParams.get('source') === 'vima');
      const ist = page.waitForRequest(
        (r) => r.url().includes('/metrics/overview') && r.url().includes('timezone=Asia%2FKolkata'),
      );
      await page.getByRole('tab', { name: 'IST' }).click();
      await ist;
      await page.waitForURL((u) => u.searchParams.get('tz') === 'Asia/Kolkata');
      await page.reload();
      await page.locator('[data-testid=kpi-volume]').waitFor();
      assertEqual(await page.getByLabel('Source', { exact: true }).inputValue(), 'vima', 'source survives a reload');
    },
  },
];

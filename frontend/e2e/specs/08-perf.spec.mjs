import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOT_DIR, assert, config, daysAgo } from '../harness.mjs';

/**
 * Time from navigation to the overview's KPIs, measured in the page (performance.now() is
 * milliseconds since the navigation started, so it includes the HTML, the JS and the API):
 * the first frame where all seven KPI cards hold the API's values (skeletons gone; the
 * cards show the exact figure at once, there is no count-up to wait for).
 * One cold run (a 31-day custom range no other spec asks for, so the metrics cache is
 * cold unless this ran against the same server moments ago; the page's JavaScript is in
 * the browser's cache from the sign-in landing, as for anyone who signed in), then
 * E2E_PERF_RUNS warm runs.
 * Works against any backend: E2E_BASE_URL + admin credentials. Prints the figures and
 * writes them to e2e-screenshots/perf.json.
 */
const RUNS = Number(process.env.E2E_PERF_RUNS || 5);
// A guard against a broken page (KPIs that never settle, a request waterfall), loose
// enough for a loaded CI machine; the 1 s target itself is measured, not asserted.
const MAX_MS = Number(process.env.E2E_PERF_MAX_MS || 5000);
const KPIS = ['kpi-volume', 'kpi-count', 'kpi-success', 'kpi-conversion', 'kpi-avg-ticket', 'kpi-failed', 'kpi-pending'];

async function measure(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  const shown = await page.waitForFunction(
    (ids) => (ids.every((id) => document.querySelector(`[data-testid=${id}]`)) ? performance.now() : false),
    KPIS,
    { polling: 'raf', timeout: 120_000 },
  );
  return Math.round(await shown.jsonValue());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const specs = [
  {
    name: 'time from navigation to KPIs rendered on the overview',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      // Sign-in lands on the overview: let that page finish (KPIs and every card loaded)
      // so its own requests are not still running on the server during the cold run.
      await page.locator('[data-testid=kpi-pending]').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.animate-shimmer').length === 0, null, {
        timeout: 120_000,
      });
      const url = `${config.baseUrl}/?period=custom&from=${daysAgo(30)}&to=${daysAgo(0)}`;
      const cold = await measure(page, url);
      const warm = [];
      for (let i = 0; i < RUNS; i++) warm.push(await measure(page, url));
      const count = await page.locator('[data-testid=kpi-count]').getAttribute('data-value');
      const result = {
        base_url: config.baseUrl,
        range: { from: daysAgo(30), to: daysAgo(0) },
        transactions_in_range: Number(count),
        cold_ms: cold,
        warm_median_ms: median(warm),
        warm_runs: warm,
      };
      writeFileSync(path.join(SCREENSHOT_DIR, 'perf.json'), `${JSON.stringify(result, null, 2)}\n`);
      console.log(
        `      overview KPIs (${result.transactions_in_range} transactions in range): ` +
          `cold ${cold} ms, warm median ${result.warm_median_ms} ms`,
      );
      assert(Number.isFinite(cold), 'measured');
      assert(cold < MAX_MS && result.warm_median_ms < MAX_MS, `KPIs took over ${MAX_MS} ms: ${JSON.stringify(result)}`);
    },
  },
];

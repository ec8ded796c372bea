/**
 * Scheduled reports end to end: an admin schedules a weekly reconciliation report to a
 * webhook (a local endpoint this spec serves) through the dialog, runs it now, and the
 * delivery reaches the endpoint and shows as sent in the history; a daily e-mail summary
 * is scheduled too (the demo has no SMTP server: its run ends with the clear error after
 * the first attempt). An analyst reads the page without the admin controls. Screenshots in
 * both themes; axe (WCAG 2.1 AA) over the page and the dialog.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { assert, assertEqual, config, poll } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** A local webhook endpoint that keeps the bodies it receives. */
async function startReceiver() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(data);
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { bodies, url: `http://127.0.0.1:${server.address().port}/hooks/reports`, close: () => server.close() };
}

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
  // A theme switch fades colours: axe reads them once the transitions are over.
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

/** The schedule's row in the table, by name. */
function rowOf(page, name) {
  return page.locator('[data-testid=schedule-row]', { hasText: name });
}

export const specs = [
  {
    name: 'an admin schedules a webhook report, runs it now and sees it delivered',
    async run(kit) {
      const receiver = await startReceiver();
      try {
        // axe is injected as a script: the context bypasses the page's CSP (as 13-a11y does).
        const { page, ctx } = await kit.signIn('admin', { bypassCSP: true });
        const name = `Weekly recon ${Date.now()}`;
        await page.goto(`${config.baseUrl}/reports/`);
        await page.locator('[data-testid=schedule-add]').click();
        const dialog = page.locator('[data-testid=schedule-dialog]');
        await dialog.waitFor();
        await page.fill('[data-testid=schedule-name]', name);
        await page.selectOption('[data-testid=schedule-kind]', 'weekly_reconciliation');
        await page.selectOption('[data-testid=schedule-weekday]', '0');
        await page.fill('[data-testid=schedule-time]', '06:30');
        await page.selectOption('[data-testid=schedule-zone]', 'Europe/London');
        await page.selectOption('[data-testid=schedule-channel]', 'webhook');
        // A wrong URL is refused in the form, before any request.
        await page.fill('[data-testid=schedule-url]', 'not a url');
        await page.click('[data-testid=schedule-save]');
        await dialog.locator('text=The webhook URL is not a URL').waitFor();
        await page.fill('[data-testid=schedule-url]', receiver.url);
        const violations = await axeViolations(page, 'dialog');
        await shot(kit, page, 'dialog-dark');
        await page.click('[data-testid=schedule-save]');
        await dialog.waitFor({ state: 'detached' });

        const row = rowOf(page, name);
        await row.waitFor();
        const text = await row.textContent();
        assert(text.includes('Mondays at 06:30 (Europe/London)'), `the cadence is shown (${text})`);
        assert(text.includes('http://127.0.0.1'), 'the webhook host is shown, never the path');
        assert(!text.includes('/hooks/reports'), 'the URL path stays write-only');
        const listed = (await kit.apiGet(ctx, '/reports/schedules')).data.find((s) => s.name === name);
        assert(listed && listed.webhook_url_set && listed.next_run_at, 'the API has the schedule with its next run');

        // Run now: the delivery reaches the endpoint and the history says "sent".
        await row.locator('[data-testid=schedule-run]').click();
        await row.locator('[data-testid=schedule-history]').click();
        const sent = page.locator('[data-testid=delivery-row]', { hasText: 'sent' }).first();
        await sent.waitFor({ timeout: 90_000 });
        await poll(async () => receiver.bodies.length > 0, 'the webhook receives the report', 30_000, 500);
        const body = JSON.parse(receiver.bodies[0]);
        assertEqual(body.report, 'weekly_reconciliation', 'the report kind');
        assertEqual(body.tables.days.rows.length, 7, 'seven days');
        assert((await sent.textContent()).includes(`Run now by ${config.users.admin.email}`), 'who ran it');
        const history = (await kit.apiGet(ctx, '/reports/deliveries', { schedule_id: listed.id })).data;
        assertEqual(history[0].status, 'sent', 'the API history says sent');
        await page.locator('[data-testid=report-deliveries]').waitFor();
        violations.push(...(await axeViolations(page, 'page dark')));
        await shot(kit, page, 'page-dark');
        await setTheme(page, 'light');
        violations.push(...(await axeViolations(page, 'page light')));
        await shot(kit, page, 'page-light');
        assert(violations.length === 0, `axe finds nothing:\n${violations.join('\n')}`);
      } finally {
        receiver.close();
      }
    },
  },
  {
    name: 'an e-mail report without SMTP fails with a clear error; an analyst only reads',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const name = `Daily mail ${Date.now()}`;
      const created = await kit.apiPost(ctx, '/reports/schedules', {
        name,
        kind: 'daily_summary',
        channel: 'email',
        recipients: ['finance@example.com'],
        formats: ['csv', 'xlsx'],
        send_at: '08:00',
        timezone: 'Asia/Kolkata',
      });
      const id = created.data.id;
      await page.goto(`${config.baseUrl}/reports/`);
      const row = rowOf(page, name);
      await row.locator('[data-testid=schedule-run]').click();
      await row.locator('[data-testid=schedule-history]').click();
      const detail = page.locator('[data-testid=delivery-row]').first().locator('[data-testid=delivery-detail]');
      await poll(
        async () => ((await detail.textContent()) || '').includes('SMTP_URL is not set'),
        'the delivery shows why it was not sent',
        90_000,
        1000,
      );
      const [delivery] = (await kit.apiGet(ctx, '/reports/deliveries', { schedule_id: id })).data;
      assertEqual(delivery.last_error, 'SMTP_URL is not set', 'the API says why');
      assert(['pending', 'failed'].includes(delivery.status), `retried later or failed (${delivery.status})`);
      await shot(kit, page, 'email-error-dark');

      const analyst = await kit.signIn('analyst');
      await analyst.page.goto(`${config.baseUrl}/reports/`);
      await rowOf(analyst.page, name).waitFor();
      assertEqual(
        await analyst.page.locator('[data-testid=schedule-add], [data-testid=schedule-run]').count(),
        0,
        'no admin controls',
      );
      const viewer = await kit.signIn('viewer');
      await viewer.page.goto(`${config.baseUrl}/reports/`);
      await viewer.page.locator('text=Reports are for analysts and admins').waitFor();
    },
  },
];

/**
 * Alerts end to end: an incident injected into the sandbox makes a rule fire (one evaluation
 * forced through POST /alerts/evaluate), the header bell shows it, the alert centre links to
 * the evidence, an admin edits a threshold, a viewer cannot acknowledge, an analyst can, and
 * the alert resolves once the incident is cleared. Screenshots in the dark and light theme;
 * axe (WCAG 2.1 AA) over the alert centre in both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { assert, assertEqual, config, poll, SCREENSHOT_DIR } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const SANDBOX = (process.env.E2E_SANDBOX_ADMIN || '').replace(/\/$/, '');
/** The source the incident takes down (its sync fails, so `sync_unhealthy` fires for it). */
const SOURCE = process.env.E2E_ALERT_SOURCE || 'vima';

async function sandbox(ctx, method, p, data) {
  assert(SANDBOX, 'E2E_SANDBOX_ADMIN names the sandbox admin endpoint (scripts/run-e2e.sh sets it)');
  const res = await ctx.request.fetch(`${SANDBOX}${p}`, { method, data });
  return { status: res.status(), body: await res.json().catch(() => null) };
}

/** The provider outage: the sandbox's incident knob, or (a sandbox without it) its 5xx fault share. */
async function injectOutage(ctx) {
  const r = await sandbox(ctx, 'POST', '/incident', { kind: 'outage', source: SOURCE, minutes: 60 });
  if (r.status === 404) {
    const f = await sandbox(ctx, 'PUT', `/faults/${SOURCE}`, { share_5xx: 1.0 });
    assert(f.status < 300, `PUT /_sandbox/faults/${SOURCE} → ${f.status}`);
  } else assert(r.status < 300, `POST /_sandbox/incident → ${r.status} ${JSON.stringify(r.body)}`);
}

async function clearOutage(ctx) {
  const r = await sandbox(ctx, 'POST', '/incident', { kind: 'clear' });
  if (r.status === 404) await sandbox(ctx, 'PUT', `/faults/${SOURCE}`, { share_5xx: 0 });
}

/**
 * The firing sync alert of SOURCE: the one already firing (an earlier spec's), else a new
 * outage, a failed sync and an evaluation. (A second outage right after a resolution would
 * stay quiet: the rule's cooldown.)
 */
async function ensureFiring(kit, ctx) {
  await kit.apiPost(ctx, '/alerts/evaluate', {});
  const list = (await kit.apiGet(ctx, '/alerts', { state: 'firing', kind: 'sync_unhealthy', limit: 50 })).data;
  const going = list.find((a) => a.evidence?.source === SOURCE || a.scope?.value === SOURCE);
  if (going) return going;
  await injectOutage(ctx);
  await syncAndWait(kit, ctx, (s) => s === 'failed' || s === 'incomplete');
  return evaluateUntil(kit, ctx, 'firing');
}

async function syncAndWait(kit, ctx, wanted) {
  const before = (await kit.apiGet(ctx, '/sync/runs', { source: SOURCE, limit: 1 })).data[0]?.id;
  await kit.apiPost(ctx, '/sync/trigger', { source: SOURCE });
  return poll(
    async () => {
      const run = (await kit.apiGet(ctx, '/sync/runs', { source: SOURCE, limit: 1 })).data[0];
      return run && run.id !== before && wanted(run.status) ? run : null;
    },
    `a new ${SOURCE} sync run that ends as wanted`,
    120_000,
  );
}

/** Evaluates now (admin) until the alert of `SOURCE`'s sync rule is in `state`; returns it. */
async function evaluateUntil(kit, ctx, state, id) {
  return poll(
    async () => {
      await kit.apiPost(ctx, '/alerts/evaluate', {});
      const list = (await kit.apiGet(ctx, '/alerts', { state: 'all', kind: 'sync_unhealthy', limit: 50 })).data;
      return list.find(
        (a) => (id ? a.id === id : a.evidence?.source === SOURCE || a.scope?.value === SOURCE) && a.state === state,
      );
    },
    `a ${state} sync_unhealthy alert for ${SOURCE}`,
    90_000,
    2000,
  );
}

async function setTheme(page, theme) {
  const isDark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
  if (isDark !== (theme === 'dark')) {
    await page.click(`button[aria-label="Switch to ${theme} theme"]`);
    await page.waitForFunction((t) => document.documentElement.classList.contains('dark') === (t === 'dark'), theme);
  }
}

/** A full-page screenshot from the top (a scrolled page pictures the sticky header mid-way). */
async function shot(kit, page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return kit.shot(page, name);
}

async function settled(page) {
  await page
    .waitForFunction(
      () => !document.querySelector('main [aria-busy=true], main .animate-shimmer, main [role=status][aria-label=Loading]'),
      null,
      {
        timeout: 30_000,
        polling: 250,
      },
    )
    .catch(() => undefined);
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
  return result.violations.map(
    (v) =>
      `${where}: ${v.id} × ${v.nodes.length} (${v.help}) → ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

export const specs = [
  {
    name: 'an injected outage fires: the bell shows it, the alert centre links to the evidence',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const alert = await ensureFiring(kit, ctx);
      const summary = (await kit.apiGet(ctx, '/alerts/summary')).data;
      assert(summary.firing >= 1, 'the summary counts the firing alert');

      // The bell: the count and its accessible name, the popover lists the alert.
      await page.goto(`${config.baseUrl}/`);
      const bell = page.locator('[data-testid=alert-bell]');
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid=alert-bell]')?.getAttribute('data-firing') === String(n),
        summary.firing,
      );
      assertEqual(await bell.getAttribute('aria-label'), `Alerts: ${summary.firing} firing`, 'the bell names the count');
      assertEqual((await page.locator('[data-testid=alert-bell-count]').textContent()).trim(), String(summary.firing), 'badge');
      // Keyboard: ArrowDown opens it and focuses the first alert; Escape closes and returns focus.
      await bell.focus();
      await page.keyboard.press('ArrowDown');
      const panel = page.locator('[data-testid=alert-bell-panel]');
      await panel.waitFor();
      const titles = await panel.locator('[data-testid=alert-bell-item]').allTextContents();
      assert(
        titles.some((t) => t.includes(alert.title)),
        `the popover lists "${alert.title}" (${titles.join(' | ')})`,
      );
      assert(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'alert-bell-item'),
        'ArrowDown focuses the first alert',
      );
      await shot(kit, page, 'bell-open-dark');
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      assert(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'alert-bell'),
        'focus back on the bell',
      );
      await setTheme(page, 'light');
      await bell.click();
      await panel.waitFor();
      await shot(kit, page, 'bell-open-light');
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });

      // The alert centre, reached from the popover: the card and its evidence links.
      await bell.click();
      await page.click('[data-testid=alert-bell-all]');
      await page.waitForURL((u) => u.pathname.startsWith('/alerts'));
      const card = page.locator(`[data-testid=alert-card][data-alert-id="${alert.id}"]`);
      await card.waitFor();
      assert((await card.locator('[data-testid=alert-title]').textContent()).includes(alert.title), 'the card has the title');
      assert(
        /\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} (UTC|IST)/.test(await card.locator('[data-testid=alert-fired]').textContent()),
        'fired time',
      );
      const ev = alert.evidence || {};
      const hrefOf = async (key) => card.locator(`[data-testid=evidence-${key}]`).getAttribute('href');
      if (ev.sync_run_id || ev.source) {
        const href = await hrefOf('sync');
        assert(href.startsWith('/sync'), `sync link (${href})`);
        if (ev.sync_run_id) assert(href.includes(`run=${ev.sync_run_id}`), `the sync link names the run (${href})`);
      }
      if (ev.recon_date) assert((await hrefOf('reconciliation')).includes(`date=${ev.recon_date}`), 'reconciliation day link');
      if (ev.transactions) {
        const href = await hrefOf('transactions');
        for (const k of ['source', 'project', 'status']) {
          if (ev.transactions[k]) assert(href.includes(`${k}=${encodeURIComponent(ev.transactions[k])}`), `tx link has ${k}`);
        }
      }
      if (ev.screenshot_url) assertEqual(await hrefOf('screenshot'), ev.screenshot_url, 'screenshot link');
      assert(
        ev.sync_run_id || ev.source || ev.transactions || ev.recon_date,
        `the alert carries evidence (${JSON.stringify(ev)})`,
      );
      await settled(page);
      await shot(kit, page, 'centre-firing-light');
      await setTheme(page, 'dark');
      await shot(kit, page, 'centre-firing-dark');

      // Following the evidence lands on the sync page.
      const first = card.locator('[data-testid^=evidence-]:not([data-testid=evidence-screenshot])').first();
      const target = await first.getAttribute('href');
      await first.click();
      await page.waitForURL((u) => u.pathname.replace(/\/$/, '') === target.split('?')[0].replace(/\/$/, ''));
    },
  },
  {
    name: 'a viewer sees Acknowledge disabled with the reason; an analyst acknowledges',
    async run(kit) {
      const admin = await kit.signIn('admin');
      const alert = await ensureFiring(kit, admin.ctx);
      const viewer = await kit.signIn('viewer');
      await viewer.page.goto(`${config.baseUrl}/alerts/`);
      const card = viewer.page.locator(`[data-testid=alert-card][data-alert-id="${alert.id}"]`);
      await card.waitFor();
      const ack = card.locator('[data-testid=alert-acknowledge]');
      assertEqual(await ack.getAttribute('aria-disabled'), 'true', 'Acknowledge is disabled for a viewer');
      assertEqual(await ack.getAttribute('data-disabled-reason'), 'Analysts and admins can acknowledge alerts.', 'reason');
      // Playwright will not click an aria-disabled button by itself: force it, as a user's click would.
      await ack.click({ force: true });
      assertEqual(
        (await kit.apiGet(admin.ctx, '/alerts', { state: 'firing', limit: 50 })).data.find((a) => a.id === alert.id)
          .acknowledged_by,
        null,
        'a click acknowledges nothing',
      );
      const edit = viewer.page.locator('[data-testid=alert-rule-edit]').first();
      assertEqual(await edit.getAttribute('aria-disabled'), 'true', 'rules are read-only for a viewer');
      assertEqual(
        await viewer.page.locator('[data-testid=alert-channels], [data-testid=channel-add]').count(),
        0,
        'no channels for a viewer',
      );
      await ack.hover();
      await settled(viewer.page);
      await shot(kit, viewer.page, 'viewer-dark');

      const analyst = await kit.signIn('analyst');
      await analyst.page.goto(`${config.baseUrl}/alerts/`);
      const acard = analyst.page.locator(`[data-testid=alert-card][data-alert-id="${alert.id}"]`);
      await acard.locator('[data-testid=alert-acknowledge]').click();
      await acard.locator('[data-testid=alert-acknowledged]').waitFor();
      assert(
        (await acard.locator('[data-testid=alert-acknowledged-by]').textContent()).includes(config.users.analyst.email),
        'who acknowledged',
      );
      const after = (await kit.apiGet(admin.ctx, '/alerts', { state: 'firing', limit: 50 })).data.find((a) => a.id === alert.id);
      assertEqual(after.acknowledged_by, config.users.analyst.email, 'the API has the acknowledgement');
      await setTheme(analyst.page, 'light');
      await shot(kit, analyst.page, 'acknowledged-light');
    },
  },
  {
    name: 'once the outage is cleared and a sync succeeds, the alert resolves and moves to History',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      let alert;
      try {
        alert = await ensureFiring(kit, ctx);
      } finally {
        await clearOutage(ctx);
      }
      await syncAndWait(kit, ctx, (s) => s === 'success');
      const resolved = await evaluateUntil(kit, ctx, 'resolved', alert.id);
      assert(resolved.resolved_at, 'resolved_at is set');
      await page.goto(`${config.baseUrl}/alerts/`);
      await page.locator('[data-testid=alert-list], main :text("Nothing is firing")').first().waitFor();
      assertEqual(await page.locator(`[data-testid=alert-card][data-alert-id="${alert.id}"]`).count(), 0, 'gone from Firing');
      await page.click('[role=tab]:has-text("History")');
      await page.waitForURL((u) => u.search.includes('tab=history'));
      const done = page.locator(`[data-testid=alert-card][data-alert-id="${alert.id}"]`);
      await done.waitFor();
      assertEqual(await done.getAttribute('data-state'), 'resolved', 'the History tab shows it resolved');
      assert(/\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/.test(await done.textContent()), 'with its resolved time');
      await settled(page);
      await shot(kit, page, 'centre-history-dark');
      await setTheme(page, 'light');
      await shot(kit, page, 'centre-history-light');
    },
  },
  {
    name: 'an admin edits a threshold (validated) and the rules table shows it',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const rules = (await kit.apiGet(ctx, '/alerts/rules')).data;
      const rule = rules.find((r) => r.kind === 'success_rate_low');
      assert(rule, 'a default success_rate_low rule exists');
      const original = rule.params.threshold_pct;
      await page.goto(`${config.baseUrl}/alerts/`);
      const row = page.locator(`[data-testid=alert-rule-row][data-rule-id="${rule.id}"]`);
      await row.waitFor();
      await row.locator('[data-testid=alert-rule-edit]').click();
      const dialog = page.locator('[data-testid=rule-dialog]');
      await dialog.waitFor();
      const input = dialog.locator('[data-testid=rule-param-threshold_pct]');
      await input.fill('150');
      await dialog.locator('[data-testid=rule-save]').click();
      assertEqual(
        (await dialog.locator('[data-testid=rule-field-error]').first().textContent()).trim(),
        'Must be more than 0 and at most 100.',
        'an out-of-range threshold is refused before any request',
      );
      assertEqual(
        String((await kit.apiGet(ctx, '/alerts/rules')).data.find((r) => r.id === rule.id).params.threshold_pct),
        String(original),
        'unchanged on the server',
      );
      // The window only: a full-page shot resizes the viewport under the open dialog.
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, '14-alerts--rule-dialog-error-dark.png') });
      try {
        await input.fill('87.5');
        await dialog.locator('[data-testid=rule-save]').click();
        await dialog.waitFor({ state: 'detached' });
        const saved = await poll(async () => {
          const r = (await kit.apiGet(ctx, '/alerts/rules')).data.find((x) => x.id === rule.id);
          return String(r.params.threshold_pct) === '87.5' ? r : null;
        }, 'the API has the new threshold, exactly ("87.5")');
        assertEqual(saved.params.window_minutes, rule.params.window_minutes, 'the other parameters kept');
        await page.waitForFunction(
          (id) =>
            document
              .querySelector(`[data-rule-id="${id}"] [data-testid=alert-rule-params]`)
              ?.textContent.includes('below 87.5 %'),
          rule.id,
        );
        await shot(kit, page, 'rules-edited-dark');
      } finally {
        const me = (await kit.apiGet(ctx, '/auth/me')).data;
        await ctx.request.patch(`${config.baseUrl}/api/v1/alerts/rules/${rule.id}`, {
          data: { params: { ...rule.params, threshold_pct: original } },
          headers: { 'X-CSRF-Token': me.csrf_token },
        });
      }
    },
  },
  {
    name: 'an admin adds an in-app channel, sends a test and deletes it; the page passes axe in both themes',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin', { bypassCSP: true });
      await page.goto(`${config.baseUrl}/alerts/`);
      await page.click('[data-testid=channel-add]');
      const dialog = page.locator('[data-testid=channel-dialog]');
      await dialog.waitFor();
      const name = `e2e in-app ${Date.now()}`;
      await dialog.locator('[data-testid=channel-name]').fill(name);
      await dialog.locator('[data-testid=channel-kind]').selectOption('in_app');
      await dialog.locator('[data-testid=channel-save]').click();
      await dialog.waitFor({ state: 'detached' });
      const row = page.locator('[data-testid=channel-row]', { hasText: name });
      await row.waitFor();
      const created = (await kit.apiGet(ctx, '/alerts/channels')).data.find((c) => c.name === name);
      assert(created && created.kind === 'in_app', 'the API lists the new channel');
      await row.locator('[data-testid=channel-test]').click();
      await page.locator('[role=status], [role=alert]', { hasText: name }).first().waitFor();

      const problems = [];
      for (const theme of ['dark', 'light']) {
        await setTheme(page, theme);
        await settled(page);
        problems.push(...(await axeViolations(page, `/alerts (${theme})`)));
        await shot(kit, page, `centre-admin-${theme}`);
      }

      await row.locator('[data-testid=channel-delete]').click();
      await page.click('[data-testid=channel-delete-confirm]');
      await row.waitFor({ state: 'detached' });
      assert(!(await kit.apiGet(ctx, '/alerts/channels')).data.some((c) => c.id === created.id), 'deleted on the server');
      assert(problems.length === 0, `axe:\n${problems.join('\n')}`);
    },
  },
];

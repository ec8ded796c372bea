/**
 * Clients end to end: a reference refresh (POST /payshack/reference/refresh) stores the
 * sandbox's clients; the Clients page lists them with the sandbox's true balances, shows a
 * client's balance history, lists resellers and service providers; an admin moves a client
 * to another project (confirm dialog) and its stored pay-ins follow; a viewer cannot.
 * Screenshots in the dark and light theme.
 */
import { assert, assertEqual, config, digits, moneyDigits, poll } from '../harness.mjs';

const SANDBOX = (process.env.E2E_SANDBOX_ADMIN || '').replace(/\/$/, '');
const MOVED = 'MNCL_M5_Pvt_Ltd';
const NEW_PROJECT = 'mncl_e2e';

async function truth(ctx) {
  assert(SANDBOX, 'E2E_SANDBOX_ADMIN names the sandbox admin endpoint (scripts/run-e2e.sh sets it)');
  const res = await ctx.request.get(`${SANDBOX}/truth/clients`);
  assert(res.ok(), `GET /_sandbox/truth/clients → ${res.status()}`);
  return res.json();
}

async function api(kit, ctx, method, p, data) {
  const me = await kit.apiGet(ctx, '/auth/me');
  const res = await ctx.request.fetch(`${config.baseUrl}/api/v1${p}`, {
    method,
    data,
    headers: { 'X-CSRF-Token': me.data.csrf_token },
  });
  return { status: res.status(), body: await res.json().catch(() => null) };
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

function row(page, name) {
  return page.locator('[data-testid=client-row]', { has: page.locator('[data-testid=client-name]', { hasText: name }) });
}

export const specs = [
  {
    name: 'the clients page lists the sandbox clients with their true balances and history',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const refreshed = await api(kit, ctx, 'POST', '/payshack/reference/refresh');
      assertEqual(refreshed.status, 200, 'refresh answers 200');
      assertEqual(refreshed.body.status, 'success', `the refresh worked (${JSON.stringify(refreshed.body)})`);
      const expected = await truth(ctx);
      assert(expected.clients.length >= 3, 'the sandbox lists clients');

      await page.goto(`${config.baseUrl}/`);
      await page.click('[data-testid=nav-clients]');
      await page.waitForURL((u) => u.pathname.startsWith('/clients'));
      await page.locator('[data-testid=client-row]').first().waitFor();
      assertEqual(await page.locator('[data-testid=client-row]').count(), expected.clients.length, 'one row per client');
      for (const c of expected.clients) {
        const r = row(page, c.name);
        assertEqual(await r.count(), 1, `a row for ${c.name}`);
        const shown = await r.locator('[data-testid=client-balance]').textContent();
        assertEqual(digits(shown), moneyDigits(c.balance), `${c.name}'s balance (${shown} vs ${c.balance})`);
      }
      assert(!(await page.locator('[data-testid=clients-last-error]').count()), 'no refresh error shown');
      assert(
        /Last refresh: \d{2} [A-Z][a-z]{2} \d{4}/.test(await page.locator('[data-testid=clients-refreshed]').textContent()),
        'the last refresh time is shown',
      );

      // A client's balance history: the chart draws its line.
      await row(page, expected.clients[1].name).click();
      const card = page.locator('[data-testid=balance-card]');
      await card.locator('h3', { hasText: expected.clients[1].name }).waitFor();
      // Attached, not visible: a balance that never moved draws a flat line, 0 px tall.
      await card.locator('.recharts-line-dot, .recharts-line-curve').first().waitFor({ state: 'attached' });
      const points = (await api(kit, ctx, 'GET', `/payshack/clients/${expected.clients[1].client_id}/balances`)).body.items;
      assert(points.length >= 1, 'the history has the first reading');
      assertEqual(moneyDigits(points.at(-1).balance), moneyDigits(expected.clients[1].balance), 'the last reading is the truth');
      await shot(kit, page, 'clients-dark');
      await setTheme(page, 'light');
      await shot(kit, page, 'clients-light');

      // Resellers and service providers.
      await page.click('[role=tab]:has-text("Resellers")');
      await page.locator('[data-testid=resellers-table] tbody tr').first().waitFor();
      assertEqual(await page.locator('[data-testid=resellers-table] tbody tr').count(), expected.resellers.length, 'resellers');
      await page.click('[role=tab]:has-text("Service providers")');
      await page.locator('[data-testid=providers-table] tbody tr').first().waitFor();
      const names = await page.locator('[data-testid=providers-table] tbody tr td:first-child').allTextContents();
      assertEqual(
        names.sort().join('|'),
        expected.service_providers
          .map((s) => s.name)
          .sort()
          .join('|'),
        'providers',
      );
      await shot(kit, page, 'providers-light');
      await setTheme(page, 'dark');
    },
  },
  {
    name: 'an admin moves a client to another project; its pay-ins follow; a viewer cannot',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const before = await kit.apiGet(ctx, '/transactions', { source: 'payshack', project: 'mncl_m5', limit: 1 });
      const movedCount = before.meta?.total ?? 0;
      assert(movedCount > 0, 'the demo world has pay-ins of the client to move');
      await page.goto(`${config.baseUrl}/clients/`);
      const r = row(page, MOVED);
      await r.waitFor();
      page.once('dialog', (d) => {
        assert(d.message().includes(MOVED) && d.message().includes(NEW_PROJECT), `the confirm names both (${d.message()})`);
        void d.accept();
      });
      await r.locator('[data-testid=client-project-edit]').click();
      await r.locator('[data-testid=client-project-input]').fill(NEW_PROJECT);
      await shot(kit, page, 'clients-editing-dark');
      await r.locator('[data-testid=client-project-save]').click();
      await r.locator('[data-testid=client-project]', { hasText: NEW_PROJECT }).waitFor();
      assert((await r.locator('[data-testid=client-project]').textContent()).includes('Set here'), 'marked as set here');
      await shot(kit, page, 'clients-moved-dark');

      const list = (await api(kit, ctx, 'GET', '/payshack/clients')).body;
      const moved = list.items.find((c) => c.name === MOVED);
      assertEqual(`${moved.project}/${moved.project_source}`, `${NEW_PROJECT}/admin`, 'the API says so');
      const after = await kit.apiGet(ctx, '/transactions', { source: 'payshack', project: NEW_PROJECT, limit: 1 });
      assertEqual(after.meta?.total ?? 0, movedCount, 'every stored pay-in of the client moved');
      const left = await kit.apiGet(ctx, '/transactions', { source: 'payshack', project: 'mncl_m5', limit: 1 });
      assertEqual(left.meta?.total ?? 0, 0, 'none left under the old project');

      // A viewer sees the project, without a way to change it; the API refuses too.
      const viewer = await kit.signIn('viewer');
      await viewer.page.goto(`${config.baseUrl}/clients/`);
      const vr = row(viewer.page, MOVED);
      await vr.locator('[data-testid=client-project]', { hasText: NEW_PROJECT }).waitFor();
      assertEqual(await viewer.page.locator('[data-testid=client-project-edit]').count(), 0, 'no Change for a viewer');
      assertEqual(await viewer.page.locator('[data-testid=clients-refresh]').count(), 0, 'no refresh for a viewer');
      const denied = await api(kit, viewer.ctx, 'PUT', `/payshack/clients/${moved.client_id}/project`, { project: 'x' });
      assertEqual(denied.status, 403, 'a viewer may not map clients');

      // Back to the default, so the other specs see the world as configured.
      page.once('dialog', (d) => void d.accept());
      await r.locator('[data-testid=client-project-edit]').click();
      await r.locator('[data-testid=client-project-reset]').click();
      await r.locator('[data-testid=client-project]', { hasText: 'Default' }).waitFor();
      await poll(
        async () =>
          ((await kit.apiGet(ctx, '/transactions', { source: 'payshack', project: 'mncl_m5', limit: 1 })).meta?.total ?? 0) ===
          movedCount,
        'the pay-ins back under mncl_m5',
        30_000,
      );
    },
  },
];

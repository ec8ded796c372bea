/**
 * WCAG 2.1 A/AA with axe-core over every page, in the dark and the light theme. Any violation
 * fails the spec with its rule id and the first targets, so the list reads as a to-do.
 */
import { createRequire } from 'node:module';
import { AssertionError, config, daysAgo, poll } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const THEMES = ['dark', 'light'];
const DATE = process.env.E2E_RECON_DATE || daysAgo(1);

/** Runs axe on what the page shows now; returns readable lines, one per violation. */
async function axeViolations(page, where) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE_PATH });
  // Wait for animations (skeleton shimmer, drawer slide-in) to end, else contrast is measured mid-fade.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const result = await page.evaluate((values) => window.axe.run(document, { runOnly: { type: 'tag', values } }), TAGS);
  return result.violations.map((v) => {
    const targets = v.nodes
      .slice(0, 4)
      .map((n) => {
        // Contrast failures say their colours, so the fix can be chosen without re-running.
        const c = v.id === 'color-contrast' ? n.any?.[0]?.data : null;
        return n.target.join(' ') + (c ? ` (${c.fgColor} on ${c.bgColor} = ${c.contrastRatio}:1)` : '');
      })
      .join(' | ');
    return `${where}: ${v.id} × ${v.nodes.length} (${v.help}) → ${targets}`;
  });
}

/** Sets the stored theme before any page script runs, so the first paint is already themed. */
async function themedContext(kit, theme) {
  // The app's CSP forbids inline scripts: axe is injected as one, in tests only.
  const ctx = await kit.newContext({ bypassCSP: true });
  await ctx.addInitScript((t) => {
    try {
      localStorage.setItem('psp.theme', t);
    } catch {
      /* ignore */
    }
  }, theme);
  return ctx;
}

async function signInThemed(kit, theme, role = 'admin') {
  const ctx = await themedContext(kit, theme);
  const page = await ctx.newPage();
  const user = config.users[role];
  await page.goto(`${config.baseUrl}/login/`);
  await page.fill('[data-testid=login-email]', user.email);
  await page.fill('[data-testid=login-password]', user.password);
  await page.click('[data-testid=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { ctx, page };
}

/** Waits until no skeleton/spinner is left in the main area (the page's data has arrived). */
async function settled(page) {
  await page
    .waitForFunction(() => !document.querySelector('main [aria-busy=true], main .animate-shimmer, main .animate-pulse'), null, {
      timeout: 30_000,
      polling: 250,
    })
    .catch(() => undefined);
}

/** The discrepancy panel needs a reconciled day: run one through the API unless there is one. */
async function ensureReconciled(kit, ctx) {
  const done = async () =>
    (await kit.apiGet(ctx, '/reconciliation/runs', { date: DATE, limit: 5 })).data.find((r) => r.status === 'completed');
  if (await done()) return;
  await kit.apiPost(ctx, '/reconciliation/run', { date: DATE });
  await poll(done, `a completed reconciliation of ${DATE}`, 180_000);
}

async function checkTheme(kit, theme, problems) {
  const check = async (page, where) => {
    await settled(page);
    const isDark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
    if (isDark !== (theme === 'dark')) throw new AssertionError(`${where}: expected the ${theme} theme`);
    problems.push(...(await axeViolations(page, `${where} [${theme}]`)));
  };

  // Login (signed out).
  const anon = await themedContext(kit, theme);
  const loginPage = await anon.newPage();
  await loginPage.goto(`${config.baseUrl}/login/`);
  await loginPage.locator('[data-testid=login-email]').waitFor();
  await check(loginPage, 'login');

  const { page, ctx } = await signInThemed(kit, theme);
  await ensureReconciled(kit, ctx);
  await page.locator('main').waitFor();
  await page
    .locator('[data-testid^=kpi-], main svg')
    .first()
    .waitFor()
    .catch(() => undefined);
  await check(page, 'overview');
  await kit.shot(page, `overview-${theme}`);

  await page.goto(`${config.baseUrl}/transactions/`);
  const row = page.locator('[data-testid=tx-row]').first();
  await row.waitFor();
  await check(page, 'transactions');
  await row.click();
  await page.locator('[data-testid=tx-drawer] [data-testid=tx-raw]').waitFor();
  await check(page, 'transaction drawer');
  await kit.shot(page, `transaction-drawer-${theme}`);
  await page.keyboard.press('Escape');

  await page.goto(`${config.baseUrl}/reconciliation/?date=${DATE}`);
  await page.locator('[data-testid=recon-date]').waitFor();
  await check(page, 'reconciliation');
  await kit.shot(page, `reconciliation-${theme}`);
  const discrepancy = page.locator('[data-testid=discrepancy-row]').first();
  if (await discrepancy.count()) {
    const resolve = discrepancy.locator('[data-testid=discrepancy-resolve]');
    if (await resolve.count()) await resolve.click();
    else await discrepancy.click();
    await page.locator('[role=dialog]').first().waitFor();
    await check(page, 'discrepancy panel');
    await kit.shot(page, `discrepancy-${theme}`);
    await page.keyboard.press('Escape');
  }

  await page.goto(`${config.baseUrl}/sync/`);
  await page.locator('[data-testid^=sync-card-]').first().waitFor();
  await check(page, 'sync');
  await kit.shot(page, `sync-${theme}`);

  // Pages added later (e.g. alerts) are found through the sidebar, so they are checked too.
  const known = ['/', '/transactions/', '/reconciliation/', '/sync/', '/settings/'];
  const extra = (
    await page.locator('nav[aria-label=Main] a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  ).filter((h) => !known.includes(h));
  for (const href of extra) {
    await page.goto(`${config.baseUrl}${href}`);
    await page.locator('main h1').first().waitFor();
    await check(page, href);
    await kit.shot(page, `${href.replace(/\//g, '') || 'page'}-${theme}`);
  }

  for (const tab of ['users', 'tokens', 'audit']) {
    await page.goto(`${config.baseUrl}/settings/${tab === 'users' ? '' : `?tab=${tab}`}`);
    await page.locator('[role=tablist][aria-label="Settings section"]').waitFor();
    await page
      .locator('main table, main [role=table], main [data-testid$=-empty]')
      .first()
      .waitFor()
      .catch(() => undefined);
    await check(page, `settings ${tab}`);
    await kit.shot(page, `settings-${tab}-${theme}`);
  }
}

export const specs = THEMES.map((theme) => ({
  name: `axe finds no WCAG 2.1 A/AA violation on any page (${theme} theme)`,
  async run(kit) {
    const problems = [];
    // The runner prints only the first lines of an error: the full list goes to the log.
    const report = () => problems.length && console.log(`      axe (${theme}):\n        ${problems.join('\n        ')}`);
    try {
      await checkTheme(kit, theme, problems);
    } catch (e) {
      // A page that failed to load must not hide what axe found on the pages before it.
      report();
      if (problems.length) e.message += `\n${problems.length} axe violation(s) before that:\n${problems.join('\n')}`;
      throw e;
    }
    report();
    if (problems.length) throw new AssertionError(`${problems.length} axe violation(s):\n${problems.join('\n')}`);
  },
}));

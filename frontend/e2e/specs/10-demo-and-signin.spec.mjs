import { assert, assertEqual, config, daysAgo, digits, poll } from '../harness.mjs';

const YESTERDAY = daysAgo(1);

/**
 * Holds every script of the site until `release()`: the page's HTML is there to type into,
 * but nothing is hydrated (a slow network, a fast typist, a password manager).
 */
async function holdScripts(ctx) {
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });
  await ctx.route(
    (url) => url.pathname.endsWith('.js'),
    async (route) => {
      await released;
      await route.continue().catch(() => undefined); // the page may have navigated away
    },
  );
  return () => release();
}

async function openUnhydratedLogin(ctx, query = '') {
  const page = await ctx.newPage();
  await page.goto(`${config.baseUrl}/login/${query}`, { waitUntil: 'commit' });
  await page.locator('[data-testid=login-email]').waitFor({ state: 'attached' });
  return page;
}

export const specs = [
  {
    name: 'a fresh demo opens the Reconciliation page on yesterday, already reconciled, without a click',
    async run(kit) {
      const { ctx, page } = await kit.signIn('viewer');
      // `psp run` reconciles the seeded days by itself once the first syncs are in.
      const progress = await poll(
        async () => {
          const p = (await kit.apiGet(ctx, '/reconciliation/catch-up')).data;
          return p.state === 'done' ? p : null;
        },
        'the start-up catch-up is done',
        180_000,
      );
      assert(progress.total_days >= 1 && progress.done_days === progress.total_days, `catch-up ${JSON.stringify(progress)}`);
      const summary = (await kit.apiGet(ctx, '/reconciliation/summary', { date: YESTERDAY })).data;
      assert(summary.total_transactions > 0, `yesterday (${YESTERDAY}) was reconciled`);
      const runs = (await kit.apiGet(ctx, '/reconciliation/runs', { date: YESTERDAY })).data;
      assert(
        runs.some((r) => r.status === 'completed'),
        'a completed run of yesterday is in the history',
      );

      await page.goto(`${config.baseUrl}/reconciliation/`);
      const total = page.locator('[data-testid=recon-total]');
      await total.waitFor();
      assertEqual(digits(await total.textContent()), String(summary.total_transactions), 'yesterday’s total on screen');
      assert(!(await page.locator('[data-testid=recon-progress]').isVisible()), 'nothing is running: no click was needed');
      await kit.shot(page, 'reconciled-on-arrival');
    },
  },
  {
    name: 'typing into the sign-in form before its scripts load still signs in (plain form post)',
    async run(kit) {
      const user = config.users.analyst;
      const ctx = await kit.newContext();
      const release = await holdScripts(ctx);
      const page = await openUnhydratedLogin(ctx);
      await page.fill('[data-testid=login-email]', user.email);
      await page.fill('[data-testid=login-password]', user.password);
      await page.click('[data-testid=login-submit]'); // a native POST: no script has run
      // `commit`: the new page's scripts are still held, so it never fires `load`.
      await page.waitForURL((u) => !u.pathname.startsWith('/login') && !u.pathname.startsWith('/api'), {
        waitUntil: 'commit',
      });
      release();
      await page.locator('[data-testid=user-menu]').waitFor();
      const me = (await kit.apiGet(ctx, '/auth/me')).data;
      assertEqual(me.email, user.email, 'signed in by the form post');
    },
  },
  {
    name: 'a wrong password posted before hydration comes back with the error shown',
    async run(kit) {
      const user = config.users.viewer;
      const ctx = await kit.newContext();
      const release = await holdScripts(ctx);
      const page = await openUnhydratedLogin(ctx);
      await page.fill('[data-testid=login-email]', user.email);
      await page.fill('[data-testid=login-password]', `${user.password}-wrong`);
      await page.click('[data-testid=login-submit]');
      await page.waitForURL((u) => u.pathname.startsWith('/login') && u.searchParams.get('error') === 'invalid', {
        waitUntil: 'commit',
      });
      release();
      // (Next's route announcer is an empty alert too: look for ours by its text.)
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
      const res = await ctx.request.get(`${config.baseUrl}/api/v1/auth/me`);
      assertEqual(res.status(), 401, 'not signed in');
    },
  },
  {
    name: 'what was typed before hydration survives it, and the scripted sign-in goes to next',
    async run(kit) {
      const user = config.users.admin;
      const ctx = await kit.newContext();
      const release = await holdScripts(ctx);
      const page = await openUnhydratedLogin(ctx, '?next=%2Ftransactions%2F');
      await page.fill('[data-testid=login-email]', user.email);
      await page.fill('[data-testid=login-password]', user.password);
      release();
      // Hydrated: the URL-dependent part of the form (the hidden `next`) is rendered.
      await page.locator('input[name=next][value="/transactions/"]').waitFor({ state: 'attached' });
      assertEqual(await page.inputValue('[data-testid=login-email]'), user.email, 'e-mail kept through hydration');
      assertEqual(await page.inputValue('[data-testid=login-password]'), user.password, 'password kept through hydration');
      await page.click('[data-testid=login-submit]');
      await page.waitForURL((u) => u.pathname.startsWith('/transactions'));
      await page.locator('[data-testid=user-menu]').waitFor();
    },
  },
];

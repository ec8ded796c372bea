import { assert, config } from '../harness.mjs';

export const specs = [
  {
    name: 'an anonymous visit is sent to sign-in; a wrong password is refused; a right one lands on the dashboard',
    async run(kit) {
      const ctx = await kit.newContext();
      const page = await ctx.newPage();
      await page.goto(`${config.baseUrl}/transactions/`);
      await page.waitForURL((u) => u.pathname.startsWith('/login'));
      await kit.shot(page, 'login');
      const user = config.users.admin;
      await page.fill('[data-testid=login-email]', user.email);
      await page.fill('[data-testid=login-password]', `${user.password}-wrong`);
      await page.click('[data-testid=login-submit]');
      // Filtered: Next's route announcer is an (empty) alert too.
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
      assert(page.url().includes('/login'), 'still on the login page after a wrong password');
      await page.fill('[data-testid=login-password]', user.password);
      await page.click('[data-testid=login-submit]');
      // Back where the redirect came from.
      await page.waitForURL((u) => u.pathname.startsWith('/transactions'));
      await page.locator('[data-testid=user-menu]').waitFor();
    },
  },
  {
    name: 'signing out ends the session',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      await page.click('[data-testid=user-menu]');
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/login'));
      const res = await ctx.request.get(`${config.baseUrl}/api/v1/auth/me`);
      assert(res.status() === 401, `/auth/me after sign-out should be 401, got ${res.status()}`);
    },
  },
];

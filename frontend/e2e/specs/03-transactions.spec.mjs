import { assert, assertEqual, config, digits, moneyDigits } from '../harness.mjs';

export const specs = [
  {
    name: 'filter and search transactions, then open one',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const sample = (await kit.apiGet(ctx, '/transactions', { status: 'success', limit: 1 })).data[0];
      assert(sample, 'the backend has at least one successful transaction');
      const needle = sample.client_operation_id ?? sample.order_id ?? sample.id;

      await page.goto(`${config.baseUrl}/transactions/`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      await page.selectOption('[data-testid=tx-status]', 'success');
      await page.fill('[data-testid=tx-search]', needle);
      await page.click('[data-testid=tx-apply]');
      await page.waitForURL((u) => u.searchParams.get('search') === needle && u.searchParams.get('status') === 'success');
      await page.waitForFunction(() => !document.querySelector('.opacity-60'));
      const rows = page.locator('[data-testid=tx-row]');
      await rows.first().waitFor();
      const n = await rows.count();
      assert(n >= 1, 'the search finds the transaction');
      const summary = await page.locator('[data-testid=pager-summary]').textContent();
      assert(/Showing 1–\d/.test(summary), `pager summary: ${summary}`);

      const api = (await kit.apiGet(ctx, '/transactions', { status: 'success', search: needle })).data;
      assertEqual(n, Math.min(api.length, 50), 'rows on screen = rows from the API');

      await rows.first().click();
      const drawer = page.locator('[data-testid=tx-drawer]');
      await drawer.waitFor();
      await drawer.locator('[data-testid=tx-raw]').waitFor();
      const detail = (await kit.apiGet(ctx, `/transactions/${api[0].id}`)).data;
      const amount = await drawer.locator('[data-testid=tx-detail-amount]').textContent();
      assertEqual(digits(amount), moneyDigits(detail.amount), 'amount in the drawer');
      assert((await drawer.textContent()).includes(detail.id), 'drawer shows the transaction id');
      assert(page.url().includes(`id=${detail.id}`), 'the open transaction is in the URL');

      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: config.baseUrl });
      await drawer.getByRole('button', { name: /Copy Transaction id/ }).click();
      await drawer.getByText('Copied!').waitFor();
      await kit.shot(page, 'drawer');

      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      assert(!page.url().includes('id='), 'closing the drawer drops the id from the URL');
    },
  },
  {
    name: 'sorting by amount follows the API order',
    async run(kit) {
      const { page } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/transactions/`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      await page.getByRole('button', { name: /^Amount/ }).click();
      await page.waitForURL((u) => u.searchParams.get('sort_by') === 'amount');
      await page.waitForFunction(() => !document.querySelector('.opacity-60'));
      const values = await page
        .locator('[data-testid=tx-amount]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      for (let i = 1; i < values.length; i++) assert(values[i - 1] >= values[i], `amounts descending at row ${i}`);
      await kit.shot(page, 'list');
    },
  },
  {
    name: 'global search jumps to a transaction',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const t = (await kit.apiGet(ctx, '/transactions', { limit: 1 })).data[0];
      await page.goto(`${config.baseUrl}/sync/`);
      await page.fill('[data-testid=global-search]', t.id);
      await page.press('[data-testid=global-search]', 'Enter');
      await page.waitForURL((u) => u.pathname.startsWith('/transactions') && u.searchParams.get('id') === t.id);
      await page.locator('[data-testid=tx-drawer]').waitFor();
    },
  },
];

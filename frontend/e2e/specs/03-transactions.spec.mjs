import { assert, assertEqual, config, digits, moneyDigits } from '../harness.mjs';

const settled = (page) => page.waitForFunction(() => !document.querySelector('.opacity-60'));
const ids = (page) =>
  page
    .locator('[data-testid=tx-row] [title]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title')).filter((t) => /^[0-9a-f-]{36}$/.test(t)));

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
      // Filters apply at once: a select on change, the search after a pause in typing (no Apply).
      await page.selectOption('[data-testid=tx-status]', 'success');
      await page.waitForURL((u) => u.searchParams.get('status') === 'success');
      await page.fill('[data-testid=tx-search]', needle);
      await page.waitForURL((u) => u.searchParams.get('search') === needle && u.searchParams.get('status') === 'success');
      assertEqual(await page.locator('[data-testid=tx-apply]').count(), 0, 'no Apply button');
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
  {
    name: 'pages with cursors: next follows meta.next_cursor, previous comes back',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const first = await kit.apiGet(ctx, '/transactions', { limit: 25 });
      assert(first.meta.next_cursor, 'the demo data has more than one page of 25');
      const second = await kit.apiGet(ctx, '/transactions', { limit: 25, cursor: first.meta.next_cursor });

      await page.goto(`${config.baseUrl}/transactions/?limit=25`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      await settled(page);
      assertEqual(JSON.stringify(await ids(page)), JSON.stringify(first.data.map((t) => t.id)), 'page 1 = the API page 1');

      await page.click('[data-testid=pager-next]');
      await page.waitForURL((u) => u.searchParams.get('cursor') === first.meta.next_cursor && u.searchParams.get('page') === '2');
      await settled(page);
      assertEqual(
        JSON.stringify(await ids(page)),
        JSON.stringify(second.data.map((t) => t.id)),
        'page 2 = the rows after the cursor',
      );
      assert((await page.locator('[data-testid=pager-page]').textContent()).startsWith('Page 2 of'), 'page number shown');
      const summary = await page.locator('[data-testid=pager-summary]').textContent();
      assert(summary.startsWith('Showing 26–50'), `range on page 2: ${summary}`);

      await page.click('[data-testid=pager-prev]');
      await page.waitForURL((u) => !u.searchParams.get('cursor') && !u.searchParams.get('page'));
      await settled(page);
      assertEqual(JSON.stringify(await ids(page)), JSON.stringify(first.data.map((t) => t.id)), 'previous = page 1 again');

      // A page-number deep link still works, and a tampered cursor says so with a way out.
      await page.goto(`${config.baseUrl}/transactions/?limit=25&page=2`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      await settled(page);
      assertEqual(JSON.stringify(await ids(page)), JSON.stringify(second.data.map((t) => t.id)), 'page=2 deep link');
      await page.goto(`${config.baseUrl}/transactions/?limit=25&page=3&cursor=not-a-real-cursor`);
      await page.getByText('This page link has expired').waitFor();
      await page.click('[data-testid=error-retry]');
      await page.waitForURL((u) => !u.searchParams.get('cursor'));
      await page.locator('[data-testid=tx-row]').first().waitFor();
    },
  },
  {
    name: 'the total of the filtered rows, and the header stays in view',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const recent = (await kit.apiGet(ctx, '/transactions', { limit: 1 })).data[0];
      const day = recent.created_at.slice(0, 10);
      const list = await kit.apiGet(ctx, '/transactions', { from_date: day, to_date: day, status: 'success', limit: 1 });
      const overview = (await kit.apiGet(ctx, '/metrics/overview', { from_date: day, to_date: day })).data;
      const fig = overview.by_status.success;

      await page.goto(`${config.baseUrl}/transactions/?from_date=${day}&to_date=${day}&status=success`);
      await page.locator('[data-testid=tx-row]').first().waitFor();
      const count = page.locator('[data-testid=tx-total-count]');
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid=tx-total-count]')?.textContent.replace(/\D/g, '') === String(n),
        list.meta.total,
      );
      assertEqual(digits(await count.textContent()), String(list.meta.total), 'count = meta.total');
      if (fig.count === list.meta.total) {
        const amount = page.locator('[data-testid=tx-total-amount]');
        await amount.waitFor();
        assertEqual(digits(await amount.textContent()), moneyDigits(fig.amount), 'amount = the sum of the same rows');
      } else {
        // The overview counts something else (e.g. payments, not rows): never show its amount.
        await page.locator('[data-testid=tx-total-hint]').waitFor();
      }

      // Sticky header: scroll the table; the header row keeps its place at the top of its box.
      await page.goto(`${config.baseUrl}/transactions/?limit=100`);
      await page.locator('[data-testid=tx-row]').nth(50).waitFor();
      const box = page.locator('[data-sticky-header]');
      const before = await page.locator('thead th').first().boundingBox();
      await box.evaluate((el) => el.scrollBy(0, 1500));
      await page.waitForFunction(() => document.querySelector('[data-sticky-header]').scrollTop > 0);
      const after = await page.locator('thead th').first().boundingBox();
      assertEqual(Math.round(after.y), Math.round(before.y), 'the header row did not move');
      const visible = await page.evaluate(() => {
        const th = document.querySelector('thead th').getBoundingClientRect();
        return th.top >= 0 && th.bottom <= window.innerHeight;
      });
      assert(visible, 'the header row is in the window');
      await kit.shot(page, 'sticky-header');
    },
  },
  {
    name: 'linked pairs group into one payment with both sides',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const rows = (await kit.apiGet(ctx, '/transactions', { source: 'payshack', limit: 100 })).data;
      const ids = rows.map((r) => `id=${r.id}`).join('&');
      const links = (await kit.apiGet(ctx, `/payments/links?${ids}`)).data;
      assert(links.length > 0, 'the demo data has a linked PayShack row');
      const payshackId = links[0].id;
      const payment = (await kit.apiGet(ctx, `/payments/${payshackId}`)).data;
      assert(payment.linked && payment.counterpart.id === payshackId, 'the PayShack row is the counterpart');
      const key = payment.record.client_operation_id;
      const both = await kit.apiGet(ctx, '/transactions', { search: key });
      assert(
        both.data.some((t) => t.id === payshackId) && both.data.some((t) => t.id === payment.record.id),
        'search finds both',
      );

      // Ungrouped: the same payment is two rows (Vima and PayShack) ...
      await page.goto(`${config.baseUrl}/transactions/?search=${encodeURIComponent(key)}`);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=tx-row]').length === n, both.data.length);
      // ... grouped: one line for the pair, with both sources on it.
      await page.click('[data-testid=tx-group]');
      await page.waitForURL((u) => u.searchParams.get('group') === '1');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=tx-row]').length === n, both.data.length - 1);
      const line = page.locator('[data-testid=tx-row]', { hasText: key }).first();
      assert(
        (await line.textContent()).includes('Vima') && (await line.textContent()).includes('PayShack'),
        'one line, both sides',
      );

      await line.click();
      const drawer = page.locator('[data-testid=tx-drawer]');
      await drawer.locator('[data-testid=tx-other-side]').waitFor();
      const other = await drawer.locator('[data-testid=tx-other-side]').textContent();
      assert(other.includes(payshackId), 'the drawer shows the PayShack side');
      assertEqual(
        digits(await drawer.locator('[data-testid=tx-other-amount]').textContent()),
        moneyDigits(payment.counterpart.amount),
        "the other side's amount",
      );
      await kit.shot(page, 'linked-pair');
    },
  },
];

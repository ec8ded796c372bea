import { assert, assertEqual, config, daysAgo, poll } from '../harness.mjs';

const DATE = process.env.E2E_RECON_DATE || daysAgo(1);
// Far before the sandbox world: nobody has reconciled it.
const NEVER_RUN = daysAgo(400);

/** Make sure DATE has a current run (the demo may have reconciled it already). */
async function ensureReconciled(kit, ctx, page) {
  const s = (await kit.apiGet(ctx, '/reconciliation/summary', { date: DATE })).data;
  if (s.run_id) return;
  await page.click('[data-testid=recon-run]');
  await poll(
    async () => (await kit.apiGet(ctx, '/reconciliation/summary', { date: DATE })).data.run_id,
    `a run of ${DATE}`,
    180_000,
  );
}

async function openRows(page) {
  await page.selectOption('[data-testid=recon-resolution]', 'open');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid=discrepancy-row] [data-testid=discrepancy-resolution]')];
    return cells.length >= 2 && cells.every((c) => c.getAttribute('data-value') === 'open');
  });
}

export const specs = [
  {
    name: 'a never-run day says so and offers to run it',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${NEVER_RUN}`);
      const prompt = page.locator('[data-testid=recon-not-run]');
      await prompt.waitFor();
      assert((await prompt.textContent()).includes('Not reconciled yet'), 'the prompt says not reconciled yet');
      assert(await prompt.locator('[data-testid=recon-run-now]').isVisible(), 'an analyst gets "Run now"');
      const s = (await kit.apiGet(ctx, '/reconciliation/summary', { date: NEVER_RUN })).data;
      if (s.next_run_at) {
        const text = await prompt.locator('[data-testid=recon-next-run]').textContent();
        assert(/Next automatic run at \d\d \w{3} \d{4}, \d\d:\d\d/.test(text), `next run time shown: ${text}`);
      }
      assertEqual(await page.locator('[data-testid=recon-total]').count(), 0, 'no zero figures for a day never run');
      await kit.shot(page, 'never-run');

      const viewer = await kit.signIn('viewer');
      await viewer.page.goto(`${config.baseUrl}/reconciliation/?date=${NEVER_RUN}`);
      await viewer.page.locator('[data-testid=recon-not-run]').waitFor();
      assertEqual(await viewer.page.locator('[data-testid=recon-run-now]').count(), 0, 'a viewer gets no "Run now"');
    },
  },
  {
    name: 'open a discrepancy and see both sides',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${DATE}`);
      await page.locator('[data-testid=recon-run]').waitFor();
      await ensureReconciled(kit, ctx, page);
      // A kind with a row on both sides and a field that differs: amount, else status, else time.
      const byType = (await kit.apiGet(ctx, '/reconciliation/summary', { date: DATE })).data.discrepancies.by_type;
      const kind = ['amount', 'status', 'time'].find((t) => (byType[t] ?? 0) > 0);
      assert(kind, `${DATE} has an amount, status or time discrepancy`);
      const field = { amount: 'amount', status: 'status', time: 'created_at' }[kind];
      await page.selectOption('[data-testid=recon-type]', kind);
      // The previous rows stay until the filtered list arrives: wait for rows of this kind only.
      await page.waitForFunction((t) => {
        const cells = [...document.querySelectorAll('[data-testid=discrepancy-row] [data-testid=discrepancy-type]')];
        return cells.length > 0 && cells.every((c) => c.getAttribute('data-value') === t);
      }, kind);
      const row = page.locator('[data-testid=discrepancy-row]').first();
      // Keyboard: focus the row and press Enter.
      await row.focus();
      await page.keyboard.press('Enter');
      const drawer = page.locator('[data-testid=discrepancy-drawer]');
      await drawer.waitFor();
      await page.waitForURL((u) => !!u.searchParams.get('open'));
      const id = new URL(page.url()).searchParams.get('open');
      const d = (await kit.apiGet(ctx, `/reconciliation/discrepancies/${id}`)).data;
      await drawer.locator('[data-testid=discrepancy-sides]').waitFor();
      assertEqual((await drawer.locator('[data-testid=discrepancy-cid]').textContent()).trim(), d.client_operation_id, 'c_id');
      // Both sides, ids linking to the transactions.
      for (const [side, txId] of [
        ['vima', d.vima?.transaction_id ?? d.vima_txn_id],
        ['payshack', d.payshack?.transaction_id ?? d.payshack_txn_id],
      ]) {
        assert(txId, `the ${kind} discrepancy has a ${side} row`);
        const link = drawer.locator(`a[href="/transactions/?id=${txId}"]`);
        assertEqual(await link.count(), 1, `${side} id links to its transaction`);
      }
      const diffRow = drawer.locator(`[data-testid=side-row-${field}]`);
      assertEqual(await diffRow.getAttribute('data-differs'), 'true', `the ${field} is marked as differing`);
      const differed = await drawer.locator('[data-testid=discrepancy-differences]').textContent();
      const says = { amount: 'Amount: Vima − PayShack', status: 'Status: Vima', time: 'Time gap:' }[kind];
      if (kind !== 'time' || d.time_gap_minutes !== undefined) {
        assert(differed.includes(says), `the difference is spelled out: ${differed}`);
      }
      await kit.shot(page, 'drawer');
      // The same panel in the light theme (opened from the URL after a reload).
      await page.evaluate(() => localStorage.setItem('psp.theme', 'light'));
      await page.reload();
      await page.locator('[data-testid=discrepancy-drawer] [data-testid=discrepancy-sides]').waitFor();
      await kit.shot(page, 'drawer-light');

      // The link opens the transaction's own drawer.
      const vimaId = d.vima?.transaction_id ?? d.vima_txn_id;
      await drawer.locator(`a[href="/transactions/?id=${vimaId}"]`).click();
      await page.locator('[data-testid=tx-drawer]').waitFor();
      assert(page.url().includes(`id=${vimaId}`), 'on the transaction');
    },
  },
  {
    name: 'assign, comment and bulk resolve with one note',
    async run(kit) {
      const { page, ctx, me } = await kit.signIn('analyst');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${DATE}`);
      await page.locator('[data-testid=recon-run]').waitFor();
      await ensureReconciled(kit, ctx, page);
      await openRows(page);

      // Assign the first row to me and comment on it.
      await page.locator('[data-testid=discrepancy-row]').first().click();
      const drawer = page.locator('[data-testid=discrepancy-drawer]');
      await drawer.waitFor();
      const id = new URL(page.url()).searchParams.get('open');
      await drawer.locator('[data-testid=assign-me]').click();
      await drawer.locator(`[data-testid=discrepancy-owner][data-value="${me.email}"]`).waitFor();
      const body = `e2e: asked PayShack support ${Date.now()}`;
      await drawer.locator('[data-testid=comment-body]').fill(body);
      await drawer.locator('[data-testid=comment-submit]').click();
      await drawer.locator('[data-testid=discrepancy-comment]', { hasText: body }).waitFor();
      const d = (await kit.apiGet(ctx, `/reconciliation/discrepancies/${id}`)).data;
      assertEqual(d.owner?.email, me.email, 'owner saved');
      assert(
        d.comments.some((c) => c.body === body),
        'comment saved',
      );
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });

      // "Mine" shows the row just taken.
      await page.selectOption('[data-testid=recon-owner]', 'me');
      await page.waitForURL((u) => u.searchParams.get('owner') === 'me');
      await page.waitForFunction((email) => {
        const cells = [...document.querySelectorAll('[data-testid=discrepancy-row] [data-testid=discrepancy-owner-cell]')];
        return cells.length > 0 && cells.every((c) => c.getAttribute('data-value') === email);
      }, me.email);
      await page.selectOption('[data-testid=recon-owner]', { index: 0 });
      await page.waitForURL((u) => !u.searchParams.has('owner'));
      await openRows(page);

      // Tick two rows, resolve them with one note.
      const rows = page.locator('[data-testid=discrepancy-row]');
      const ids = [];
      for (const i of [0, 1]) {
        await rows.nth(i).locator('[data-testid=discrepancy-select]').check();
        ids.push(await rows.nth(i).locator('[data-testid=discrepancy-select]').getAttribute('aria-label'));
      }
      assertEqual(await page.locator('[data-testid=discrepancy-drawer]').count(), 0, 'ticking a row does not open it');
      const bulk = page.locator('[data-testid=bulk-resolve]');
      assert((await bulk.textContent()).includes('(2)'), 'the button counts the ticked rows');
      await bulk.click();
      const dialog = page.locator('[data-testid=bulk-resolve-dialog]');
      await dialog.waitFor();
      const note = `e2e: bulk, explained by the PSP ${Date.now()}`;
      await dialog.locator('[data-testid=bulk-resolve-note]').fill(note);
      await dialog.locator('[data-testid=bulk-resolve-submit]').click();
      await dialog.waitFor({ state: 'detached' });
      const resolved = (
        await kit.apiGet(ctx, '/reconciliation/discrepancies', {
          from_date: DATE,
          to_date: DATE,
          resolution: 'resolved',
          limit: 100,
        })
      ).data.filter((x) => x.note === note);
      assertEqual(resolved.length, 2, 'both ticked rows resolved with the one note');
      const cids = resolved.map((x) => `Select ${x.client_operation_id ?? x.id}`).sort();
      assertEqual(JSON.stringify(cids), JSON.stringify([...ids].sort()), 'exactly the ticked rows');
      await kit.shot(page, 'after-bulk');
    },
  },
];

import { assert, assertEqual, config, daysAgo, digits, moneyDigits } from '../harness.mjs';

const DATE = process.env.E2E_RECON_DATE || daysAgo(1);

async function runAndWait(page) {
  await page.click('[data-testid=recon-run]');
  await page
    .locator('[data-testid=recon-progress]')
    .waitFor()
    .catch(() => undefined);
  await page.locator('[data-testid=recon-progress]').waitFor({ state: 'detached', timeout: 180_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=recon-run][aria-busy=true]'), null, {
    timeout: 180_000,
  });
}

/**
 * With the sandbox's admin URL (run-e2e.sh sets E2E_SANDBOX_ADMIN), the day's counts on
 * screen and in the API must equal what the sandbox says a correct reconciliation finds.
 */
async function checkAgainstTruth(page, kit, ctx) {
  const admin = process.env.E2E_SANDBOX_ADMIN;
  if (!admin) return;
  const qs = new URLSearchParams({ date: DATE, tz: process.env.E2E_RECON_TIMEZONE || 'UTC' });
  if (process.env.E2E_RECON_PROJECTS) qs.set('projects', process.env.E2E_RECON_PROJECTS);
  const res = await fetch(`${admin}/truth/reconciliation?${qs}`);
  assert(res.ok, `sandbox truth → ${res.status}`);
  const truth = (await res.json()).summary;
  const missing = (truth.by_match_status.missing_vima ?? 0) + (truth.by_match_status.missing_payshack ?? 0);
  const api = (await kit.apiGet(ctx, '/reconciliation/summary', { date: DATE })).data;
  assertEqual(api.total_transactions, truth.total_transactions, 'API total = sandbox truth');
  assertEqual(api.matched.count, truth.by_match_status.matched ?? 0, 'API matched = sandbox truth');
  assertEqual(api.discrepancies.count, truth.by_match_status.discrepancy ?? 0, 'API discrepancies = sandbox truth');
  assertEqual(api.missing.count, missing, 'API missing = sandbox truth');
  for (const [type, n] of Object.entries(truth.by_type)) {
    if (type !== 'missing') assertEqual(api.discrepancies.by_type[type] ?? 0, n, `API ${type} discrepancies = sandbox truth`);
  }
  const onScreen = async (id) => digits(await page.locator(`[data-testid=${id}]`).textContent());
  assertEqual(await onScreen('recon-total'), String(truth.total_transactions), 'total on screen');
  assertEqual(await onScreen('recon-discrepancies'), String(truth.by_match_status.discrepancy ?? 0), 'discrepancies on screen');
  assertEqual(await onScreen('recon-missing'), String(missing), 'missing on screen');
}

/** The money-at-risk card equals the API, and its definition opens on keyboard focus. */
async function checkMoneyAtRisk(page, kit, ctx) {
  const risk = (await kit.apiGet(ctx, '/reconciliation/summary', { date: DATE })).data.money_at_risk;
  const card = page.locator('[data-testid=money-at-risk-card]');
  await card.waitFor();
  assertEqual(
    await card.locator('[data-testid=recon-money-at-risk]').getAttribute('data-value'),
    String(risk.total),
    'money at risk = API',
  );
  assertEqual(
    digits(await card.locator('[data-testid=recon-money-at-risk]').textContent()),
    moneyDigits(risk.total),
    'money at risk on screen',
  );
  const tip = page.locator('[data-testid=money-at-risk-tip]');
  assert(!(await tip.isVisible()), 'the breakdown is hidden until asked for');
  await page.locator('[data-testid=money-at-risk-info]').focus();
  await tip.waitFor({ state: 'visible' });
  assert((await tip.textContent()).includes('Amount differences'), 'the breakdown names the kinds');
  if (risk.awaiting) {
    assertEqual(
      await card.locator('[data-testid=money-awaiting]').getAttribute('data-value'),
      String(risk.awaiting.amount),
      'awaiting apart',
    );
  }
  await kit.shot(page, 'money-at-risk-tip');
  await page.locator('[data-testid=money-at-risk-info]').blur();
}

export const specs = [
  {
    name: 'run a reconciliation, resolve a discrepancy, and it stays resolved after a re-run',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst');
      await page.goto(`${config.baseUrl}/reconciliation/?date=${DATE}`);
      // A day never run shows "Not reconciled yet" instead of the figures; either way the button is there.
      await page.locator('[data-testid=recon-run]').waitFor();
      await runAndWait(page);
      await page.locator('[data-testid=recon-total]').waitFor();
      await page.locator('[data-testid=recon-runs]').waitFor();
      await checkAgainstTruth(page, kit, ctx);
      await checkMoneyAtRisk(page, kit, ctx);

      await page.selectOption('[data-testid=recon-resolution]', 'open');
      // The previous rows stay on screen until the filtered list arrives: wait for it.
      await page.waitForFunction(() => {
        const cells = [...document.querySelectorAll('[data-testid=discrepancy-row] [data-testid=discrepancy-resolution]')];
        return cells.length > 0 && cells.every((c) => c.getAttribute('data-value') === 'open');
      });
      const first = page.locator('[data-testid=discrepancy-row]').first();
      const cid = (await first.locator('[data-testid=discrepancy-cid-cell]').textContent()).trim();
      assert(cid && cid !== '—', 'the discrepancy has a client operation id');
      const row = page.locator('[data-testid=discrepancy-row]', { hasText: cid });
      await kit.shot(page, 'before-resolve');

      await row.locator('[data-testid=discrepancy-resolve]').click();
      const dialog = page.locator('[data-testid=resolve-dialog]');
      await dialog.waitFor();
      await dialog.locator('[data-testid=resolve-resolution]').selectOption('resolved');
      const note = `e2e: checked with the PSP ${Date.now()}`;
      await dialog.locator('[data-testid=resolve-note]').fill(note);
      await dialog.locator('[data-testid=resolve-submit]').click();
      await dialog.waitFor({ state: 'detached' });

      const isResolved = async () => {
        const list = (
          await kit.apiGet(ctx, '/reconciliation/discrepancies', {
            from_date: DATE,
            to_date: DATE,
            resolution: 'resolved',
            limit: 100,
          })
        ).data;
        return list.find((d) => d.client_operation_id === cid);
      };
      let d = await isResolved();
      assert(d, `${cid} is resolved in the API`);
      assertEqual(d.note, note, 'note saved');

      await runAndWait(page);
      d = await isResolved();
      assert(d, `${cid} is still resolved after a re-run`);
      assertEqual(d.note, note, 'note kept after a re-run');

      await page.selectOption('[data-testid=recon-resolution]', 'resolved');
      const resolvedRow = page.locator('[data-testid=discrepancy-row]', { hasText: cid });
      await resolvedRow.waitFor();
      assertEqual(
        await resolvedRow.locator('[data-testid=discrepancy-resolution]').getAttribute('data-value'),
        'resolved',
        'row shows resolved',
      );
      await kit.shot(page, 'after-rerun');
    },
  },
];

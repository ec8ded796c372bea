import { readFile } from 'node:fs/promises';
import { assert, assertEqual, config } from '../harness.mjs';

/** A control the role may not use is shown, disabled, with the reason (not hidden). */
async function assertGuarded(page, testId, reason) {
  const el = page.locator(`[data-testid=${testId}]`).first();
  await el.waitFor();
  assertEqual(await el.getAttribute('aria-disabled'), 'true', `${testId} is disabled`);
  const said = await el.getAttribute('data-disabled-reason');
  assertEqual(said, reason, `${testId} says why`);
  // The reason is what assistive tech reads with the control, and shows on hover.
  const describedBy = await el.getAttribute('aria-describedby');
  const tip = page.locator(`[id="${describedBy}"]`);
  assertEqual((await tip.textContent()).trim(), reason, `${testId}'s description`);
  await el.hover();
  await tip.waitFor({ state: 'visible' });
}

export const specs = [
  {
    name: 'a viewer sees masked payer data and no admin or analyst controls',
    async run(kit) {
      const admin = await kit.signIn('admin');
      const sample = (await kit.apiGet(admin.ctx, '/transactions', { limit: 20 })).data.find((t) => t.user_email);
      assert(sample, 'a transaction with a payer email exists');
      assert(/^[^*•]+@[^*•]+$/.test(sample.user_email), `admin sees the plain email (${sample.user_email})`);

      const { page } = await kit.signIn('viewer');
      await page.goto(`${config.baseUrl}/transactions/?id=${sample.id}&search=${encodeURIComponent(sample.id)}`);
      // The list: the row's payer e-mail is masked.
      const row = page.locator('[data-testid=tx-row]', { hasText: sample.id.slice(0, 8) }).first();
      await row.waitFor();
      const rowText = await row.textContent();
      assert(!rowText.includes(sample.user_email), `the list shows ${sample.user_email} to a viewer`);
      assert(/[*•]/.test(rowText), `the list row shows a masked e-mail (${rowText})`);
      const drawer = page.locator('[data-testid=tx-drawer]');
      await drawer.locator('[data-testid=tx-raw]').waitFor();
      const email = (await drawer.locator('[data-testid=tx-detail-email]').textContent()).trim();
      assert(email !== sample.user_email, `viewer must not see ${sample.user_email} (saw ${email})`);
      if (sample.user_phone) {
        const phone = (await drawer.locator('[data-testid=tx-detail-phone]').textContent()).trim();
        assert(phone !== sample.user_phone, 'viewer must not see the phone number');
      }
      const raw = await drawer.locator('[data-testid=tx-raw]').textContent();
      assert(!raw.includes(sample.user_email), 'raw data is masked for viewers too');
      if (sample.user_phone) assert(!raw.includes(sample.user_phone), 'no plain phone number in the raw data');
      for (const part of String(sample.user_name ?? '')
        .split(/\s+/)
        .filter((x) => x.length >= 4)) {
        assert(!raw.includes(part), `no plain payer name (${part}) in the raw data`);
      }
      await drawer.locator('[data-testid=tx-raw]').scrollIntoViewIfNeeded();
      await kit.shot(page, 'viewer-drawer');
      await page.keyboard.press('Escape');

      await assertGuarded(page, 'tx-export', 'Analysts and admins can export.');
      assert((await page.locator('[data-testid=nav-settings]').count()) === 0, 'viewer has no settings link');
      await page.goto(`${config.baseUrl}/reconciliation/`);
      await page.locator('[data-testid=recon-date]').waitFor();
      await assertGuarded(page, 'recon-run', 'Analysts and admins can run a reconciliation.');
      await assertGuarded(page, 'recon-export', 'Analysts and admins can export.');
      await assertGuarded(page, 'bulk-resolve', 'Analysts and admins can resolve discrepancies.');
      // A click on a guarded control does nothing: no run starts.
      await page.click('[data-testid=recon-run]', { force: true });
      assertEqual(await page.locator('[data-testid=recon-progress]').count(), 0, 'no reconciliation started');
      await kit.shot(page, 'viewer-reconciliation-guarded');
      await page.goto(`${config.baseUrl}/sync/`);
      await page.locator('[data-testid^=sync-card-]').first().waitFor();
      for (const id of ['sync-now-all', 'sync-now-vima', 'sync-now-payshack'])
        await assertGuarded(page, id, 'Only admins can trigger a sync.');
      await assertGuarded(page, 'backfill-start', 'Only admins can start a backfill.');
    },
  },
  {
    name: 'an analyst can export and reconcile but not administer',
    async run(kit) {
      const { page } = await kit.signIn('analyst');
      await page.goto(`${config.baseUrl}/transactions/`);
      await page.locator('[data-testid=tx-export]').waitFor();
      assert((await page.locator('[data-testid=nav-settings]').count()) === 0, 'analyst has no settings link');
      await page.goto(`${config.baseUrl}/sync/`);
      await page.locator('[data-testid^=sync-card-]').first().waitFor();
      await assertGuarded(page, 'sync-now-vima', 'Only admins can trigger a sync.');
      await page.locator('[data-testid=backfill-reason]', { hasText: 'Only admins can start a backfill.' }).waitFor();
      await kit.shot(page, 'analyst-sync-guarded');
    },
  },
  {
    name: 'a role change asks for confirmation, and the audit log says it in words',
    async run(kit) {
      const { page, ctx } = await kit.signIn('admin');
      const email = `role-${Date.now()}@example.com`;
      const created = (await kit.apiPost(ctx, '/users', { email, role: 'viewer', password: 'a-long-password-1234' })).data;
      const roleOf = async () => (await kit.apiGet(ctx, '/users')).data.find((u) => u.id === created.id).role;

      await page.goto(`${config.baseUrl}/settings/`);
      const row = page.locator('[data-testid=users-table] tr', { hasText: email });
      await row.waitFor();
      // Cancel: nothing changes.
      await row.locator('[data-testid=user-role]').selectOption('admin');
      const dialog = page.locator('[data-testid=role-dialog]');
      await dialog.waitFor();
      assert((await dialog.textContent()).includes(`Make ${email} an admin?`), 'the dialog asks "Make … an admin?"');
      assert(
        (await dialog.locator('[data-testid=role-consequence]').textContent()).includes('They will be able to manage users'),
        'it says what an admin can do',
      );
      await kit.shot(page, 'role-confirm');
      await dialog.locator('[data-testid=role-cancel]').click();
      await dialog.waitFor({ state: 'detached' });
      assertEqual(await roleOf(), 'viewer', 'cancel leaves the role');
      assertEqual(await row.locator('[data-testid=user-role]').inputValue(), 'viewer', 'the select shows the old role again');
      // Confirm: the role changes.
      await row.locator('[data-testid=user-role]').selectOption('analyst');
      await dialog.locator('[data-testid=role-confirm]').click();
      await dialog.waitFor({ state: 'detached' });
      assertEqual(await roleOf(), 'analyst', 'confirm changes the role');

      // The audit log: a human action name, and the full details on open.
      await page.goto(`${config.baseUrl}/settings/?tab=audit`);
      const first = page.locator('[data-testid=audit-row]').first();
      await first.waitFor();
      const action = (await first.locator('[data-testid=audit-action]').textContent()).trim();
      assert(action && !/^[a-z_]+\.[a-z_.]+$/.test(action), `the action is said in words (${action})`);
      await first.click();
      const drawer = page.locator('[data-testid=audit-drawer]');
      await drawer.locator('[data-testid=audit-details]').waitFor();
      await kit.shot(page, 'audit-drawer');
      await page.keyboard.press('Escape');
      // Export: a CSV with the role change in it.
      const downloading = page.waitForEvent('download', { timeout: 60_000 });
      await page.click('[data-testid=audit-export]');
      const csv = await readFile(await (await downloading).path(), 'utf8');
      assert(csv.split('\n').length > 2, 'the CSV has a header and rows');
      assert(csv.includes(email), `the CSV names ${email}`);
    },
  },
];

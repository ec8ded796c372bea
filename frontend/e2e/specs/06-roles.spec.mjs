import { assert, config } from '../harness.mjs';

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

      assert((await page.locator('[data-testid=tx-export]').count()) === 0, 'viewer has no export button');
      assert((await page.locator('[data-testid=nav-settings]').count()) === 0, 'viewer has no settings link');
      await page.goto(`${config.baseUrl}/reconciliation/`);
      await page.locator('[data-testid=recon-date]').waitFor();
      assert((await page.locator('[data-testid=recon-run]').count()) === 0, 'viewer cannot run reconciliation');
      await page.goto(`${config.baseUrl}/sync/`);
      await page.locator('[data-testid^=sync-card-]').first().waitFor();
      assert((await page.locator('[data-testid^=sync-now]').count()) === 0, 'viewer cannot trigger a sync');
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
      assert((await page.locator('[data-testid^=sync-now]').count()) === 0, 'analyst cannot trigger a sync');
    },
  },
];

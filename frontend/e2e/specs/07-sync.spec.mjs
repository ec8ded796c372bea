import { execSync } from 'node:child_process';
import { assert, config, poll } from '../harness.mjs';

const SOURCE = process.env.E2E_FAILING_SOURCE || 'payshack';

export const specs = [
  {
    name: 'the sync page shows an injected failure',
    async run(kit) {
      // The harness owner injects the failure (e.g. makes the sandbox answer 502) with this command.
      if (process.env.E2E_INJECT_FAILURE_CMD) execSync(process.env.E2E_INJECT_FAILURE_CMD, { stdio: 'inherit' });
      const { page, ctx } = await kit.signIn('admin');
      await page.goto(`${config.baseUrl}/sync/`);
      const card = page.locator(`[data-testid=sync-card-${SOURCE}]`);
      await card.waitFor();
      await page.click(`[data-testid=sync-now-${SOURCE}]`);
      // The run just triggered may still be going: wait until the API reports the failure.
      const status = await poll(
        async () => {
          const s = (await kit.apiGet(ctx, '/sync/status')).data.sources.find((x) => x.source === SOURCE);
          return s?.status === 'failed' && s.error_message ? s : null;
        },
        `GET /sync/status reports ${SOURCE} failed with an error message`,
        120_000,
      );
      // The page (live updates / refetch) shows the same state and error.
      await page.waitForFunction(
        (src) => document.querySelector(`[data-testid=sync-state-${src}]`)?.textContent?.includes('failed'),
        SOURCE,
        { timeout: 60_000, polling: 1000 },
      );
      const code = status.error_message.split(/[\s:]/)[0];
      await page.waitForFunction(
        ([src, text]) => document.querySelector(`[data-testid=sync-error-${src}]`)?.textContent?.includes(text),
        [SOURCE, code],
        { timeout: 60_000, polling: 1000 },
      );
      const error = (await page.locator(`[data-testid=sync-error-${SOURCE}]`).textContent()).trim();
      assert(error && error !== 'None', 'the card shows the last error');
      await page.locator('[data-testid=sync-run-row][data-status=failed]').first().waitFor({ timeout: 60_000 });
      await kit.shot(page, 'failure');
    },
  },
];

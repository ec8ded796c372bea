#!/usr/bin/env node
/**
 * DEV-ONLY: sign in to the fixture preview and screenshot pages for a visual check.
 *   node dev/screenshots.mjs [baseUrl=http://127.0.0.1:4000] [width=1280] [outDir=/tmp/psp-shots] [email] [paths...]
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:4000', width = '1280', out = '/tmp/psp-shots', email = 'admin@psp.example', ...paths] =
  process.argv.slice(2);
const pages = paths.length ? paths : ['/', '/transactions/', '/reconciliation/', '/sync/', '/settings/'];
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const ctx = await browser.newContext({ viewport: { width: Number(width), height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('console', m.text()));
  await page.goto(`${base}/login/`);
  await page.screenshot({ path: `${out}/login-${width}.png` });
  await page.fill('[data-testid=login-email]', email);
  await page.fill('[data-testid=login-password]', 'x');
  await page.click('[data-testid=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  for (const p of pages) {
    await page.goto(`${base}${p}`);
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForTimeout(900);
    const name = p.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'overview';
    await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true });
    console.log('shot', p);
  }
} finally {
  await browser.close();
}

#!/usr/bin/env node
/**
 * `npm run e2e [-- name-filter ...]` — runs every spec in e2e/specs against E2E_BASE_URL
 * with Debian's chromium, saves screenshots to e2e-screenshots/, and prints
 * "N passed, N failed" as its last line (non-zero exit when anything failed).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { config, makeKit, withBrowser } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).concat(process.env.E2E_ONLY ? [process.env.E2E_ONLY] : []);
const files = readdirSync(path.join(here, 'specs'))
  .filter((f) => f.endsWith('.spec.mjs'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

console.log(`e2e against ${config.baseUrl} (${files.length} spec files)`);
let passed = 0;
let failed = 0;
let skipped = 0;

await withBrowser(async (browser) => {
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(here, 'specs', file)).href);
    for (const spec of mod.specs) {
      const name = `${file.replace('.spec.mjs', '')} › ${spec.name}`;
      const kit = makeKit(browser, file.replace('.spec.mjs', ''));
      const started = Date.now();
      try {
        const result = await spec.run(kit);
        if (result === 'skip') {
          skipped++;
          console.log(`  - SKIP ${name}`);
        } else {
          passed++;
          console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
        }
      } catch (e) {
        failed++;
        console.log(
          `  ✗ ${name} (${Date.now() - started} ms)\n      ${String(e?.stack || e)
            .split('\n')
            .slice(0, 4)
            .join('\n      ')}`,
        );
        for (const f of await kit.failureShots()) console.log(`      screenshot: ${path.relative(process.cwd(), f)}`);
      } finally {
        await kit.close();
      }
    }
  }
});

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);

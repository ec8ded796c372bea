#!/usr/bin/env node
/**
 * `npm run size` (after `npm run build`): gzipped JavaScript each exported page loads —
 * every <script src> in its HTML, which for the App Router is the full set of chunks the
 * route needs before it is interactive (nomodule polyfills excluded). Fails when a page exceeds the budget (350 KB gz).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB || 350);
const PAGES = [
  'index.html',
  'login/index.html',
  'transactions/index.html',
  'reconciliation/index.html',
  'sync/index.html',
  'settings/index.html',
  'alerts/index.html',
];

if (!existsSync(out)) {
  console.error('out/ not found: run `npm run build` first');
  process.exit(1);
}

const gz = new Map();
function gzSize(src) {
  if (!gz.has(src)) {
    const file = path.join(out, src.replace(/^\//, '').split('?')[0]);
    gz.set(src, gzipSync(readFileSync(file), { level: 9 }).length);
  }
  return gz.get(src);
}

let over = false;
console.log(`page                         scripts   gzipped JS   (budget ${BUDGET_KB} KB)`);
for (const page of PAGES) {
  const file = path.join(out, page);
  if (!existsSync(file)) continue;
  const html = readFileSync(file, 'utf8');
  // nomodule polyfills are skipped by every browser we support, so they are not counted.
  const tags = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]).filter((attrs) => !/nomodule/i.test(attrs));
  const srcs = [...new Set(tags.map((a) => /src="([^"]+\.js)"/.exec(a)?.[1]).filter(Boolean))];
  const total = srcs.reduce((a, s) => a + gzSize(s), 0) / 1024;
  const flag = total > BUDGET_KB ? '  OVER BUDGET' : '';
  if (total > BUDGET_KB) over = true;
  console.log(
    `${('/' + page.replace(/index\.html$/, '')).padEnd(28)} ${String(srcs.length).padStart(7)} ${total.toFixed(1).padStart(9)} KB${flag}`,
  );
}
process.exit(over ? 1 : 0);

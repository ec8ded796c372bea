#!/usr/bin/env node
/**
 * Part of `npm run build`: writes `<file>.gz` beside every text asset of out/ over 1 KB.
 * The backend hands those bytes to browsers that accept gzip (backend
 * psp_dashboard/dashboard_files.py), so no request pays for compression.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
const TEXT = new Set(['.js', '.css', '.html', '.txt', '.svg', '.json', '.map']);
const MIN_BYTES = 1024;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (TEXT.has(path.extname(entry.name)) && statSync(full).size > MIN_BYTES) yield full;
  }
}

let count = 0;
let before = 0;
let after = 0;
for (const file of files(out)) {
  const raw = readFileSync(file);
  const packed = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${file}.gz`, packed);
  count += 1;
  before += raw.length;
  after += packed.length;
}
console.log(`precompressed ${count} files: ${(before / 1024).toFixed(0)} KB → ${(after / 1024).toFixed(0)} KB gzip`);

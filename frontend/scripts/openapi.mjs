#!/usr/bin/env node
/**
 * API types from the backend's OpenAPI document.
 *   npm run gen:api    openapi.json → src/lib/api/schema.d.ts
 *   npm run check:api  regenerate into a temp file; fail when schema.d.ts is stale (CI)
 * openapi.json is produced by the backend (`psp openapi > frontend/openapi.json`). Until it
 * exists, the hand-written src/lib/api/types.ts is the contract and check:api says so and
 * passes; set OPENAPI_REQUIRED=1 to make a missing openapi.json an error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = path.join(root, 'openapi.json');
const target = path.join(root, 'src/lib/api/schema.d.ts');
const bin = path.join(root, 'node_modules/.bin/openapi-typescript');
const mode = process.argv[2];

function generate(out) {
  execFileSync(bin, [spec, '--output', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  // Prettier-normalise so the committed file and the check compare the same text.
  execFileSync(
    path.join(root, 'node_modules/.bin/prettier'),
    ['--write', '--config', path.join(root, '.prettierrc.json'), '--ignore-path', '', out],
    { cwd: root, stdio: 'ignore' },
  );
}

if (!existsSync(spec)) {
  const msg =
    'openapi.json not found: the hand-written src/lib/api/types.ts is in use (run `psp openapi > frontend/openapi.json`).';
  if (process.env.OPENAPI_REQUIRED === '1' || mode === 'gen') {
    console.error(msg);
    process.exit(1);
  }
  console.log(`check:api: ${msg}`);
  process.exit(0);
}

if (mode === 'gen') {
  generate(target);
  console.log(`wrote ${path.relative(root, target)}`);
} else if (mode === 'check') {
  const tmp = path.join(os.tmpdir(), `psp-openapi-${process.pid}.d.ts`);
  try {
    generate(tmp);
    const fresh = readFileSync(tmp, 'utf8');
    const committed = existsSync(target) ? readFileSync(target, 'utf8') : null;
    if (committed !== fresh) {
      console.error('check:api: src/lib/api/schema.d.ts is stale or missing — run `npm run gen:api` and commit it.');
      process.exit(1);
    }
    console.log('check:api: schema.d.ts matches openapi.json');
  } finally {
    rmSync(tmp, { force: true });
  }
} else {
  console.error('usage: node scripts/openapi.mjs gen|check');
  process.exit(2);
}

#!/usr/bin/env bash
# Frontend checks: install, unit tests, lint, types, OpenAPI freshness, build, size, e2e.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/frontend"
export NEXT_TELEMETRY_DISABLED=1
npm ci --no-audit --no-fund --loglevel=error
npm test --silent
npm run --silent lint
npm run --silent typecheck

# The committed OpenAPI document must be the backend's current one, and the generated
# TypeScript types must be generated from it: CI fails when either is stale.
fresh="$(mktemp)"
(cd "$root/backend" && uv run --frozen psp openapi) > "$fresh"
if ! diff -q "$fresh" openapi.json >/dev/null 2>&1; then
  echo "frontend/openapi.json is stale: run 'cd backend && uv run psp openapi > ../frontend/openapi.json && cd ../frontend && npm run gen:api'" >&2
  rm -f "$fresh"
  exit 1
fi
rm -f "$fresh"
OPENAPI_REQUIRED=1 npm run --silent check:api

npm run build --silent
touch out/.build-stamp
npm run --silent size
"$root/scripts/ensure-chromium.sh"
"$root/scripts/run-e2e.sh"

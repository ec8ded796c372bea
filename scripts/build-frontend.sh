#!/usr/bin/env bash
# Builds the dashboard's static export (frontend/out) when its sources are newer.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if [ ! -f package.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the API runs, the dashboard pages are not built" >&2
  exit 0
fi
stamp=out/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find src public package.json package-lock.json next.config.* -newer "$stamp" 2>/dev/null | head -1)" ]; then
  exit 0
fi
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
touch "$stamp"

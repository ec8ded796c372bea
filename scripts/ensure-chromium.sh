#!/usr/bin/env bash
# Browser tests drive the OS Chromium (Playwright's own download is unavailable here).
set -euo pipefail
path="${PLAYWRIGHT_CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $path: install Debian's 'chromium' package (or set PLAYWRIGHT_CHROMIUM_PATH)" >&2
  exit 1
fi
echo "installing Debian chromium…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null

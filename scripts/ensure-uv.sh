#!/usr/bin/env bash
# uv manages the backend's virtualenv from the lock file; install it from PyPI if missing.
set -euo pipefail
if command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1; then
  exit 0
fi
echo "installing uv from PyPI…" >&2
python3 -m pip install --quiet uv

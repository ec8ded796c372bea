#!/usr/bin/env bash
# End-to-end browser tests against the real backend (called by scripts/test-frontend.sh
# after `npm ci && npm run build`).
#
#   scripts/run-e2e.sh [spec filter ...]     e.g. scripts/run-e2e.sh 03 04
#
# 1. creates a throw-away database psp_e2e_<pid> on the PostgreSQL server of
#    TEST_DATABASE_URL (default postgres@127.0.0.1:5432) and a Redis key prefix e2e:<pid>:
#    on TEST_REDIS_URL (default redis://127.0.0.1:6379/0);
# 2. creates one user per role with random passwords (never printed);
# 3. starts `psp run` (demo: sandboxes on free ports, in-process sync, frontend/out at /)
#    with a small, fixed (not living) sandbox world;
# 4. waits for /api/v1/health and for both sources' first successful sync;
# 5. runs `npm run e2e` with the E2E_* variables the specs read;
# 6. stops the server, drops the database, deletes the Redis keys; exits with the e2e code.
#
# Knobs: E2E_READY_TIMEOUT (s, default 180), E2E_SYNC_TIMEOUT (s, default 300),
# E2E_KEEP_SCREENSHOTS=1 (do not clear frontend/e2e-screenshots first).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FRONTEND=$ROOT/frontend
BACKEND=$ROOT/backend
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
PSP=("${UV[@]}" run --frozen --quiet psp)

log() { printf '[e2e] %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 2
}

[ -f "$FRONTEND/out/index.html" ] || die "frontend/out is missing: run 'npm ci && npm run build' in frontend/ first"
command -v curl >/dev/null || die "curl is needed"
command -v psql >/dev/null || die "psql is needed (PostgreSQL client)"

READY_TIMEOUT=${E2E_READY_TIMEOUT:-180}
SYNC_TIMEOUT=${E2E_SYNC_TIMEOUT:-300}

# --- where things live -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/psp-e2e.XXXXXX")
chmod 700 "$WORK"
SERVER_LOG=$WORK/server.log
SERVER_PID=""
AWK_PID=""
DB_CREATED=""

PG_SERVER_URL=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_SERVER_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
DB_NAME=psp_e2e_$$
KEY_PREFIX="e2e:$$:"

# Same server and credentials as TEST_DATABASE_URL, another database; "+driver" dropped for psql.
url_with_db() {
  python3 - "$1" "$2" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
scheme = parts.scheme.split("+")[0]
print(urlunsplit((scheme, parts.netloc, "/" + sys.argv[2], parts.query, "")))
PY
}
PG_ADMIN_URL=$(url_with_db "$PG_SERVER_URL" postgres)
DB_URL=$(url_with_db "$PG_SERVER_URL" "$DB_NAME")

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
random_password() {
  python3 -c 'import secrets; print(secrets.token_urlsafe(24))'
}

# --- cleanup (always) --------------------------------------------------------------------
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  if [ -n "$AWK_PID" ]; then
    wait "$AWK_PID" 2>/dev/null || true
    AWK_PID=""
  fi
}

print_server_log() {
  if [ -s "$SERVER_LOG" ]; then
    log "last lines of the server log:"
    # Successful requests are noise here; errors, sync runs and tracebacks are kept.
    grep -v '"logger": "psp_dashboard.access".*"status": [23]' "$SERVER_LOG" | tail -n "${1:-60}" >&2 || true
  fi
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  stop_server
  if [ "$code" != 0 ]; then print_server_log 80; fi
  if [ -n "$DB_CREATED" ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$PG_ADMIN_URL" -qAtX -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 ||
      log "could not drop database $DB_NAME"
  fi
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -u "$REDIS_SERVER_URL" --scan --pattern "${KEY_PREFIX}*" 2>/dev/null |
      xargs -r -n 500 redis-cli -u "$REDIS_SERVER_URL" del >/dev/null 2>&1 || true
  else
    (cd "$BACKEND" && REDIS_URL="$REDIS_SERVER_URL" KEY_PREFIX="$KEY_PREFIX" "${UV[@]}" run --frozen --quiet python - <<'PY') >/dev/null 2>&1 || true
import os
import redis
r = redis.Redis.from_url(os.environ["REDIS_URL"])
keys = list(r.scan_iter(match=os.environ["KEY_PREFIX"] + "*", count=1000))
for i in range(0, len(keys), 500):
    r.delete(*keys[i : i + 500])
PY
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. database -------------------------------------------------------------------------
log "database $DB_NAME, Redis prefix $KEY_PREFIX"
PGOPTIONS="-c client_min_messages=warning" psql "$PG_ADMIN_URL" -qAtX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql "$PG_ADMIN_URL" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
DB_CREATED=1

# The server's environment. Provider URLs are blanked so that a developer's backend/.env
# cannot point the test at a real provider: the demo then starts the sandboxes.
PORT=$(free_port)
VIMA_PORT=$(free_port)
PAYSHACK_PORT=$(free_port)
while [ "$VIMA_PORT" = "$PORT" ]; do VIMA_PORT=$(free_port); done
while [ "$PAYSHACK_PORT" = "$PORT" ] || [ "$PAYSHACK_PORT" = "$VIMA_PORT" ]; do PAYSHACK_PORT=$(free_port); done
mkdir -p "$WORK/data"
SERVER_ENV=(
  DATABASE_URL="$DB_URL"
  REDIS_URL="$REDIS_SERVER_URL"
  REDIS_KEY_PREFIX="$KEY_PREFIX"
  DATA_DIR="$WORK/data"
  HOST=127.0.0.1
  PORT="$PORT"
  FRONTEND_DIR="$FRONTEND/out"
  LOG_LEVEL=INFO
  TIMEZONE=UTC
  RECON_TIMEZONE=UTC
  RECON_PROJECTS=91game
  ADMIN_EMAIL=
  ADMIN_PASSWORD=
  VIMA_BASE_URL=
  VIMA_API_KEY=
  PAYSHACK_BASE_URL=
  PAYSHACK_API_URL=
  PAYSHACK_TRANSPORT=api
  # One PayShack client is left unmapped on purpose: its pay-ins have no project (NULL),
  # which the pages must show as "unassigned" rather than break on.
  PAYSHACK_CLIENT_PROJECTS='{"91G_TECH_PVT_LTD": "91game", "MNCL_M5_Pvt_Ltd": "mncl_m5"}'
  PAYSHACK_DIAGNOSTICS_DIR="$WORK/data/diagnostics"
  # A failed sync gives up after a few quick retries (the sync spec injects a permanent 5xx).
  SYNC_MAX_RETRIES=2
  SYNC_BACKOFF_BASE_SECONDS=0.2
  # The analytics mirror: embedded chdb owned by the worker, fed every 5 s (docs/analytics.md).
  CLICKHOUSE_EMBEDDED=1
  ANALYTICS_FEED_SECONDS=5
  DEMO_SANDBOX_ARGS="--days 3 --per-day 1500 --seed 5 --vima-port $VIMA_PORT --payshack-port $PAYSHACK_PORT"
)

# --- 2. users ----------------------------------------------------------------------------
log "migrating and creating one user per role"
(cd "$BACKEND" && env "${SERVER_ENV[@]}" "${PSP[@]}" migrate up) >"$WORK/migrate.log" 2>&1 ||
  {
    cat "$WORK/migrate.log" >&2
    die "migration failed"
  }
declare -A EMAIL PASSWORD
for role in admin analyst viewer; do
  EMAIL[$role]="e2e-$role@example.com"
  PASSWORD[$role]=$(random_password)
  # Exported, not passed as an argument: argv is visible to every process (ps).
  (cd "$BACKEND" && export PSP_USER_PASSWORD="${PASSWORD[$role]}" &&
    env "${SERVER_ENV[@]}" "${PSP[@]}" users create "${EMAIL[$role]}" --role "$role") >/dev/null 2>"$WORK/users.err" ||
    {
      cat "$WORK/users.err" >&2
      die "could not create the $role user"
    }
done

# --- 3. server ---------------------------------------------------------------------------
# Output goes through a filter that drops the demo banner's sign-in lines (they carry the
# demo users' passwords) before anything reaches the log file.
mkfifo "$WORK/server.fifo"
awk '/Demo sign-ins/ { print "  Demo sign-ins: (not shown)"; skip = 3; fflush(); next }
     skip > 0 { skip--; next }
     { print; fflush() }' <"$WORK/server.fifo" >"$SERVER_LOG" &
AWK_PID=$!
# setsid: the server (uv and python) gets its own process group, stopped as a whole.
(cd "$BACKEND" && exec setsid env "${SERVER_ENV[@]}" "${PSP[@]}" run --no-migrate) >"$WORK/server.fifo" 2>&1 &
SERVER_PID=$!
BASE_URL="http://127.0.0.1:$PORT"
log "server pid $SERVER_PID at $BASE_URL"

server_alive() {
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
}

# --- 4. readiness ------------------------------------------------------------------------
started=$SECONDS
until curl -fsS --max-time 5 "$BASE_URL/api/v1/health" 2>/dev/null | grep -q '"status":"healthy"'; do
  server_alive
  [ $((SECONDS - started)) -lt "$READY_TIMEOUT" ] ||
    die "timeout: $BASE_URL/api/v1/health not healthy after ${READY_TIMEOUT}s"
  sleep 1
done
log "healthy after $((SECONDS - started))s"

# The sandboxes' admin endpoints (/_sandbox/..., the same on both ports). The start-up
# banner names the Vima sandbox's URL; that is the truth even if the ports asked for in
# DEMO_SANDBOX_ARGS were not honoured.
SANDBOX_ORIGIN=$(sed -n 's#.*Vima: sandbox at \(http://[^/ ]*\).*#\1#p' "$SERVER_LOG" | head -1)
SANDBOX_ORIGIN=${SANDBOX_ORIGIN:-http://127.0.0.1:$VIMA_PORT}
[ "$SANDBOX_ORIGIN" = "http://127.0.0.1:$VIMA_PORT" ] ||
  log "note: the Vima sandbox is at $SANDBOX_ORIGIN, not on the requested port $VIMA_PORT"
SANDBOX_ADMIN=$SANDBOX_ORIGIN/_sandbox
curl -fsS --max-time 5 "$SANDBOX_ADMIN/health" >/dev/null ||
  die "the sandbox admin endpoint $SANDBOX_ADMIN/health does not answer"

JAR=$WORK/admin.cookies
CSRF_FILE=$WORK/admin.csrf
printf '{"email":"%s","password":"%s"}' "${EMAIL[admin]}" "${PASSWORD[admin]}" |
  curl -fsS --max-time 10 -c "$JAR" -H 'Content-Type: application/json' --data-binary @- \
    "$BASE_URL/api/v1/auth/login" >/dev/null || die "the e2e admin cannot sign in through the API"
curl -fsS --max-time 10 -b "$JAR" "$BASE_URL/api/v1/auth/me" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["csrf_token"])' >"$CSRF_FILE" ||
  die "GET /auth/me gave no csrf_token"

sync_ready() {
  curl -fsS --max-time 10 -b "$JAR" "$BASE_URL/api/v1/sync/status" | python3 -c '
import json, sys
sources = {s["source"]: s for s in json.load(sys.stdin)["data"]["sources"]}
ok = [n for n in ("vima", "payshack") if (sources.get(n) or {}).get("last_successful_sync")]
print(" ".join(n + "=" + str((sources.get(n) or {}).get("status")) for n in ("vima", "payshack")))
sys.exit(0 if len(ok) == 2 else 1)'
}
started=$SECONDS
until state=$(sync_ready 2>/dev/null); do
  server_alive
  [ $((SECONDS - started)) -lt "$SYNC_TIMEOUT" ] ||
    die "timeout: both sources not synced after ${SYNC_TIMEOUT}s (${state:-no status})"
  sleep 2
done
log "first sync done after $((SECONDS - started))s ($state)"

# --- 5. the specs ------------------------------------------------------------------------
FAILING_SOURCE=${E2E_FAILING_SOURCE:-payshack}
INJECT=$WORK/inject-failure.sh
cat >"$INJECT" <<EOF
#!/usr/bin/env bash
# Makes the $FAILING_SOURCE sandbox answer 5xx to every data request, then triggers its sync.
set -euo pipefail
curl -fsS --max-time 10 -X PUT -H 'Content-Type: application/json' -d '{"share_5xx": 1.0}' \\
  "$SANDBOX_ADMIN/faults/$FAILING_SOURCE" >/dev/null
curl -fsS --max-time 10 -b "$JAR" -H "X-CSRF-Token: \$(cat "$CSRF_FILE")" \\
  -H 'Content-Type: application/json' -d '{"source": "$FAILING_SOURCE"}' \\
  "$BASE_URL/api/v1/sync/trigger" >/dev/null
echo "[e2e] $FAILING_SOURCE sandbox answers 5xx from now on; sync triggered" >&2
EOF
chmod 700 "$INJECT"

if [ $# -eq 0 ] && [ -z "${E2E_KEEP_SCREENSHOTS:-}" ]; then rm -rf "$FRONTEND/e2e-screenshots"; fi

# A whole day inside the sandbox world (3 UTC days ending today).
RECON_DATE=$(date -u -d 'yesterday' +%F)
set +e
(
  cd "$FRONTEND" &&
    export E2E_ADMIN_PASSWORD="${PASSWORD[admin]}" E2E_ANALYST_PASSWORD="${PASSWORD[analyst]}" \
      E2E_VIEWER_PASSWORD="${PASSWORD[viewer]}" &&
    env E2E_BASE_URL="$BASE_URL" \
      E2E_ADMIN_EMAIL="${EMAIL[admin]}" E2E_ANALYST_EMAIL="${EMAIL[analyst]}" E2E_VIEWER_EMAIL="${EMAIL[viewer]}" \
      E2E_RECON_DATE="${E2E_RECON_DATE:-$RECON_DATE}" \
      E2E_EXPORT_FROM="${E2E_EXPORT_FROM:-$(date -u -d '2 days ago' +%F)}" \
      E2E_EXPORT_TO="${E2E_EXPORT_TO:-$(date -u +%F)}" \
      E2E_FAILING_SOURCE="$FAILING_SOURCE" \
      E2E_INJECT_FAILURE_CMD="$INJECT" \
      E2E_SANDBOX_ADMIN="$SANDBOX_ADMIN" E2E_RECON_TIMEZONE=UTC E2E_RECON_PROJECTS=91game \
      npm run --silent e2e -- "$@"
)
code=$?
set -e
if [ "$code" != 0 ]; then log "e2e failed (exit $code)"; fi
exit "$code"

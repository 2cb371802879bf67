#!/usr/bin/env bash
# Run the action server (127.0.0.1:5055), Rasa with its HTTP API and channels
# (127.0.0.1:5005) and the demo salon page with the chat widget (127.0.0.1:8080)
# until Ctrl-C, then stop them together.
# Usage: scripts/run.sh [shell|interactive]
#   (with "shell" / "interactive": `rasa shell` / `rasa interactive` instead of the servers)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
MODEL="${MODEL:-models/scalp-care.tar.gz}"
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8080}"
CONSOLE_PORT="${CONSOLE_PORT:-8090}"
# The pages allowed to talk to Rasa from a browser (HTTP API and the socket.io
# widget channel), space-separated; RASA_PUBLIC_URL is where the page finds Rasa.
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://localhost:$RASA_PORT}"
# The effective channel credentials (written at each start; one file per run).
CREDENTIALS_FILE="${CREDENTIALS_FILE:-var/credentials.yml}"
mkdir -p var logs
# Rasa imports the project's components and tracker store from the repo root.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# TensorFlow (DIET, the response selector) on one thread per pool when serving: a
# message's operations are too small to share between cores and the idle threads
# spin, taking CPU from other conversations (docs/performance.md).
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}"
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
# The sentence encoder's products on one thread too: two finish a message about 5 ms
# sooner but cost about 20 ms more CPU (the second thread spins between products;
# bench/parse_cost.py, 2026-12-07), CPU the action server and other conversations need
# (addons/nlu/sentence_features.py; SENTENCE_ENCODER_THREADS=2 for the lowest latency).
export SENTENCE_ENCODER_THREADS="${SENTENCE_ENCODER_THREADS:-1}"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# Rasa would fall back to an in-memory tracker store, silently, if the configured
# one is unreachable: refuse to start instead.
"$BIN/python" scripts/check_stores.py

# The salon's own tables (Alembic migrations; a no-op when up to date).
"$BIN/python" -m salon.staff migrate >/dev/null

# Rasa's HTTP API (trackers, events, the model) needs this token (?token=...). One per
# run unless set; written to $API_TOKEN_FILE (var/api-token, readable by its owner only)
# for the staff tools and local scripts, and handed to Rasa in the environment, never
# on the command line (where `ps` shows it).
if [ -z "${RASA_API_TOKEN:-}" ]; then
  RASA_API_TOKEN="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')"
  API_TOKEN_FILE="${API_TOKEN_FILE:-var/api-token}"
  (umask 077 && printf '%s\n' "$RASA_API_TOKEN" >"$API_TOKEN_FILE")
  echo "HTTP API token for this run in $API_TOKEN_FILE"
fi
export RASA_API_TOKEN
# Rasa's telemetry stays off: the assistant hears about people's health.
export RASA_TELEMETRY_ENABLED=false

# Rasa sends this token with every action call and the action server refuses
# calls without it (actions/server.py). One per run unless set (several
# replicas must share it).
ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export ACTION_SERVER_TOKEN

# The action server sends the scheduled check-ins through Rasa's HTTP API (with the
# token above; salon/schedule.py).
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"

SANIC_HOST=127.0.0.1 "$BIN/python" -m actions.server --port "$ACTION_PORT" \
  >logs/actions.log 2>&1 &
pids+=($!)

# Rasa only calls the action server when a custom action runs; wait for it so
# the first conversation does not meet a refused connection.
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "The action server did not start; see logs/actions.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "Action server on http://127.0.0.1:$ACTION_PORT (log: logs/actions.log)"
if [ -n "${SALON_SMTP_URL:-}${SALON_NOTIFY_WEBHOOK:-}" ]; then
  echo "Staff are notified of handoffs, bookings and urgent referrals (docs/staff.md#notifications)"
else
  echo "Staff notifications are off: set SALON_SMTP_URL and SALON_STAFF_EMAIL (docs/staff.md#notifications)"
fi

# Only the channels whose variables are set (docs/channels.md). Every mode
# needs it: `rasa shell` reads the credentials file too.
"$BIN/python" scripts/credentials.py credentials.yml "$CREDENTIALS_FILE"

if [ "${1:-}" = "shell" ]; then
  "$BIN/rasa" shell --model "$MODEL" --endpoints endpoints.yml --credentials "$CREDENTIALS_FILE"
elif [ "${1:-}" = "interactive" ]; then
  "$BIN/rasa" interactive --model "$MODEL" --endpoints endpoints.yml --port "$RASA_PORT" \
    --skip-visualization
else
  # The staff console (console/app.py), behind the salon page's server at /staff/, which
  # tells it each visitor's address in X-Forwarded-For (trusted from that one proxy).
  SANIC_PROXIES_COUNT=1 "$BIN/python" -m console.app --port "$CONSOLE_PORT" >logs/console.log 2>&1 &
  pids+=($!)
  "$BIN/python" scripts/serve_web.py --port "$WEB_PORT" --server "$RASA_PUBLIC_URL" \
    --console "http://127.0.0.1:$CONSOLE_PORT" >logs/web.log 2>&1 &
  pids+=($!)
  echo "Salon page with the chat widget on http://localhost:$WEB_PORT (log: logs/web.log)"
  echo "Staff console on http://localhost:$WEB_PORT/staff/ (log: logs/console.log); first account:"
  echo "  $BIN/python -m console.accounts create NAME"
  read -ra cors <<<"$CORS_ORIGINS"
  echo "Starting Rasa on http://127.0.0.1:$RASA_PORT (Ctrl-C stops everything)..."
  # Sanic refuses bigger request bodies with 413 before Rasa reads them (its
  # default is 100 MB); messages themselves are capped at MESSAGE_MAX_CHARS.
  # Only Rasa's server: the action server receives whole trackers.
  # `python -m addons.server.serve` is `rasa` with each message's NLU parsing on a worker
  # thread instead of the event loop (addons/server/serve.py; NLU_PARSE_THREAD=0: off).
  # addons.server.serve takes the API token from RASA_API_TOKEN.
  SANIC_REQUEST_MAX_SIZE="${REQUEST_MAX_BYTES:-131072}" "$BIN/python" -m addons.server.serve run --enable-api --interface 127.0.0.1 --port "$RASA_PORT" \
    --model "$MODEL" --endpoints endpoints.yml --credentials "$CREDENTIALS_FILE" \
    --cors "${cors[@]}" &
  rasa_pid=$!
  pids+=("$rasa_pid")
  wait "$rasa_pid"
fi

#!/usr/bin/env bash
# Run the action server (127.0.0.1:5055) and Rasa with its HTTP API
# (127.0.0.1:5005) until Ctrl-C, then stop both together.
# Usage: scripts/run.sh [shell]   (with "shell": `rasa shell` instead of the server)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
MODEL="${MODEL:-models/scalp-care.tar.gz}"
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
mkdir -p var logs
# Rasa imports the project's components and tracker store from the repo root.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# The salon's own tables (Alembic migrations; a no-op when up to date).
"$BIN/python" -m actions.staff migrate >/dev/null

SANIC_HOST=127.0.0.1 "$BIN/rasa" run actions --actions actions --port "$ACTION_PORT" \
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

if [ "${1:-}" = "shell" ]; then
  "$BIN/rasa" shell --model "$MODEL" --endpoints endpoints.yml
else
  echo "Starting Rasa on http://127.0.0.1:$RASA_PORT (Ctrl-C stops both)..."
  "$BIN/rasa" run --enable-api --interface 127.0.0.1 --port "$RASA_PORT" \
    --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
    --cors "${CORS_ORIGINS:-http://localhost:8080}" &
  pids+=($!)
  wait "${pids[1]}"
fi

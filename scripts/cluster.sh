#!/usr/bin/env bash
# Scale-out on one machine (`make cluster`): two action servers and two Rasa
# replicas behind nginx on 127.0.0.1:$RASA_PORT (5005, the address `make run`
# uses, so every client works unchanged), sharing the PostgreSQL tracker store
# and the Redis lock store; plus the demo salon page on :$WEB_PORT. Ctrl-C (or
# TERM) stops everything together. docs/scaling.md and deploy/README.md
# describe the layout.
#
#   clients ──> nginx 127.0.0.1:5005 ──> Rasa replicas :5006, :5007 (round robin;
#               /socket.io/ sticky by client address)
#   replicas ─> nginx 127.0.0.1:5055 ──> action servers :5056, :5057 (round robin)
#   replicas ─> PostgreSQL (tracker store) and Redis (lock store)
#
# The replicas reach the action servers through nginx rather than each through
# its own: the action server is stateless (the salon database is shared), so
# any replica may use any action server, the load spreads evenly, and one
# action server going down costs no replica its actions (a refused connection
# is retried on the other one). It is the layout Kubernetes gives as well (a
# Service in front of the action-server pods).
#
# Variables (besides docs/configuration.md): RASA_REPLICA_PORTS and
# ACTION_REPLICA_PORTS (space-separated; as many replicas as ports),
# CLUSTER_TRACKER_DB_URL and CLUSTER_SALON_DB_URL (PostgreSQL; created when
# missing), CLUSTER_DIR (nginx configuration, logs and pid files; var/cluster),
# WEB_PORT=0 to serve no page, NGINX (the nginx binary).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
MODEL="${MODEL:-models/scalp-care.tar.gz}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
read -ra replica_ports <<<"${RASA_REPLICA_PORTS:-5006 5007}"
read -ra action_ports <<<"${ACTION_REPLICA_PORTS:-5056 5057}"
START_TIMEOUT_S="${START_TIMEOUT_S:-600}"
REQUEST_MAX_BYTES="${REQUEST_MAX_BYTES:-131072}"
# The REST channel is for local scripts and tests: nginx passes it on only with
# PUBLISH_REST=1 (the HTTP API, token-checked, stays reachable for the staff tools).
PUBLISH_REST="${PUBLISH_REST:-0}"
# nginx's limit per client address (requests a minute; bursts of a quarter of it).
RATE_LIMIT_ADDRESS_PER_MINUTE="${RATE_LIMIT_ADDRESS_PER_MINUTE:-120}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
CLUSTER_DIR="${CLUSTER_DIR:-var/cluster}"
mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/pids" "$CLUSTER_DIR/tmp"
CLUSTER_DIR="$(cd "$CLUSTER_DIR" && pwd)" # nginx wants absolute paths
rm -f "$CLUSTER_DIR"/pids/*.pid

# Every replica must see the same conversations: one PostgreSQL tracker store
# and the Redis lock store (a message waits while another replica handles the
# same conversation). The Makefile's SQLite / in-memory defaults are for one
# process, hence the CLUSTER_ variables.
export TRACKER_DB_URL="${CLUSTER_TRACKER_DB_URL:-postgresql://postgres@127.0.0.1:5432/scalp_care}"
export SALON_DB_URL="${CLUSTER_SALON_DB_URL:-postgresql://postgres@127.0.0.1:5432/scalp_care_salon}"
# Rasa's Redis lock store, except that a message queued behind a replica that
# died holding the lock cannot wait for ever (addons/server/lock_store.py).
export LOCK_STORE_TYPE=addons.server.lock_store.ScalpCareRedisLockStore
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}" REDIS_PORT="${REDIS_PORT:-6379}" REDIS_DB="${REDIS_DB:-1}"
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTION_PORT/webhook"
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://localhost:$RASA_PORT}"
CREDENTIALS_FILE="${CREDENTIALS_FILE:-$CLUSTER_DIR/credentials.yml}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# As scripts/run.sh: TensorFlow on one thread per pool when serving.
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}"
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
# The replicas share the cores: one BLAS thread each for the sentence encoder.
export SENTENCE_ENCODER_THREADS="${SENTENCE_ENCODER_THREADS:-1}"

if [ ! -x "$NGINX" ]; then
  echo "error: nginx not found ($NGINX): run \`make nginx\` (Debian's nginx) or set NGINX" >&2
  exit 1
fi
if [ "${#replica_ports[@]}" -eq 0 ] || [ "${#action_ports[@]}" -eq 0 ]; then
  echo "error: RASA_REPLICA_PORTS and ACTION_REPLICA_PORTS must each name a port" >&2
  exit 1
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$CLUSTER_DIR"/pids/*.pid
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Start a background process, remember it and write its pid to pids/NAME.pid.
start() {
  local name="$1"
  shift
  "$@" >"$CLUSTER_DIR/logs/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$CLUSTER_DIR/pids/$name.pid"
}

# Wait until URL answers (or PID exits: then say where its log is and stop).
wait_for() {
  local url="$1" pid="$2" name="$3" deadline=$((SECONDS + START_TIMEOUT_S))
  until curl -fs "$url" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: $name did not start; see $CLUSTER_DIR/logs/$name.log" >&2
      tail -n 20 "$CLUSTER_DIR/logs/$name.log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "error: $name not ready in ${START_TIMEOUT_S}s; see $CLUSTER_DIR/logs/$name.log" >&2
      exit 1
    fi
    sleep 1
  done
}

# Both databases exist (created when missing), then both stores answer: Rasa
# would otherwise fall back to an in-memory tracker store with one log line.
"$BIN/python" scripts/ensure_databases.py "$TRACKER_DB_URL" "$SALON_DB_URL"
"$BIN/python" scripts/check_stores.py
"$BIN/python" -m salon.staff migrate >/dev/null

ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export ACTION_SERVER_TOKEN
"$BIN/python" scripts/credentials.py credentials.yml "$CREDENTIALS_FILE"

# ------------------------------------------------------------------- nginx
# The same configuration as deploy/nginx.conf, on 127.0.0.1 (scripts/nginx_conf.py).
# Run as root, nginx would hand its workers to "nobody", who cannot write the
# temporary files in $CLUSTER_DIR: keep them with the user who started it.
nginx_args=(cluster --dir "$CLUSTER_DIR" --rasa-port "$RASA_PORT" --replicas "${replica_ports[@]}"
  --action-port "$ACTION_PORT" --action-servers "${action_ports[@]}"
  --max-body-bytes "$REQUEST_MAX_BYTES" --per-minute "$RATE_LIMIT_ADDRESS_PER_MINUTE")
if [ "$PUBLISH_REST" = 1 ]; then nginx_args+=(--publish-rest); fi
if [ "$(id -u)" = 0 ]; then nginx_args+=(--user "$(id -un)"); fi
"$BIN/python" scripts/nginx_conf.py "${nginx_args[@]}" >"$CLUSTER_DIR/nginx.conf"

# ------------------------------------------------------------------ start
# As scripts/run.sh: the HTTP API needs a token; one per run unless set, in
# $API_TOKEN_FILE (var/api-token, owner only), given to Rasa in the environment.
if [ -z "${RASA_API_TOKEN:-}" ]; then
  RASA_API_TOKEN="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')"
  API_TOKEN_FILE="${API_TOKEN_FILE:-var/api-token}"
  (umask 077 && printf '%s\n' "$RASA_API_TOKEN" >"$API_TOKEN_FILE")
  echo "HTTP API token for this run in $API_TOKEN_FILE"
fi
export RASA_API_TOKEN RASA_TELEMETRY_ENABLED=false
# The action servers send the scheduled check-ins through the API, behind nginx
# (salon/schedule.py).
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
for port in "${action_ports[@]}"; do
  start "actions-$port" env SANIC_HOST=127.0.0.1 "$BIN/python" -m actions.server --port "$port"
done
start nginx "$NGINX" -p "$CLUSTER_DIR" -c "$CLUSTER_DIR/nginx.conf" -e "$CLUSTER_DIR/logs/nginx-error.log"
nginx_pid=$!
for port in "${action_ports[@]}"; do
  wait_for "http://127.0.0.1:$port/health" "$(cat "$CLUSTER_DIR/pids/actions-$port.pid")" "actions-$port"
done
wait_for "http://127.0.0.1:$ACTION_PORT/health" "$nginx_pid" nginx
echo "Action servers on :${action_ports[*]} behind nginx on http://127.0.0.1:$ACTION_PORT"

if [ "$WEB_PORT" != 0 ]; then
  CONSOLE_PORT="${CONSOLE_PORT:-8090}"
  start console env SANIC_PROXIES_COUNT=1 "$BIN/python" -m console.app --port "$CONSOLE_PORT"
  start web "$BIN/python" scripts/serve_web.py --port "$WEB_PORT" --server "$RASA_PUBLIC_URL" \
    --console "http://127.0.0.1:$CONSOLE_PORT"
  echo "Salon page with the chat widget on http://localhost:$WEB_PORT, staff console at /staff/"
fi

read -ra cors <<<"$CORS_ORIGINS"
# The widget's conversation ids are signed with it (addons/server/session_ids.py): the replicas
# must share one, kept in var/session-secret across restarts unless set.
if [ -z "${SESSION_ID_SECRET:-}" ]; then
  if [ ! -s var/session-secret ]; then
    (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' >var/session-secret)
  fi
  SESSION_ID_SECRET="$(cat var/session-secret)"
fi
export SESSION_ID_SECRET
token_query="?token=$RASA_API_TOKEN"
rasa_pids=()
for port in "${replica_ports[@]}"; do
  # As scripts/run.sh: Sanic refuses bigger bodies with 413 before Rasa reads them.
  # As scripts/run.sh: `python -m addons.server.serve` is `rasa` with NLU parsing off the
  # event loop (addons/server/serve.py).
  start "rasa-$port" env SANIC_REQUEST_MAX_SIZE="$REQUEST_MAX_BYTES" SANIC_PROXIES_COUNT=1 \
    "$BIN/python" -m addons.server.serve run --enable-api --interface 127.0.0.1 --port "$port" \
    --model "$MODEL" --endpoints endpoints.yml --credentials "$CREDENTIALS_FILE" \
    --cors "${cors[@]}"
  rasa_pids+=($!)
done
echo "Starting ${#replica_ports[@]} Rasa replica(s) on :${replica_ports[*]} (logs: $CLUSTER_DIR/logs) ..."
for port in "${replica_ports[@]}"; do
  wait_for "http://127.0.0.1:$port/status$token_query" "$(cat "$CLUSTER_DIR/pids/rasa-$port.pid")" "rasa-$port"
done
echo "Cluster ready on http://127.0.0.1:$RASA_PORT (Ctrl-C stops everything)"

# Carry on while nginx and at least one replica run (a replica that dies is
# reported; the others take its traffic).
while :; do
  wait -n || true
  if ! kill -0 "$nginx_pid" 2>/dev/null; then
    echo "error: nginx exited; see $CLUSTER_DIR/logs/nginx-error.log. Stopping." >&2
    exit 1
  fi
  alive=0
  for index in "${!rasa_pids[@]}"; do
    if kill -0 "${rasa_pids[$index]}" 2>/dev/null; then
      alive=$((alive + 1))
    elif [ -f "$CLUSTER_DIR/pids/rasa-${replica_ports[$index]}.pid" ]; then
      rm -f "$CLUSTER_DIR/pids/rasa-${replica_ports[$index]}.pid"
      echo "warning: the Rasa replica on :${replica_ports[$index]} exited; the others carry on" >&2
    fi
  done
  if [ "$alive" -eq 0 ]; then
    echo "error: no Rasa replica is running. Stopping." >&2
    exit 1
  fi
done

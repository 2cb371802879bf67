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
rest_location() { # the REST channel: refused unless PUBLISH_REST=1
  if [ "$PUBLISH_REST" != 1 ]; then
    printf '        location /webhooks/rest/ {\n            return 404;\n        }\n'
  fi
}
servers() { # upstream server lines for the given ports
  local port
  for port in "$@"; do
    printf '        server 127.0.0.1:%s max_fails=3 fail_timeout=10s;\n' "$port"
  done
}
# Run as root, nginx would hand its workers to "nobody", who cannot write the
# temporary files in $CLUSTER_DIR: keep them with the user who started it.
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user $(id -un);"; fi
cat >"$CLUSTER_DIR/nginx.conf" <<EOF
# Generated by scripts/cluster.sh at each start; do not edit.
$user_line
daemon off;
worker_processes 1;
pid $CLUSTER_DIR/nginx.pid;
error_log $CLUSTER_DIR/logs/nginx-error.log warn;
events { worker_connections 4096; }

http {
    # \$uri, not \$request: query strings carry the API and action tokens.
    log_format balanced '\$remote_addr [\$time_iso8601] \$request_method \$uri \$status '
                        'upstream=\$upstream_addr upstream_status=\$upstream_status '
                        'rt=\$request_time urt=\$upstream_response_time';
    client_body_temp_path $CLUSTER_DIR/tmp/body;
    proxy_temp_path $CLUSTER_DIR/tmp/proxy;
    fastcgi_temp_path $CLUSTER_DIR/tmp/fastcgi;
    uwsgi_temp_path $CLUSTER_DIR/tmp/uwsgi;
    scgi_temp_path $CLUSTER_DIR/tmp/scgi;
    client_max_body_size $REQUEST_MAX_BYTES;  # as the replicas (SANIC_REQUEST_MAX_SIZE)
    server_tokens off;
    limit_req_zone \$binary_remote_addr zone=per_address:10m rate=${RATE_LIMIT_ADDRESS_PER_MINUTE}r/m;
    limit_req_status 429;

    # REST and the HTTP API: round robin. Any replica can take any message:
    # the tracker is in PostgreSQL and the Redis lock makes a message wait
    # while another replica handles the same conversation. No keepalive to
    # the replicas: a killed replica is then a refused connection, which is
    # safe to retry on the other one (see proxy_next_upstream). max_fails=3:
    # one slow answer (a read timeout counts as a failure) must not take a
    # healthy replica out of rotation.
    upstream rasa {
$(servers "${replica_ports[@]}")
    }
    # socket.io keeps its session (polling, then the WebSocket upgrade) in the
    # memory of one process: the same client must stay on the same replica.
    # The engine.io sid is not known at the handshake and nginx open source
    # has no sticky cookie, so the client address decides (full address;
    # ip_hash would use only its first three octets).
    upstream rasa_socketio {
        hash \$remote_addr consistent;
$(servers "${replica_ports[@]}")
    }
    upstream actions {
$(servers "${action_ports[@]}")
        keepalive 16;
    }

    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 127.0.0.1:$RASA_PORT;
        access_log $CLUSTER_DIR/logs/nginx-access.log balanced;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        # A message can wait for the conversation's lock (up to its 60-s
        # lifetime when a replica died holding it) and then be processed.
        proxy_read_timeout 300s;
        proxy_send_timeout 300s;
        proxy_connect_timeout 5s;
        # A refused or timed-out connection goes to the next replica. A POST
        # (a user message) that reached a replica is never sent again (no
        # "non_idempotent"): the replica may have stored it, and a retry
        # could record it twice. The client sees a 502 and decides.
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 3;

        location /socket.io/ {
            limit_req zone=per_address burst=$((RATE_LIMIT_ADDRESS_PER_MINUTE / 4)) nodelay;
            proxy_pass http://rasa_socketio;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }
        location /webhooks/ {
            limit_req zone=per_address burst=$((RATE_LIMIT_ADDRESS_PER_MINUTE / 4)) nodelay;
            proxy_pass http://rasa;
            proxy_set_header Connection "";
        }
$(rest_location)
        location / {
            proxy_pass http://rasa;
            proxy_set_header Connection "";
        }
    }

    # The action servers, for the replicas only (Rasa sends the token).
    server {
        listen 127.0.0.1:$ACTION_PORT;
        access_log $CLUSTER_DIR/logs/nginx-actions.log balanced;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_read_timeout 300s;
        proxy_next_upstream error timeout;
        location / {
            proxy_pass http://actions;
        }
    }
}
EOF

# ------------------------------------------------------------------ start
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
  start web "$BIN/python" scripts/serve_web.py --port "$WEB_PORT" --server "$RASA_PUBLIC_URL"
  echo "Salon page with the chat widget on http://localhost:$WEB_PORT"
fi

read -ra cors <<<"$CORS_ORIGINS"
# As scripts/run.sh: the HTTP API needs a token; one per run unless set, in
# $API_TOKEN_FILE (var/api-token, owner only), given to Rasa in the environment.
if [ -z "${RASA_API_TOKEN:-}" ]; then
  RASA_API_TOKEN="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')"
  API_TOKEN_FILE="${API_TOKEN_FILE:-var/api-token}"
  (umask 077 && printf '%s\n' "$RASA_API_TOKEN" >"$API_TOKEN_FILE")
  echo "HTTP API token for this run in $API_TOKEN_FILE"
fi
export RASA_API_TOKEN RASA_TELEMETRY_ENABLED=false
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

"""The one nginx configuration of the scale-out layout, for make cluster and deploy/.

Both layouts balance the same way (docs/scaling.md): socket.io sticky by client address,
REST and the HTTP API round robin, a refused connection retried on the other replica but
never a message that reached one, and a rate limit per client address. They differ in
where things are and in what is published:

- ``cluster`` (``scripts/cluster.sh``, on this machine): 127.0.0.1 ports, files under the
  cluster's folder; the HTTP API stays reachable on 127.0.0.1 for the staff tools, the
  REST channel only with ``--publish-rest``.
- ``compose`` (``deploy/nginx.conf``, committed, for ``deploy/docker-compose.yml``): the
  services' names; only ``/socket.io/`` and ``/webhooks/`` are published, never the
  REST channel or the HTTP API. ``tests/unit/test_nginx_conf.py`` checks the committed
  file is what this script writes.

    python scripts/nginx_conf.py compose > deploy/nginx.conf
    python scripts/nginx_conf.py cluster --dir var/cluster --rasa-port 5005 \\
        --replicas 5006 5007 --action-port 5055 --action-servers 5056 5057
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field


@dataclass
class Layout:
    """Where the balancer listens, what it balances over and what it publishes."""

    name: str
    rasa_listen: str
    action_listen: str
    replicas: list[str]
    action_servers: list[str]
    max_body_bytes: int = 131072
    per_minute: int = 120
    #: The HTTP API (trackers, events, the model): token-checked, local layouts only.
    publish_api: bool = False
    #: The REST channel: for local scripts and tests.
    publish_rest: bool = False
    #: Runtime files (pid, logs, temporary files) for a local nginx; None: the image's own.
    folder: str | None = None
    run_as: str | None = None
    header: list[str] = field(default_factory=list)


def _servers(addresses: list[str]) -> str:
    return "\n".join(
        f"        server {address} max_fails=3 fail_timeout=10s;" for address in addresses
    )


def _local_lines(layout: Layout) -> tuple[str, str, str, str]:
    """(top-level lines, http-level lines, rasa access log, actions access log)."""
    if layout.folder is None:
        return "worker_processes auto;", "    access_log /dev/stdout balanced;", "", ""
    folder = layout.folder
    top = "\n".join(
        [
            *([f"user {layout.run_as};"] if layout.run_as else []),
            "daemon off;",
            "worker_processes 1;",
            f"pid {folder}/nginx.pid;",
            f"error_log {folder}/logs/nginx-error.log warn;",
        ]
    )
    http = "\n".join(
        f"    {kind}_temp_path {folder}/tmp/{path};"
        for kind, path in (
            ("client_body", "body"),
            ("proxy", "proxy"),
            ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"),
            ("scgi", "scgi"),
        )
    )
    return (
        top,
        http,
        f"        access_log {folder}/logs/nginx-access.log balanced;\n",
        f"        access_log {folder}/logs/nginx-actions.log balanced;\n",
    )


def render(layout: Layout) -> str:
    """The nginx configuration of ``layout``."""
    top, http_local, rasa_log, actions_log = _local_lines(layout)
    burst = max(1, layout.per_minute // 4)
    rest = (
        ""
        if layout.publish_rest
        else "        location /webhooks/rest/ {\n            return 404;\n        }\n"
    )
    api = (
        "        # The HTTP API (token-checked): for the staff tools on this machine.\n"
        "        location / {\n"
        "            proxy_pass http://rasa;\n"
        '            proxy_set_header Connection "";\n'
        "        }\n"
        if layout.publish_api
        else "        # Not published: the HTTP API (trackers, events, the model).\n"
        "        location / {\n            return 404;\n        }\n"
    )
    header = "".join(f"# {line}\n" if line else "#\n" for line in layout.header)
    return f"""{header}{top}
events {{ worker_connections 4096; }}

http {{
    # $uri, not $request: query strings carry the API and action tokens.
    log_format balanced '$remote_addr [$time_iso8601] $request_method $uri $status '
                        'upstream=$upstream_addr upstream_status=$upstream_status '
                        'rt=$request_time urt=$upstream_response_time';
{http_local}
    client_max_body_size {layout.max_body_bytes};  # as the replicas (SANIC_REQUEST_MAX_SIZE)
    server_tokens off;
    # At most {layout.per_minute} requests a minute per address (bursts of {burst}): then 429.
    limit_req_zone $binary_remote_addr zone=per_address:10m rate={layout.per_minute}r/m;
    limit_req_status 429;

    # REST and the HTTP API: round robin. Any replica can take any message:
    # the tracker is in PostgreSQL and the Redis lock makes a message wait
    # while another replica handles the same conversation. No keepalive to
    # the replicas: a killed replica is then a refused connection, which is
    # safe to retry on the other one (see proxy_next_upstream). max_fails=3:
    # one slow answer (a read timeout counts as a failure) must not take a
    # healthy replica out of rotation.
    upstream rasa {{
{_servers(layout.replicas)}
    }}
    # socket.io keeps its session (polling, then the WebSocket upgrade) in the
    # memory of one process: the same client must stay on the same replica.
    # The engine.io sid is not known at the handshake and nginx open source
    # has no sticky cookie, so the client address decides (full address;
    # ip_hash would use only its first three octets).
    upstream rasa_socketio {{
        hash $remote_addr consistent;
{_servers(layout.replicas)}
    }}
    upstream actions {{
{_servers(layout.action_servers)}
        keepalive 16;
    }}

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    server {{
        listen {layout.rasa_listen};
{rasa_log}        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
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

        # Published: the widget and the messaging apps' webhooks.
        location /socket.io/ {{
            limit_req zone=per_address burst={burst} nodelay;
            proxy_pass http://rasa_socketio;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
{rest}        location /webhooks/ {{
            limit_req zone=per_address burst={burst} nodelay;
            proxy_pass http://rasa;
            proxy_set_header Connection "";
        }}
{api}    }}

    # The action servers, for the replicas only (Rasa sends the token; not published).
    server {{
        listen {layout.action_listen};
{actions_log}        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_read_timeout 300s;
        proxy_next_upstream error timeout;
        location / {{
            proxy_pass http://actions;
        }}
    }}
}}
"""


def compose_layout() -> Layout:
    """deploy/docker-compose.yml's balancer."""
    return Layout(
        name="compose",
        rasa_listen="5005",
        action_listen="5055",
        replicas=["rasa-1:5005", "rasa-2:5005"],
        action_servers=["actions-1:5055", "actions-2:5055"],
        header=[
            "The balancer of deploy/docker-compose.yml. Generated by scripts/nginx_conf.py",
            "(`python scripts/nginx_conf.py compose > deploy/nginx.conf`), which also writes",
            "make cluster's: edit the script, not this file.",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    """Write a layout's configuration to standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="layout", required=True)
    sub.add_parser("compose", help="deploy/nginx.conf")
    cluster = sub.add_parser("cluster", help="make cluster's, on 127.0.0.1")
    cluster.add_argument("--dir", required=True, help="absolute folder for pid, logs, tmp")
    cluster.add_argument("--rasa-port", type=int, required=True)
    cluster.add_argument("--replicas", type=int, nargs="+", required=True)
    cluster.add_argument("--action-port", type=int, required=True)
    cluster.add_argument("--action-servers", type=int, nargs="+", required=True)
    cluster.add_argument("--max-body-bytes", type=int, default=131072)
    cluster.add_argument("--per-minute", type=int, default=120)
    cluster.add_argument("--publish-rest", action="store_true")
    cluster.add_argument("--user", default=None, help="run nginx's workers as this user")
    args = parser.parse_args(argv)
    if args.layout == "compose":
        layout = compose_layout()
    else:
        layout = Layout(
            name="cluster",
            rasa_listen=f"127.0.0.1:{args.rasa_port}",
            action_listen=f"127.0.0.1:{args.action_port}",
            replicas=[f"127.0.0.1:{port}" for port in args.replicas],
            action_servers=[f"127.0.0.1:{port}" for port in args.action_servers],
            max_body_bytes=args.max_body_bytes,
            per_minute=args.per_minute,
            publish_api=True,
            publish_rest=args.publish_rest,
            folder=args.dir,
            run_as=args.user,
            header=["Generated by scripts/nginx_conf.py at each start of make cluster."],
        )
    sys.stdout.write(render(layout))
    return 0


if __name__ == "__main__":
    sys.exit(main())

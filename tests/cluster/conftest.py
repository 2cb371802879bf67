"""Start ``scripts/cluster.sh`` (two replicas, two action servers, nginx) once per module."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.databases import fresh_postgres_database
from tests.e2e.conftest import MODEL, ROOT, free_port

#: Two replicas load their models side by side on a shared 2-core machine.
START_TIMEOUT_S = 600
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")


@dataclass
class Cluster:
    """A running cluster: the balancer's address, its folder and its replicas."""

    base_url: str
    api_token: str
    folder: Path
    replica_ports: tuple[int, ...]
    tracker_db_url: str
    log_path: Path

    def url(self, path: str) -> str:
        """``path`` on the balancer, with the API token unless it is a channel webhook."""
        if path.startswith("/webhooks/"):
            return self.base_url + path
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}token={self.api_token}"

    def replica_status(self, port: int) -> Any:
        """``/status`` of one replica, asked directly (not through nginx)."""
        url = f"http://127.0.0.1:{port}/status?token={self.api_token}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def replica_pid(self, port: int) -> int:
        """The process id scripts/cluster.sh wrote for the replica on ``port``."""
        return int((self.folder / "pids" / f"rasa-{port}.pid").read_text())

    def access_log(self) -> list[str]:
        """nginx's access log of the balancer (one line per request)."""
        path = self.folder / "logs" / "nginx-access.log"
        return path.read_text().splitlines() if path.exists() else []


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """``scripts/cluster.sh`` on free ports, with fresh PostgreSQL databases; stopped after."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) first")
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"nginx is missing ({NGINX}): run `make nginx` (make unit does it)")
    folder = tmp_path_factory.mktemp("cluster")
    rasa_port, action_port = free_port(), free_port()
    replica_ports = (free_port(), free_port())
    action_ports = (free_port(), free_port())
    # Starting with "-" on purpose: it must still reach Rasa as the token.
    api_token = "-" + secrets.token_urlsafe(16)
    with fresh_postgres_database() as tracker_url, fresh_postgres_database() as salon_url:
        env = {
            **os.environ,
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(action_port),
            "RASA_REPLICA_PORTS": " ".join(map(str, replica_ports)),
            "ACTION_REPLICA_PORTS": " ".join(map(str, action_ports)),
            "WEB_PORT": "0",
            "CORS_ORIGINS": "http://127.0.0.1:9",
            "CLUSTER_DIR": str(folder),
            "CLUSTER_TRACKER_DB_URL": tracker_url,
            "CLUSTER_SALON_DB_URL": salon_url,
            "RASA_API_TOKEN": api_token,
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(16),
            # The tests talk through the REST channel, from one address, fast.
            "PUBLISH_REST": "1",
            "RATE_LIMIT_ADDRESS_PER_MINUTE": "1000000",
            "RATE_LIMIT_SENDER_BURST": "100000",
            "RATE_LIMIT_SENDER_PER_MINUTE": "1000000",
            "RATE_LIMIT_ADDRESS_BURST": "100000",
            "API_TOKEN_FILE": str(folder / "api-token"),
            "NGINX": NGINX,
            "MODEL": str(MODEL),
            "PYTHONPATH": str(ROOT),
            "START_TIMEOUT_S": str(START_TIMEOUT_S),
        }
        log_path = folder / "cluster.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [str(ROOT / "scripts" / "cluster.sh")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            running = Cluster(
                f"http://127.0.0.1:{rasa_port}",
                api_token,
                folder,
                replica_ports,
                tracker_url,
                log_path,
            )
            try:
                _wait_until_ready(running, process)
                yield running
            finally:
                _stop(process)


def _wait_until_ready(cluster: Cluster, process: subprocess.Popen[bytes]) -> None:
    """Wait until every replica names its model and the balancer answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    pending = set(cluster.replica_ports)
    while True:
        if process.poll() is not None:
            pytest.fail(f"cluster.sh exited early: {cluster.log_path.read_text()}")
        for port in sorted(pending):
            try:
                if cluster.replica_status(port).get("model_file"):
                    pending.discard(port)
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
        if not pending:
            try:
                with urllib.request.urlopen(cluster.url("/status"), timeout=10) as response:
                    if json.loads(response.read()).get("model_file"):
                        return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
        if time.monotonic() > deadline:
            pytest.fail(f"cluster not up in {START_TIMEOUT_S}s; logs in {cluster.folder}/logs")
        time.sleep(1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """TERM the whole cluster (cluster.sh stops its children), KILL after 60 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

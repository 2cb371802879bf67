"""Private PostgreSQL and Redis servers, and the assistant's action server, to break on purpose.

The machine's shared PostgreSQL (5432) and Redis (6379) are never touched: each
fault test starts its own servers on free ports in a temporary folder, stops
and restarts them, and removes them afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


def _wait_for(check, what: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not come up in {timeout}s")
        time.sleep(0.2)


def _postgres_bin() -> Path:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb is None:
        pytest.fail("PostgreSQL's initdb and pg_ctl are needed (Debian: postgresql)")
    return Path(initdb).parent


class PrivatePostgres:
    """A PostgreSQL server of its own (trust authentication, no fsync) on ``port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = _postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        self.data = self.folder / "data"
        # PostgreSQL refuses to run as root: then it runs as the postgres user.
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.fail("running as root needs runuser to start PostgreSQL as postgres")
            shutil.chown(self.folder, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.folder / "log"),
            "-o", options,
        )  # fmt: skip
        _wait_for(self._accepts, f"PostgreSQL on port {self.port}")

    def _accepts(self) -> bool:
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            return True
        finally:
            engine.dispose()

    def crash(self) -> None:
        """Stop at once, as a crash or a killed container would (no clean shutdown)."""
        self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.crash()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A Redis server of its own (nothing persisted) on ``port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is needed (Debian: redis-server)")

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(lambda: redis.Redis(port=self.port).ping(), f"Redis on port {self.port}")

    def crash(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def listening_pids(port: int, module: str) -> list[int]:
    """The processes running ``python -m <module> ... --port <port>`` (Linux /proc)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in args]
        if module in words and "--port" in words:
            index = words.index("--port")
            if index + 1 < len(words) and words[index + 1] == str(port):
                pids.append(int(cmdline.parent.name))
    return pids


def _healthy(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
        return response.status == 200


class ActionServer:
    """The assistant's action server on ``port``: killed, then started again by the test."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def kill(self) -> None:
        """Kill whichever process serves the port (first scripts/run.sh's, later ours)."""
        pids = listening_pids(self.port, "actions.server")
        assert pids, f"no action server on port {self.port}"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)
            self.process = None
        _wait_for(lambda: not listening_pids(self.port, "actions.server"), "the kill")

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "actions.server", "--port", str(self.port)],
                cwd=ROOT,
                env={**os.environ, **self.env, "SANIC_HOST": "127.0.0.1"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for(lambda: _healthy(self.port), f"the action server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

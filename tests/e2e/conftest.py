"""Start the real assistant (action server + Rasa with its HTTP API) once per session."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.mail import Mailbox, smtp_server

ROOT = Path(__file__).resolve().parents[2]
#: The model under test; SCALP_CARE_MODEL points elsewhere (a helper's own trained model, say).
MODEL = Path(os.environ.get("SCALP_CARE_MODEL", ROOT / "models" / "scalp-care.tar.gz"))
START_TIMEOUT_S = 240
#: The routine check-in follows this many seconds after consent in the tests.
CHECKIN_DELAY_S = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Assistant:
    """A running assistant and helpers to talk to its HTTP API."""

    base_url: str
    database: Path
    salon_database: Path
    #: The demo salon page with the chat widget (scripts/serve_web.py).
    web_url: str = ""
    log_path: Path | None = None
    #: Rasa's HTTP API token (``--auth-token``); channel webhooks need none.
    api_token: str = ""
    #: The staff mailbox of the SMTP server the action server notifies (tests/mail.py).
    mailbox: Mailbox | None = None

    def url(self, path: str) -> str:
        """The full URL of ``path``, with the API token unless it is a channel webhook."""
        if not self.api_token or path.startswith("/webhooks/"):
            return self.base_url + path
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}token={self.api_token}"

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url(path),
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Send a message through the REST channel; return the bot's replies."""
        return self.request(
            "POST", "/webhooks/rest/webhook", {"sender": sender, "message": message}
        )

    def tracker(self, sender: str) -> dict[str, Any]:
        return self.request("GET", f"/conversations/{sender}/tracker")


@contextmanager
def running_assistant(
    workdir: Path, extra_env: dict[str, str | None] | None = None
) -> Iterator[Assistant]:
    """Start scripts/run.sh on free ports with the databases in ``workdir``; stop it after.

    Starting twice on the same ``workdir`` reuses the same tracker and salon
    databases, which is how the restart test checks that nothing is lost.
    ``extra_env`` adds variables (e.g. a messaging channel's credentials); a value of
    None removes one (e.g. ``RASA_API_TOKEN``, for run.sh to make its own).
    """
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) first")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    extra: dict[str, str | None] = dict(extra_env or {})
    api_token = extra.get("RASA_API_TOKEN", secrets.token_urlsafe(16))
    database = workdir / "tracker.db"
    web_url = f"http://localhost:{web_port}"
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "CONSOLE_PORT": str(free_port()),
        "CORS_ORIGINS": f"{web_url} http://127.0.0.1:{web_port}",
        "CREDENTIALS_FILE": str(workdir / f"credentials-{rasa_port}.yml"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB_URL": f"sqlite:///{database}",
        "LOCK_STORE_TYPE": "in_memory",
        "SALON_DB_URL": f"sqlite:///{workdir / 'salon.db'}",
        "CHECKIN_DELAY_SECONDS": str(CHECKIN_DELAY_S),
        "SCHEDULE_POLL_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
        "MODEL": str(MODEL),
        # Every test talks to an API that requires its token, as in production.
        "RASA_API_TOKEN": api_token,
        # Tests send faster than a person, all from 127.0.0.1: the rate limits have their
        # own test (tests/e2e/test_security_http.py).
        "RATE_LIMIT_SENDER_BURST": "100000",
        "RATE_LIMIT_SENDER_PER_MINUTE": "1000000",
        "RATE_LIMIT_ADDRESS_BURST": "100000",
        "RATE_LIMIT_ADDRESS_PER_MINUTE": "1000000",
        "API_TOKEN_FILE": str(workdir / "api-token"),
    }
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    log_path = workdir / f"assistant-{rasa_port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assistant = Assistant(
        f"http://127.0.0.1:{rasa_port}",
        database,
        workdir / "salon.db",
        web_url=web_url,
        log_path=log_path,
        api_token=api_token or "",
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"assistant exited early: {log_path.read_text()}")
            if api_token is None and (workdir / "api-token").exists():
                assistant.api_token = (workdir / "api-token").read_text().strip()
            try:
                status = assistant.request("GET", "/status")
                if status.get("model_file"):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"assistant not up in {START_TIMEOUT_S}s; log in {log_path}")
            time.sleep(1)
        yield assistant
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except ProcessLookupError:
            pass  # it exited by itself; the failure above says why
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """One assistant for the whole e2e session; staff notifications go to a real SMTP server."""
    with smtp_server() as (smtp_url, mailbox):
        staff = {"SALON_SMTP_URL": smtp_url, "SALON_STAFF_EMAIL": "desk@salon.example"}
        with running_assistant(tmp_path_factory.mktemp("assistant"), staff) as running:
            running.mailbox = mailbox
            yield running

"""The action server refuses callers without Rasa's token (a real server on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.server import create_app, token_matches
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cret-token-for-tests"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (TOKEN, True),
        ("s3cret-token-for-test", False),
        ("", False),
        (None, False),
        (TOKEN + " ", False),
        ("S3CRET-TOKEN-FOR-TESTS", False),
    ],
)
def test_token_matches(given: str | None, expected: bool) -> None:
    assert token_matches(given, TOKEN) is expected


def test_an_empty_token_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="ACTION_SERVER_TOKEN"):
        create_app("")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    folder = tmp_path_factory.mktemp("action-server")
    env = {
        **os.environ,
        "ACTION_SERVER_TOKEN": TOKEN,
        "PYTHONPATH": str(ROOT),
        "SALON_DB_URL": f"sqlite:///{folder / 'salon.db'}",
    }
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((folder / "server.log").read_text())
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _call(url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _massage_call(text: str) -> dict[str, Any]:
    """A minimal, real-format action call from Rasa for ``action_massage_limits``."""
    return {
        "next_action": "action_massage_limits",
        "sender_id": "token-test",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "token-test",
            "slots": {"referral": "none", "nutrient_deficiency_suspected": False},
            "latest_message": {"text": text, "intent": {"name": "ask_massage_limits"}},
            "events": [{"event": "user", "text": text}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_health_is_open(server: str) -> None:
    assert _call(server + "/health") == (200, {"status": "ok"})


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", "?tok=" + TOKEN])
def test_calls_without_the_token_are_refused(server: str, query: str) -> None:
    status, body = _call(server + "/webhook" + query, _massage_call("how long can I massage?"))
    assert (status, body) == (401, {"error": "unauthorized"})
    assert _call(server + "/actions" + query)[0] == 401


def test_calls_with_the_token_run_the_action(server: str) -> None:
    status, actions = _call(server + "/actions?token=" + TOKEN)
    assert status == 200 and {"name": "action_massage_limits"} in actions
    status, result = _call(
        server + "/webhook?token=" + TOKEN, _massage_call("how long should I massage my scalp?")
    )
    assert status == 200, result
    texts = " ".join(r.get("text") or "" for r in result["responses"])
    assert "minutes" in texts

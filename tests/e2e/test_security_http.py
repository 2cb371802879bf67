"""A conversation belongs to its owner, through the running assistant (docs/threat-model.md).

One assistant started the way `make run` starts it: no token given (run.sh makes one and
writes it to a 0600 file, never on a command line) and the default rate limits. The shared
assistant (conftest) checks the REST channel's prefix and erasure down to the SQLite files.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions import salon_actions as sa
from tests.e2e.conftest import Assistant, running_assistant
from tests.replies import reply

pytestmark = pytest.mark.e2e

#: A bound for any answer here, on a loaded 2-core machine.
ANSWER_BOUND_S = 20.0


@pytest.fixture(scope="module")
def as_make_runs_it(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """run.sh with no token given and its default rate limits."""
    workdir = tmp_path_factory.mktemp("make-run")
    env: dict[str, str | None] = {
        "RASA_API_TOKEN": None,
        "RATE_LIMIT_SENDER_BURST": None,
        "RATE_LIMIT_SENDER_PER_MINUTE": None,
        "RATE_LIMIT_ADDRESS_BURST": None,
        "RATE_LIMIT_ADDRESS_PER_MINUTE": None,
    }
    with running_assistant(workdir, extra_env=env) as assistant:
        yield assistant


def _marker(prefix: str) -> str:
    """A unique word of letters only, so that it passes as a name."""
    return prefix + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _sender() -> str:
    return f"rest:sec-{uuid.uuid4().hex[:12]}"


def _status(url: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST" if body else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_api_needs_the_token_run_sh_made(as_make_runs_it: Assistant, tmp_path: Path) -> None:
    """Under make run the API is closed; the token is in a 0600 file, not on a command line."""
    assistant = as_make_runs_it
    token_file = Path(str(assistant.database)).parent / "api-token"
    assert token_file.exists() and len(assistant.api_token) >= 16
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token_file.read_text().strip() == assistant.api_token
    base = assistant.base_url
    for path in ("/status", "/conversations/rest:anyone/tracker", "/domain"):
        assert _status(base + path) == 401, path
        assert _status(f"{base}{path}?token=wrong-token-wrong-token") == 401, path
    assert _status(f"{base}/status?token={assistant.api_token}") == 200
    processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert assistant.api_token not in processes


def test_a_burst_from_one_sender_is_answered_politely(as_make_runs_it: Assistant) -> None:
    """Past its burst, a sender gets the polite note; nothing more is handled; others go on."""
    assistant = as_make_runs_it
    sender = _sender()
    replies = [assistant.say(sender, f"hello {n}") for n in range(14)]
    note = reply("utter_server_rate_limited")
    limited = [r for r in replies if [m.get("text") for m in r] == [note]]
    assert limited, "no message was rate-limited"
    handled = [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert len(handled) == len(replies) - len(limited)
    assert "scalp-care assistant" in assistant.say(_sender(), "hi")[0]["text"]


def test_a_huge_message_is_bounded_and_others_stay_responsive(as_make_runs_it: Assistant) -> None:
    """1 MB: refused at once. 100 KB: shortened and answered within a bound, while another
    conversation is answered meanwhile."""
    assistant = as_make_runs_it
    huge = json.dumps({"sender": _sender(), "message": "pus fever " * 100_000}).encode()
    started = time.monotonic()
    assert _status(assistant.url("/webhooks/rest/webhook"), huge) == 413
    assert time.monotonic() - started < ANSWER_BOUND_S

    big_sender = _sender()
    answers: dict[str, object] = {}

    def send_big() -> None:
        begin = time.monotonic()
        text = "my scalp is oily. " * 5_000 + "and there is pus and a fever"
        answers["replies"] = assistant.say(big_sender, text)
        answers["seconds"] = time.monotonic() - begin

    thread = threading.Thread(target=send_big)
    thread.start()
    time.sleep(0.2)
    begin = time.monotonic()
    other = assistant.say(_sender(), "hi")
    assert other and time.monotonic() - begin < ANSWER_BOUND_S
    thread.join(timeout=120)
    assert float(answers["seconds"]) < ANSWER_BOUND_S  # type: ignore[arg-type]
    texts = [r.get("text") or "" for r in answers["replies"]]  # type: ignore[union-attr]
    assert texts[0].startswith("That's a long message")
    assert assistant.tracker(big_sender)["slots"]["referral"] == "urgent"


def test_rest_never_trusts_the_channel_a_client_names(assistant: Assistant) -> None:
    """input_channel is ignored and every REST id is under rest:, so no REST client reaches
    a widget visitor's conversation."""
    victim = f"web:{uuid.uuid4().hex}"
    body = {"sender": victim, "message": "hi", "input_channel": "socketio"}
    assistant.request("POST", "/webhooks/rest/webhook", body)
    stored = assistant.tracker(f"rest:{victim}")
    assert [e["text"] for e in stored["events"] if e["event"] == "user"] == ["hi"]
    assert stored["latest_input_channel"] == "rest"
    assert not [e for e in assistant.tracker(victim)["events"] if e["event"] == "user"]


def test_erasure_leaves_nothing_in_the_stores_or_their_files(assistant: Assistant) -> None:
    """After 'forget me', the words are in no table and nowhere in either SQLite file."""
    sender = _sender()
    marker = _marker("zq")
    assistant.say(sender, f"my scalp is oily and my name is {marker}")
    assistant.say(sender, "i'd like to book a 45 minute head massage")
    assistant.say(sender, "saturday morning")
    assistant.say(sender, f"Jane {marker.capitalize()}")
    assistant.say(sender, f"{marker}@example.com")
    assistant.say(sender, "yes")  # consent: the salon stores the booking and the contact
    with sqlite3.connect(assistant.salon_database) as connection:
        stored = connection.execute(
            "SELECT name FROM salon_booking_requests WHERE name LIKE ?", (f"%{marker}%",)
        ).fetchall()
    assert stored
    assert reply(sa.FORGET_QUESTION) in " ".join(
        r.get("text") or "" for r in assistant.say(sender, "forget me")
    )
    assert reply(sa.FORGOTTEN) in " ".join(
        r.get("text") or "" for r in assistant.say(sender, "yes")
    )
    for path in (Path(assistant.database), Path(assistant.salon_database)):
        assert marker.encode() not in path.read_bytes().lower(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    said = json.dumps(assistant.tracker(sender)["events"])
    assert marker not in said.lower()


def test_the_retention_purge_deletes_an_unconsented_visitors_contacts(
    assistant: Assistant,
) -> None:
    """A visitor who typed a name and a contact but said no: gone once the chat is older
    than TRACKER_RETENTION_DAYS, by the purge the action server schedules."""
    from actions.server import purge_once

    sender = _sender()
    marker = _marker("rt")
    assistant.say(sender, "i'd like to book a scalp facial")
    assistant.say(sender, "friday")
    assistant.say(sender, f"Sam {marker.capitalize()}")
    assistant.say(sender, f"{marker}@example.com")
    assert "the request was not sent" in " ".join(
        r.get("text") or "" for r in assistant.say(sender, "no")
    )
    assert marker in json.dumps(assistant.tracker(sender)["events"])
    # The conversation ages past the retention period (31 days ago).
    with sqlite3.connect(assistant.database) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
            (31 * 86400, sender),
        )
    env = {
        "TRACKER_DB_URL": f"sqlite:///{assistant.database}",
        "SALON_DB_URL": f"sqlite:///{assistant.salon_database}",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        purged = purge_once()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert purged is not None and purged.conversations >= 1
    assert marker.encode() not in Path(assistant.database).read_bytes().lower()

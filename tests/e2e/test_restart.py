"""A conversation survives a restart of both servers (action server and Rasa) with nothing lost."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from actions import salon_actions
from tests.e2e.conftest import running_assistant
from tests.replies import reply

pytestmark = pytest.mark.e2e


def test_conversation_survives_a_restart(tmp_path: Path) -> None:
    """Stop both servers mid-consultation; after the restart it goes on where it was."""
    sender = "rest:restart-user"
    with running_assistant(tmp_path) as first:
        first.say(sender, "can you recommend a routine for my scalp")
        first.say(sender, "itchy and flaky")
        before = first.tracker(sender)
    assert before["slots"]["concerns"] == ["flaking", "itch"]
    with running_assistant(tmp_path) as second:
        after = second.tracker(sender)
        assert after["events"] == before["events"]
        assert after["active_loop"]["name"] == "consultation_form"
        reply = " ".join(r.get("text") or "" for r in second.say(sender, "dry"))
        assert "sensitive" in reply
        slots = second.tracker(sender)["slots"]
        assert {"flaking", "itch"} <= set(slots["concerns"])  # "dry" adds dryness
        assert slots["scalp_type"] == "dry"


def test_a_check_in_scheduled_before_a_restart_comes_once_after_it(tmp_path: Path) -> None:
    """The check-in is kept in the salon database, not in Rasa's memory: none is lost."""
    sender = "rest:checkin-restart"
    checkin = reply(salon_actions.CHECKIN)
    # Due 20 s after consent: after this run has stopped, before the next one is up.
    with running_assistant(tmp_path, {"CHECKIN_DELAY_SECONDS": "20"}) as first:
        first.say(sender, "oily scalp, flakes, not sensitive, i wash daily")
        first.say(sender, "yes")
    with sqlite3.connect(tmp_path / "salon.db") as connection:
        waiting = connection.execute(
            "SELECT status FROM salon_scheduled_messages WHERE sender_id = ?", (sender,)
        ).fetchall()
    assert waiting == [("scheduled",)]
    with running_assistant(tmp_path) as second:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            events = second.tracker(sender)["events"]
            sent = [e for e in events if e["event"] == "bot" and e.get("text") == checkin]
            if sent:
                break
            time.sleep(1)
        else:
            pytest.fail("the check-in scheduled before the restart never came")
        time.sleep(3)  # a few more polls: it must not come again
        events = second.tracker(sender)["events"]
        assert sum(e["event"] == "bot" and e.get("text") == checkin for e in events) == 1
    with sqlite3.connect(tmp_path / "salon.db") as connection:
        done = connection.execute(
            "SELECT status, attempts FROM salon_scheduled_messages WHERE sender_id = ?", (sender,)
        ).fetchall()
    assert done == [("sent", 1)]

"""A conversation survives a restart of both servers (action server and Rasa) with nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import running_assistant

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

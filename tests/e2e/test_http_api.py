"""The whole assistant through its HTTP API: REST channel, action server, SQL tracker store."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
import uuid

import pytest

from actions import fallback
from actions.session import RESTARTED
from tests.replies import reply

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


def new_sender() -> str:
    return f"rest:e2e-{uuid.uuid4().hex[:12]}"


def test_greeting_carries_the_not_medical_advice_notice(assistant) -> None:
    replies = assistant.say(new_sender(), "hi")
    assert len(replies) == 1
    assert "isn't medical advice" in replies[0]["text"]


def test_bot_challenge_and_goodbye(assistant) -> None:
    sender = new_sender()
    assert "automated assistant" in texts(assistant.say(sender, "r u a bot??"))[0]
    assert texts(assistant.say(sender, "ok bye"))[0].lower().startswith(("take care", "bye"))


def test_two_stage_fallback_runs_the_action_server(assistant) -> None:
    sender = new_sender()
    first = assistant.say(sender, "/nlu_fallback")
    assert texts(first) == [reply(fallback.NOT_SURE)]
    assert first[0]["buttons"] == [{"title": "Something else", "payload": "/out_of_scope"}]
    assert texts(assistant.say(sender, "/out_of_scope")) == [reply(fallback.ASK_REPHRASE)]
    assert "isn't medical advice" in texts(assistant.say(sender, "/greet"))[0]


def test_fallback_gives_up_politely_after_two_misses(assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "/nlu_fallback")
    assistant.say(sender, "/out_of_scope")
    assistant.say(sender, "/nlu_fallback")
    assert texts(assistant.say(sender, "/out_of_scope")) == [reply(fallback.GIVE_UP)]
    # The conversation goes on normally afterwards.
    assert "isn't medical advice" in texts(assistant.say(sender, "hello"))[0]


def test_restart_and_contract_slots_on_the_tracker(assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "hello")
    assert texts(assistant.say(sender, "start over")) == [reply(RESTARTED)]
    tracker = assistant.tracker(sender)
    assert tracker["sender_id"] == sender
    assert tracker["slots"]["referral"] == "none"
    assert tracker["slots"]["nutrient_deficiency_suspected"] is False
    for slot in (
        "concerns",
        "scalp_type",
        "sensitive_scalp",
        "massage_max_minutes",
        "massage_max_sessions_per_day",
        "massage_overuse",
    ):
        assert slot in tracker["slots"]


def test_conversation_is_stored_in_the_sql_tracker_store(assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "hey there")
    with sqlite3.connect(assistant.database) as db:
        rows = db.execute(
            "SELECT type_name, intent_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    assert ("user", "greet") in rows


@pytest.mark.parametrize("query", ["", "?token=wrong"])
def test_http_api_needs_its_token_but_channels_do_not(assistant, query: str) -> None:
    """Rasa runs with --auth-token (RASA_API_TOKEN); webhooks stay open to clients."""
    sender = new_sender()
    assert assistant.say(sender, "hi")  # the REST channel needs no token
    for path in ("/status", f"/conversations/{sender}/tracker"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(assistant.base_url + path + query, timeout=30)
        assert refused.value.code == 401
    assert assistant.tracker(sender)["sender_id"] == sender  # with the token


def test_a_100_kb_message_is_shortened_politely_and_its_red_flag_kept(assistant) -> None:
    """The cap (addons/server/message_limits.py): a quick answer, the note first, the flag kept."""
    sender = new_sender()
    filler = "I wash my hair every other day and use a mild shampoo. " * 1850
    message = filler + "Also I have a fever and my scalp is hot and swollen."
    assert len(message) > 100_000
    replies = texts(assistant.say(sender, message))
    assert replies[0].startswith(f"That's a long message ({len(message):,} characters)")
    assert "what you said about symptoms" in replies[0]
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["referral"] == "urgent"
    [stored] = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert len(stored) < 2_500 and stored.endswith("my scalp is hot and swollen.")
    assert "isn't medical advice" in texts(assistant.say(sender, "hi"))[0]

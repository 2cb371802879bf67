"""Starting over."""

from __future__ import annotations

from rasa_sdk.events import Restarted, SlotSet

from actions.session import RESTARTED, RESTARTED_UNDER_REFERRAL, ActionRestart
from tests.replies import reply


async def test_restart_confirms_and_restarts(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("start over", intent="restart")
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert events == [Restarted()]
    assert [m["text"] for m in dispatcher.messages] == [reply(RESTARTED)]
    assert ActionRestart().name() in domain["actions"]


async def test_restart_keeps_a_standing_referral(dispatcher, make_tracker, domain) -> None:
    """The referral is never lowered, "start over" included, nor what goes with it."""
    slots = {
        "referral": "dermatologist",
        "massage_max_minutes": 0.0,
        "massage_max_sessions_per_day": 0.0,
        "concerns": ["itch"],
    }
    tracker = make_tracker("start over", intent="restart", slots=slots)
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert events == [
        Restarted(),
        SlotSet("referral", "dermatologist"),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
    ]
    assert dispatcher.messages[0]["text"] == reply(RESTARTED_UNDER_REFERRAL, who="a dermatologist")


async def test_restart_keeps_a_doctor_referral_quietly(dispatcher, make_tracker, domain) -> None:
    """A nutrient referral is kept too; the usual words, nothing is paused."""
    slots = {"referral": "doctor", "nutrient_deficiency_suspected": True}
    tracker = make_tracker("start over", intent="restart", slots=slots)
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert events == [
        Restarted(),
        SlotSet("referral", "doctor"),
        SlotSet("nutrient_deficiency_suspected", True),
    ]
    assert [m["text"] for m in dispatcher.messages] == [reply(RESTARTED)]

"""Safety actions with the real domain: the events they return and what they say."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import referral, triage
from actions.safety import (
    NO_SUMMARY,
    YES_NO_SUMMARY,
    ActionDeclineSummary,
    ActionMassageLimits,
    ActionReferralSummary,
    ActionTriage,
)
from addons.red_flags import triage_data
from tests.conftest import TrackerFactory


def _screened(text: str) -> dict[str, Any]:
    return {"triage": triage_data(triage.screen(text))}


def _user(text: str) -> list[dict[str, Any]]:
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"text": text}},
    ]


async def test_triage_dermatologist_first_time(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A first dermatologist flag: referral, massage paused, summary offered."""
    text = "there are silvery scales all over my scalp"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "dermatologist"),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        SlotSet("summary_offered", True),
    ]
    [message] = dispatcher.messages
    assert message["text"] == referral.triage_reply(
        triage.Referral.DERMATOLOGIST, ["silvery scales"]
    )
    assert message["buttons"] == YES_NO_SUMMARY


async def test_triage_urgent_ends_an_active_form(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Urgent mid-form: the form ends, no summary offer, referral urgent."""
    text = "my scalp is hot and swollen and I've got a fever"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra=_screened(text),
        active_loop="consultation_form",
        slots={"referral": "doctor"},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "urgent"),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("summary_offered", False),
    ]
    assert dispatcher.messages[0]["text"].startswith("What you describe")
    assert "needs medical care now" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"] == []


async def test_triage_never_lowers_the_referral(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A nutrient context after a dermatologist referral keeps dermatologist."""
    text = "also i've been vegan for a year without really planning it"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra=_screened(text),
        slots={"referral": "dermatologist"},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "dermatologist"),
        SlotSet("nutrient_deficiency_suspected", True),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        SlotSet("summary_offered", False),
    ]
    assert "still no exfoliation or massage" in dispatcher.messages[0]["text"]


async def test_triage_doctor_level_keeps_the_form_going(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A nutrient context mid-form: doctor referral, the form is not ended."""
    text = "i had a baby 3 months ago, i wash every 2 days"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), active_loop="consultation_form"
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "doctor"),
        SlotSet("nutrient_deficiency_suspected", True),
        SlotSet("summary_offered", False),
    ]
    assert "blood test" in dispatcher.messages[0]["text"]


async def test_triage_screens_the_text_when_nlu_did_not(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Without the NLU property (e.g. an older model), the action screens itself."""
    tracker = make_tracker("i think i have psoriasis", "describe_scalp", 0.9)
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "dermatologist") in events


async def test_triage_on_a_benign_message_only_keeps_the_slot(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Nothing found: no message, referral unchanged."""
    tracker = make_tracker("no psoriasis, just dry", "describe_scalp", 0.9, slots={})
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [SlotSet("referral", "none")]
    assert dispatcher.messages == []


async def test_summary_quotes_the_conversation(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The summary lists what, how long and what was tried, from all user turns."""
    history = [
        *_user("silvery scales on my scalp for 3 months"),
        *_user("i tried a tea tree shampoo"),
        *_user("/affirm"),
    ]
    tracker = make_tracker(
        "yes", "affirm", 1.0, history=history, slots={"referral": "dermatologist"}
    )
    events = await ActionReferralSummary().run(dispatcher, tracker, domain)
    assert events == [SlotSet("summary_offered", False)]
    text = dispatcher.messages[0]["text"]
    assert "- What I noticed: silvery scales" in text
    assert "- How long: for 3 months" in text
    assert "- What I've tried: a tea tree shampoo" in text
    assert "see a dermatologist" in text


async def test_decline_summary(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A no is accepted and the offer forgotten."""
    events = await ActionDeclineSummary().run(dispatcher, make_tracker("no", "deny"), domain)
    assert events == [SlotSet("summary_offered", False)]
    assert dispatcher.messages[0]["text"] == NO_SUMMARY


@pytest.mark.parametrize(
    ("text", "slots", "expected", "phrases"),
    [
        (
            "i massage my scalp 3x a day for 20 mins",
            {},
            (10.0, 1.0, True),
            ["Your limit: 5-10 minutes, at most 1 session a day", "goes past that"],
        ),
        (
            "how long should i massage my scalp",
            {},
            (10.0, 1.0, False),
            ["Your limit: 5-10 minutes", "45-minute head massages", "calmer or more sensitive"],
        ),
        (
            "i massage 5 minutes every evening",
            {"sensitive_scalp": True},
            (5.0, 1.0, False),
            ["Your limit: 5 minutes", "sounds within that limit"],
        ),
        (
            "i massage 5 minutes every evening",
            {"referral": "dermatologist"},
            (0.0, 0.0, True),
            ["Please pause scalp massage"],
        ),
    ],
)
async def test_massage_limits(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    slots: dict[str, Any],
    expected: tuple[float, float, bool],
    phrases: list[str],
) -> None:
    """The limit fills the contract slots and says its context."""
    tracker = make_tracker(text, "ask_massage_limits", 0.99, slots=slots)
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    minutes, sessions, overuse = expected
    assert events == [
        SlotSet("massage_max_minutes", minutes),
        SlotSet("massage_max_sessions_per_day", sessions),
        SlotSet("massage_overuse", overuse),
    ]
    reply = dispatcher.messages[0]["text"]
    for phrase in phrases:
        assert phrase in reply


async def test_triage_records_the_referral_for_staff(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    salon_database: str,
) -> None:
    """A raised referral is recorded (anonymously without consent)."""
    from actions.salon import db
    from actions.salon.repository import SalonRepository

    text = "there's a round bald patch on my crown"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), sender_id="referral-user"
    )
    await ActionTriage().run(dispatcher, tracker, domain)
    engine = db.make_engine(salon_database)
    with db.session_scope(engine) as session:
        referrals = SalonRepository(session).list_referrals(level="dermatologist")
    engine.dispose()
    assert any("patchy_hair_loss" in (r.conditions or "") for r in referrals)

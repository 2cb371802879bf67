"""Safety that no state silences, through the running assistant (REST + HTTP API + SQLite):
signs combined across turns, the safety net, concerns on referral turns, a red flag during a
handoff, another person's red flag, a booking held under a referral, and "start over"."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from actions import booking
from actions.safety import SAFETY_NET
from actions.session import RESTARTED_UNDER_REFERRAL
from scalpcare import referral
from tests.replies import handoff_told, reply

pytestmark = pytest.mark.e2e

FALLBACK_QUESTION = "Sorry, I'm not sure I understood. Did you mean one of these?"
SAFETY_NET_OPENING = reply(SAFETY_NET, what="\0", note="").split("\0")[0]


def _sender() -> str:
    return f"rest:screen-{uuid.uuid4().hex[:12]}"


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _slots(assistant, sender: str) -> dict:
    return assistant.tracker(sender)["slots"]


def _rows(assistant, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(assistant.salon_database) as connection:
        return connection.execute(query, args).fetchall()


def test_signs_combine_across_turns(assistant) -> None:
    """Pus first, a fever two messages later: urgent, with no fallback question."""
    sender = _sender()
    first = _texts(assistant.say(sender, "there's a spot with a bit of pus on the back of my head"))
    assert "dermatologist should look at" in first
    assert _slots(assistant, sender)["referral"] == "dermatologist"
    assistant.say(sender, "no thanks")
    later = _texts(assistant.say(sender, "oh and i've had a temperature since last night"))
    assert "needs medical care now" in later and "you mentioned earlier" in later
    assert FALLBACK_QUESTION not in later
    assert _slots(assistant, sender)["referral"] == "urgent"
    # Gone now: nothing is lowered, and a later sign alone does not combine again.
    assistant.say(sender, "thanks")
    assert _slots(assistant, sender)["referral"] == "urgent"


def test_a_fever_said_to_be_gone_does_not_combine(assistant) -> None:
    """Negation and recency hold across turns."""
    sender = _sender()
    assistant.say(sender, "i had a fever last week but the fever is gone now")
    assistant.say(sender, "there's a spot with a bit of pus on my scalp")
    assert _slots(assistant, sender)["referral"] == "dermatologist"


def test_an_unrecognised_symptom_gets_the_safety_net(assistant) -> None:
    """A body symptom nothing else understood: when to see a doctor, never the buttons alone."""
    sender = _sender()
    replies = assistant.say(sender, "blorp zanty wibble hurts lump")
    text = _texts(replies)
    assert text.startswith(SAFETY_NET_OPENING), text
    assert "see a doctor today" in text
    assert not any(r.get("buttons") for r in replies)
    # The conversation carries on.
    assert "What's bothering you most" in _texts(
        assistant.say(sender, "can you recommend a routine for my scalp?")
    )


def test_concerns_are_recorded_on_a_referral_turn(assistant) -> None:
    """The concerns said with the red flag reach the contract slot and the summary."""
    sender = _sender()
    assistant.say(sender, "my scalp is itchy and flaky and there's a round bald patch on my crown")
    slots = _slots(assistant, sender)
    assert slots["referral"] == "dermatologist"
    assert {"itch", "flaking"} <= set(slots["concerns"])
    summary = _texts(assistant.say(sender, "yes please"))
    assert "- Also bothering me:" in summary and "itching" in summary


def test_a_red_flag_during_a_handoff_is_answered_and_staff_are_told(assistant) -> None:
    """Paused for staff on a Sunday night: bleeding that won't stop still gets the answer."""
    sender = _sender()
    told = _texts(assistant.say(sender, "can i talk to a real person"))
    assert handoff_told(told)
    assert assistant.say(sender, "hello?") == []
    answer = _texts(assistant.say(sender, "my scalp is bleeding a lot and it won't stop"))
    assert "needs medical care now" in answer and reply(referral.STAFF_TOLD) in answer
    assert _slots(assistant, sender)["referral"] == "urgent"
    [(alert,)] = _rows(
        assistant, "SELECT alert FROM salon_handoff_requests WHERE sender_id = ?", sender
    )
    assert alert.startswith("URGENT red flag while waiting")
    assert assistant.say(sender, "ok") == []  # still with staff


def test_another_persons_red_flag_refers_them(assistant) -> None:
    """A father's sore that will not heal: referred for him, and no massage limit given."""
    sender = _sender()
    reply = _texts(assistant.say(sender, "my dad has a sore on his scalp that won't heal"))
    assert reply.startswith("What you describe for your dad (")
    assert _slots(assistant, sender)["referral"] == "dermatologist"
    # Family history is no one's referral.
    other = _sender()
    assistant.say(other, "psoriasis runs in my family, my scalp is just a bit dry")
    assert _slots(assistant, other)["referral"] == "none"


def test_a_booking_under_a_referral_is_held(assistant) -> None:
    """Right after "no exfoliating, no massage": the request is explained and held."""
    sender = _sender()
    assistant.say(sender, "i have thick silvery scales that keep coming back")
    assistant.say(sender, "no thanks")
    first = _texts(assistant.say(sender, "i'd like to book a scalp facial"))
    assert "marked to go ahead only after a doctor has seen your scalp" in first
    assistant.say(sender, "saturday morning")
    assistant.say(sender, "Jane Doe")
    assert reply(booking.BOOKING_NEEDS_CONSENT) in _texts(assistant.say(sender, "jane@example.com"))
    done = _texts(assistant.say(sender, "yes"))
    assert "after a doctor has seen it" in done
    [(status, held_for)] = _rows(
        assistant,
        "SELECT b.status, b.referral FROM salon_booking_requests b "
        "JOIN salon_clients c ON c.id = b.client_id WHERE c.sender_id = ?",
        sender,
    )
    assert (status, held_for) == ("held", "dermatologist")


def test_start_over_keeps_the_referral(assistant) -> None:
    """'start over' resets the conversation, not the referral; no scrub-and-massage routine."""
    sender = _sender()
    assistant.say(sender, "there's a coin sized bald patch on my crown")
    restarted = _texts(assistant.say(sender, "start over"))
    assert restarted.startswith(reply(RESTARTED_UNDER_REFERRAL, who="a dermatologist")[:40])
    slots = _slots(assistant, sender)
    assert slots["referral"] == "dermatologist"
    assert slots["massage_max_minutes"] == 0.0
    routine = _texts(assistant.say(sender, "oily scalp, flakes, not sensitive, i wash daily"))
    assert "Exfoliate" not in routine and "Massage, up to" not in routine

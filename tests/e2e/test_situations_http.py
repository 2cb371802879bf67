"""Special situations and stop/skip through the running assistant (REST + HTTP API)."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from salon import profile as salon_profile
from salon.profile import profile
from tests.replies import handoff_told, reply

pytestmark = pytest.mark.e2e


def _sender() -> str:
    return f"rest:situation-{uuid.uuid4().hex[:12]}"


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_crisis_during_a_handoff_is_answered(assistant) -> None:
    """Paused for staff: thoughts of not wanting to live still get the numbers at once."""
    sender = _sender()
    salon = profile()
    told = _texts(assistant.say(sender, "can i talk to a real person"))
    assert handoff_told(told)
    assert assistant.say(sender, "also do you sell gift cards?") == []  # staff answer that
    answer = _texts(assistant.say(sender, "my hair is all gone and i don't want to live anymore"))
    salon = salon_profile.profile()
    assert salon.emergency_number in answer and salon.crisis_line in answer
    with sqlite3.connect(assistant.salon_database) as connection:
        [(alert,)] = connection.execute(
            "SELECT alert FROM salon_handoff_requests WHERE sender_id = ?", (sender,)
        ).fetchall()
    assert alert.startswith("CRISIS message while waiting")
    assert assistant.say(sender, "ok") == []  # still with staff


def test_a_dose_question_mid_consultation_is_answered_and_the_form_goes_on(assistant) -> None:
    """No dose, a doctor or pharmacist, then the same question again; nothing is lost."""
    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "itchy and flaky")
    answer = _texts(assistant.say(sender, "should i take biotin, how many mcg?"))
    assert "can't advise on medicines" in answer
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"]["name"] == "consultation_form"
    assert tracker["slots"]["concerns"] == ["flaking", "itch"]


def test_chemotherapy_gets_no_massage_limit_and_no_deficiency_guess(assistant) -> None:
    """The oncology team first; no self-massage limit, no nutrient referral."""
    sender = _sender()
    answer = _texts(assistant.say(sender, "i'm on chemo, can i still have a scalp massage?"))
    assert "oncology team" in answer
    slots = assistant.tracker(sender)["slots"]
    assert slots["massage_max_minutes"] is None
    assert slots["nutrient_deficiency_suspected"] is False


def test_skip_moves_on_and_words_about_stopping_end_nothing(assistant) -> None:
    """ "skip" skips one question; "should I stop the diet?" keeps the consultation."""
    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "oily roots")
    asked = assistant.tracker(sender)["slots"]["requested_slot"]
    assistant.say(sender, "skip")
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"]["name"] == "consultation_form"
    assert tracker["slots"]["requested_slot"] not in (asked, None)
    kept = _texts(assistant.say(sender, "so should i stop the diet?"))
    assert "we'll stop here" not in kept
    assert assistant.tracker(sender)["active_loop"]["name"] == "consultation_form"


def test_another_language_gets_the_salons_phone(assistant) -> None:
    """Spanish without a red flag: English only for now, and the salon's phone."""
    answer = _texts(assistant.say(_sender(), "hola, quiero un tratamiento para la caspa"))
    assert "English" in answer and salon_profile.profile().phone in answer


def test_why_do_you_need_that_gets_the_reason_and_the_question_again(assistant) -> None:
    """A question about the question is not read as "yes": the reason, then the question."""
    from actions.consultation import EXPLANATIONS

    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "itchy and flaky")
    asked = assistant.tracker(sender)["slots"]["requested_slot"]
    answer = _texts(assistant.say(sender, "why do you need that?"))
    assert reply(EXPLANATIONS[asked]) in answer
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["requested_slot"] == asked
    assert tracker["slots"][asked] is None


def test_a_booking_mid_consultation_then_the_consultation_goes_on(assistant) -> None:
    """The booking request is sent, then the consultation is picked up where it was."""
    from actions import booking

    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "itchy and flaky")
    assistant.say(sender, "actually can i book the long one, saturday morning")
    assistant.say(sender, "Jane Doe")
    assert reply(booking.BOOKING_NEEDS_CONSENT) in _texts(assistant.say(sender, "jane@example.com"))
    done = _texts(assistant.say(sender, "yes"))
    assert "not a confirmed appointment" in done and "45-minute" in done
    assert reply(booking.BACK_TO_CONSULTATION) in done
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"]["name"] == "consultation_form"
    assert tracker["slots"]["concerns"] == ["flaking", "itch"]


def test_another_language_while_the_fallback_asks_is_answered_once(assistant) -> None:
    """Arabic right after "Sorry, I'm not sure I understood": one answer, no endless loop."""
    sender = _sender()
    assistant.say(sender, "¬B")
    answer = assistant.say(sender, "فروة رأسي جافة")
    assert "English" in _texts(answer)
    assert not (assistant.tracker(sender).get("active_loop") or {}).get("name")


def test_a_skipped_question_stays_skipped_after_a_question_mid_way(assistant) -> None:
    """Skip the scalp type, ask an FAQ question: the form goes on with the next question."""
    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "itchy and flaky")
    assert assistant.tracker(sender)["slots"]["requested_slot"] == "scalp_type"
    assistant.say(sender, "skip")
    resumed = _texts(assistant.say(sender, "what does a scalp facial do?"))
    assert reply("utter_ask_scalp_type") not in resumed
    assert assistant.tracker(sender)["slots"]["requested_slot"] == "sensitive_scalp"

"""The consultation through the running assistant: messy phrasing to a routine in <= 5 turns."""

from __future__ import annotations

import uuid

import pytest

from actions.consultation import EXPLANATIONS
from tests.replies import reply

pytestmark = pytest.mark.e2e

ROUTINE = "Your at-home scalp facial:"
QUESTIONS = {
    "concerns": "What's bothering you most",
    "scalp_type": "how does your scalp feel",
    "sensitive_scalp": "Is your scalp sensitive",
    "wash_frequency": "How often do you wash",
}


def _sender() -> str:
    return f"rest:consult-{uuid.uuid4().hex[:12]}"


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _converse(assistant, turns: list[str]) -> tuple[str, list[str]]:
    sender = _sender()
    transcript = [_texts(assistant.say(sender, turn)) for turn in turns]
    return sender, transcript


@pytest.mark.parametrize(
    "turns",
    [
        ["dry shampoo every day, roots greasy by evening, not sensitive, wash every other day"],
        ["hi", "my scalp is itchy n flaky, roots get greasy by day 2", "nah", "every other day"],
        [
            "can u give me a routine",
            "tight and dry after washing",
            "yes it stings w new stuff",
            "twice a week, i use oils sometimes",
        ],
        [
            "help me w my scalp pls",
            "buildup!! from hairspray",
            '/describe_scalp{"scalp_type": "oily"}',
            "/deny",
            "daily",
        ],
        [
            "routine for my scalp?",
            "nothing really, i just want it healthier",
            "normal i guess",
            "not sensitive at all",
            "once a week",
        ],
    ],
)
def test_messy_conversations_reach_a_routine_in_five_turns(assistant, turns: list[str]) -> None:
    """Each conversation ends with the routine; nothing already said is asked again."""
    sender, transcript = _converse(assistant, turns)
    assert len(turns) <= 5
    assert ROUTINE in transcript[-1], transcript
    assert all(ROUTINE not in t for t in transcript[:-1]), transcript
    slots = assistant.tracker(sender)["slots"]
    assert slots["concerns"] is not None and slots["scalp_type"] is not None
    assert slots["sensitive_scalp"] is not None
    assert slots["massage_max_minutes"] in (5.0, 10.0)
    assert slots["referral"] == "none"


def test_nothing_said_is_asked_again(assistant) -> None:
    """After the first message, only the missing questions come."""
    sender, transcript = _converse(assistant, ["my roots are greasy and i wash daily"])
    reply = transcript[0]
    assert QUESTIONS["concerns"] not in reply
    assert QUESTIONS["wash_frequency"] not in reply
    assert QUESTIONS["sensitive_scalp"] in reply or QUESTIONS["scalp_type"] in reply
    slots = assistant.tracker(sender)["slots"]
    assert slots["concerns"] == ["oiliness"]
    assert slots["wash_frequency"] == "daily"


def test_question_mid_way_then_back(assistant) -> None:
    """An FAQ question is answered and the same question is asked again."""
    sender, transcript = _converse(
        assistant, ["i want a routine", "wait what does salicylic acid do?"]
    )
    assert QUESTIONS["concerns"] in transcript[0]
    assert "salicylic" in transcript[1].lower()
    assert QUESTIONS["concerns"] in transcript[1]
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"]["name"] == "consultation_form"


def test_stop_and_come_back(assistant) -> None:
    """Stopping keeps what was said; asking again continues with what is missing."""
    sender = _sender()
    assistant.say(sender, "recommend me a routine")
    assistant.say(sender, "itchy scalp")
    stopped = _texts(assistant.say(sender, "stop, i'll do this later"))
    assert "we'll stop here" in stopped
    assert not (assistant.tracker(sender).get("active_loop") or {}).get("name")
    again = _texts(assistant.say(sender, "ok can i get that routine now"))
    assert QUESTIONS["concerns"] not in again
    assert QUESTIONS["scalp_type"] in again
    assert assistant.tracker(sender)["slots"]["concerns"] == ["itch"]


def test_two_unusable_answers_get_an_explanation(assistant) -> None:
    """The question is explained after two answers it could not use."""
    sender = _sender()
    assistant.say(sender, "can you recommend a scalp routine")
    assistant.say(sender, "oily roots")
    requested = assistant.tracker(sender)["slots"]["requested_slot"]
    first = _texts(assistant.say(sender, "banana"))
    assert reply(EXPLANATIONS[requested]) not in first
    second = _texts(assistant.say(sender, "purple monkey dishwasher"))
    assert reply(EXPLANATIONS[requested]) in second
    assert QUESTIONS[requested] in second
    assert assistant.tracker(sender)["slots"]["requested_slot"] == requested


def test_correction_after_the_routine_updates_it(assistant) -> None:
    """'actually it's quite sensitive' changes the slot and gives the adapted routine."""
    sender = _sender()
    first = _texts(assistant.say(sender, "oily scalp, flakes, not sensitive, i wash daily"))
    assert ROUTINE in first
    assert assistant.tracker(sender)["slots"]["sensitive_scalp"] is False
    second = _texts(assistant.say(sender, "actually it's quite sensitive"))
    assert "changed" in second
    assert ROUTINE in second
    slots = assistant.tracker(sender)["slots"]
    assert slots["sensitive_scalp"] is True
    assert slots["massage_max_minutes"] == 5.0

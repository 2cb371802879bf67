"""Stop, skip, or neither, inside the consultation form (real domain, rendered replies)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation import ActionGiveRoutine, ValidateConsultationForm
from actions.consultation_questions import (
    AGAIN_LEAD,
    NOTED_LEAD,
    ActionStopOrSkip,
    AskScalpType,
    AskSensitiveScalp,
    asked_again_lead,
)
from tests.conftest import TrackerFactory
from tests.replies import reply

FORM = "consultation_form"


async def test_stop_ends_the_consultation(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A real "stop" ends the form and says how to pick it up again."""
    tracker = make_tracker(
        "stop please", "stop", 0.95, slots={"requested_slot": "scalp_type"}, active_loop=FORM
    )
    events = await ActionStopOrSkip().run(dispatcher, tracker, domain)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert [m["text"] for m in dispatcher.messages] == [reply("utter_consultation_stopped")]


async def test_skip_moves_on_to_the_next_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "skip" at the scalp-type question asks the sensitivity question next."""
    slots = {"requested_slot": "scalp_type", "concerns": ["itch"]}
    tracker = make_tracker("skip this one", "stop", 0.9, slots=slots, active_loop=FORM)
    events = await ActionStopOrSkip().run(dispatcher, tracker, domain)
    # the form goes on (its next answer is validated: the loop is not left interrupted)
    assert events == [
        SlotSet("consultation_skipped", ["scalp_type"]),
        SlotSet("requested_slot", "sensitive_scalp"),
        ActiveLoop(FORM),
    ]
    texts = [m["text"] for m in dispatcher.messages]
    assert texts == [reply("utter_skip_question"), reply("utter_ask_sensitive_scalp")]


async def test_skipping_the_last_question_gives_the_routine(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Nothing left to ask: the form ends and the routine follows."""
    slots = {
        "requested_slot": "wash_frequency",
        "concerns": ["oiliness"],
        "scalp_type": "oily",
        "sensitive_scalp": False,
    }
    tracker = make_tracker("rather not say", "stop", 0.8, slots=slots, active_loop=FORM)
    events = await ActionStopOrSkip().run(dispatcher, tracker, domain)
    assert events[-1] == FollowupAction("action_give_routine")
    assert ActiveLoop(None) in events


async def test_words_about_something_else_stop_nothing(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "should I stop the diet?" keeps the form and asks its question again."""
    slots = {"requested_slot": "wash_frequency"}
    tracker = make_tracker("so should I stop the diet?", "stop", 0.7, slots=slots, active_loop=FORM)
    events = await ActionStopOrSkip().run(dispatcher, tracker, domain)
    assert events == [ActiveLoop(FORM)]
    texts = [m["text"] for m in dispatcher.messages]
    assert texts == [reply("utter_not_a_command"), reply("utter_ask_wash_frequency")]


async def test_the_form_never_asks_a_skipped_question_again(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """After a skip, an answer to the next question moves past the skipped one."""
    slots = {
        "requested_slot": "sensitive_scalp",
        "concerns": ["itch"],
        "consultation_skipped": ["scalp_type"],
    }
    tracker = make_tracker("yes it stings", "affirm", 0.9, slots=slots, active_loop=FORM)
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert SlotSet("sensitive_scalp", True) in events
    assert events[-1] == SlotSet("requested_slot", "wash_frequency")


async def test_unsure_about_sensitivity_is_the_gentle_branch(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "no idea" to the sensitivity question counts as sensitive, never as not sensitive."""
    slots = {"requested_slot": "sensitive_scalp", "concerns": ["flaking"]}
    tracker = make_tracker("no idea tbh", "deny", 0.6, slots=slots, active_loop=FORM)
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert SlotSet("sensitive_scalp", True) in events


async def test_a_routine_without_known_sensitivity_has_no_scrub(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Sensitivity skipped: the routine takes the gentle branch (no physical scrub)."""
    slots = {"concerns": ["buildup"], "scalp_type": "oily", "wash_frequency": "daily"}
    await ActionGiveRoutine().run(dispatcher, make_tracker("", slots=slots), domain)
    assert "Scalp scrub" not in dispatcher.messages[0]["text"]


async def test_more_than_normal_is_no_scalp_type(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The NLU's "normal" in "more than normal" does not become scalp_type=normal."""
    entities = [{"entity": "scalp_type", "value": "normal", "start": 30, "end": 36}]
    tracker = make_tracker(
        "falling out a lot more than normal",
        "describe_scalp",
        0.9,
        entities=entities,
        slots={"requested_slot": "concerns"},
        active_loop=FORM,
    )
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert SlotSet("concerns", ["shedding"]) in events
    assert not any(e["name"] == "scalp_type" for e in events)


async def test_why_do_you_need_that_gets_the_reason_not_a_yes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A question about the question is answered with why it is asked; nothing is filled."""
    slots = {"requested_slot": "sensitive_scalp", "concerns": ["itch"]}
    tracker = make_tracker("why do you need that?", "affirm", 0.7, slots=slots, active_loop=FORM)
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("consultation_misses", 0.0)]
    assert [m["text"] for m in dispatcher.messages] == [reply("utter_explain_sensitive_scalp")]


async def test_a_skipped_question_is_not_asked_again_when_the_form_resumes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Resuming after an FAQ answer, the form would ask the first empty slot: the skipped
    scalp type. Its ask action asks the next question instead."""
    slots = {"concerns": ["itch"], "consultation_skipped": ["scalp_type"]}
    tracker = make_tracker("what is a scalp facial", "faq", 0.9, slots=slots, active_loop=FORM)
    events = await AskScalpType().run(dispatcher, tracker, domain)
    assert events == [SlotSet("requested_slot", "sensitive_scalp")]
    assert [m["text"] for m in dispatcher.messages] == [reply("utter_ask_sensitive_scalp")]
    asked = CollectingDispatcher()
    plain = make_tracker("hi", "greet", 0.9, slots={"concerns": ["itch"]}, active_loop=FORM)
    assert await AskScalpType().run(asked, plain, domain) == []
    assert asked.messages[0]["response"] == "utter_ask_scalp_type"


def _bot(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def _said(text: str) -> list[dict[str, Any]]:
    return [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]


def _slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


ASK = "utter_ask_sensitive_scalp"


@pytest.mark.parametrize(
    ("events", "lead"),
    [
        # The answer filled another slot only: acknowledged, then the question again.
        (
            [_bot(ASK), *_said("i wash daily, no products"), _slot("wash_frequency", "daily")],
            NOTED_LEAD,
        ),
        # Nothing the form could read: said so.
        ([_bot(ASK), *_said("hmm")], AGAIN_LEAD),
        ([_bot(ASK), *_said("hmm"), _slot("requested_slot", "sensitive_scalp")], AGAIN_LEAD),
        # Something was said this turn (the reason asked for): no lead.
        ([_bot(ASK), *_said("why do you need that?"), _bot("utter_why_sensitive")], None),
        # Another question came last: not a repeat.
        ([_bot("utter_ask_scalp_type"), *_said("oily")], None),
        # The first time it is asked.
        (_said("can you recommend a routine?"), None),
        ([], None),
    ],
)
def test_a_question_asked_again_at_once_gets_a_lead(
    events: list[dict[str, Any]], lead: str | None
) -> None:
    """Never the same question twice in a row, bare."""
    assert asked_again_lead(events, ASK) == lead


async def test_the_repeated_question_comes_after_its_lead(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The ask action says the lead first, then the question (both from the domain)."""
    tracker = make_tracker(
        "i wash daily, no products",
        "describe_scalp",
        0.9,
        slots={"requested_slot": "sensitive_scalp"},
        active_loop=FORM,
        history=[_bot(ASK)],
    )
    await AskSensitiveScalp().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == [AGAIN_LEAD, ASK]

"""Requests read in context: "say that again", "get rid of my chats", thanks with a goodbye.

Tables for :func:`scalpcare.commands.asks_to_repeat`, :func:`scalpcare.commands.asks_to_erase`
and the context policy's :func:`repeat_action`, :func:`erase_request_action` and
:func:`closing_action`.
"""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from addons.policies.context_policy import (
    after_answer,
    answer_action,
    closing_action,
    erase_request_action,
    forget_question_back_action,
    repeat_action,
)
from scalpcare.commands import Command, agrees, asks_to_erase, asks_to_repeat, read_command

ASK = "action_ask_forget"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can you send it again pls, my phone died", True),
        ("say that again?", True),
        ("come again?", True),
        ("repeat that please", True),
        ("repeat", True),
        ("could u resend the steps", True),
        ("show me that again", True),
        ("give it to me again lol", True),
        ("sorry can you send me the routine again? closed the tab", True),
        ("pls post the last bit one more time", True),
        # questions of their own, reports, and plain requests without "again"
        ("can you tell me again how long to massage", False),
        ("what was that again", False),
        ("i tried it again and it itched", False),
        ("i massage again at night", False),
        ("please send me the routine", False),
        ("send it", False),
        ("do it again tomorrow?", False),
        ("send pics of the salon again", False),
        ("", False),
    ],
)
def test_asks_to_repeat(text: str, expected: bool) -> None:
    assert asks_to_repeat(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how do i get rid of my conversations with you", True),
        ("clear our chat history pls", True),
        ("can you remove everything you have on me", True),
        ("erase my messages", True),
        ("forget what i told you", True),
        ("wipe what my daughter wrote", True),
        ("i want that you erase all what she wrote please", True),
        ("pls scrub my details from ur system", True),
        # the scalp's own troubles, a cancellation, a report
        ("get rid of my flakes", False),
        ("remove the buildup", False),
        ("how do i remove dry shampoo from my hair", False),
        ("clear my scalp of buildup", False),
        ("delete my booking", False),
        ("i deleted the app and lost the messages", False),
    ],
)
def test_asks_to_erase(text: str, expected: bool) -> None:
    assert asks_to_erase(text) is expected


ROUTINE = [
    UserUttered("dry and itchy, dry, a bit sensitive, 2-3 times a week"),
    ActionExecuted("action_give_routine"),
    SlotSet("consent_offered", True),
    ActionExecuted("action_listen"),
]
DECLINED = [
    *ROUTINE,
    UserUttered("no ty"),
    ActionExecuted("action_decline_consent"),
    ActionExecuted("action_listen"),
]
LIMITS = [
    UserUttered("how long should i massage my scalp"),
    ActionExecuted("action_massage_limits"),
    ActionExecuted("action_listen"),
]
FAQ = [
    UserUttered("whats a scalp facial"),
    ActionExecuted("utter_faq"),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "loop", "text", "action"),
    [
        (ROUTINE, None, "can you send it again pls, my phone died", "action_give_routine"),
        (DECLINED, None, "say that again?", "action_give_routine"),
        (LIMITS, None, "sorry can u repeat that", "action_massage_limits"),
        # nothing of these before it, or in a form (there it is about the question)
        (FAQ, None, "say that again?", None),
        (ROUTINE, "consultation_form", "repeat that please", None),
        (ROUTINE, None, "how often should i do it?", None),
    ],
)
def test_repeat_action(events: list, loop: str | None, text: str, action: str | None) -> None:
    assert repeat_action([*events, UserUttered(text)], loop, text) == action


def test_send_it_again_please_is_no_yes_to_the_consent_question() -> None:
    events = [*ROUTINE, UserUttered("send it again please")]
    # read alone as an answer it would be a yes; the repeat reading comes first
    assert answer_action(events, "send it again please") == "action_give_consent"
    assert repeat_action(events, None, "send it again please") == "action_give_routine"


@pytest.mark.parametrize(
    ("loop", "intent", "text", "action"),
    [
        (
            None,
            "nlu_fallback",
            "how do i get rid of my conversations with you",
            "action_ask_forget",
        ),
        (None, "out_of_scope", "clear our chat history pls", "action_ask_forget"),
        # placed by the classifier, in a form, or not about the client's data
        (None, "forget_me", "erase my messages", None),
        ("booking_form", "nlu_fallback", "erase my messages", None),
        (None, "nlu_fallback", "how do i get rid of these flakes", None),
    ],
)
def test_erase_request_action(loop: str | None, intent: str, text: str, action: str | None) -> None:
    assert erase_request_action(loop, intent, text) == action


def _parse(*ranking: tuple[str, float]) -> dict:
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            *({"name": name, "confidence": conf} for name, conf in ranking),
        ],
    }


@pytest.mark.parametrize(
    ("loop", "parse_data", "action"),
    [
        # "thank you so much, have a nice day", "thank you, have a lovely evening"
        (None, _parse(("goodbye", 0.53), ("thank", 0.45)), "utter_goodbye"),
        (None, _parse(("thank", 0.5), ("goodbye", 0.44)), "utter_goodbye"),
        # not both closing, not sure enough, in a form, or placed
        (None, _parse(("goodbye", 0.45), ("out_of_scope", 0.4)), None),
        (None, _parse(("goodbye", 0.4), ("thank", 0.3)), None),
        ("consultation_form", _parse(("goodbye", 0.53), ("thank", 0.45)), None),
        (None, {"intent": {"name": "thank"}, "intent_ranking": []}, None),
        (None, None, None),
    ],
)
def test_closing_action(loop: str | None, parse_data: dict | None, action: str | None) -> None:
    assert closing_action(loop, parse_data) == action


@pytest.mark.parametrize("answer", ["action_give_routine", "action_ask_forget", "utter_goodbye"])
def test_listens_after_answering_outside_the_rules(answer: str) -> None:
    assert after_answer(answer, "action_listen") == "action_listen"
    # the routine at the end of the consultation form is the rules' to follow
    assert after_answer(answer, "consultation_form") is None


FORGET_ASKED = [
    UserUttered("how do i get rid of my conversations with you"),
    ActionExecuted("action_ask_forget"),
    SlotSet("forget_offered", True),
    ActionExecuted("action_listen"),
]


@pytest.mark.parametrize(
    ("events", "text", "action"),
    [
        (FORGET_ASKED, "wait what does that delete exactly, my booking request too??", ASK),
        (FORGET_ASKED, "hmm what exactly gets deleted tho", ASK),
        (FORGET_ASKED, "will it delete my notes as well", ASK),
        (FORGET_ASKED, "and the booking?", ASK),
        # answers, and no erasure question open
        (FORGET_ASKED, "yes", None),
        (FORGET_ASKED, "no keep it", None),
        (FORGET_ASKED, "ok", None),
        (LIMITS, "what does that delete exactly?", None),
    ],
)
def test_a_question_back_gets_the_erasure_question_again(
    events: list, text: str, action: str | None
) -> None:
    assert forget_question_back_action([*events, UserUttered(text)], text) == action


@pytest.mark.parametrize(
    ("text", "command", "agreement"),
    [
        ("fair enough", None, True),
        ("ok fair enough", None, True),
        ("good enough thanks", None, True),
        ("enough said", None, True),
        ("yeah fair enough i guess", None, True),
        # a stop still, with or without the agreement
        ("enough", Command.STOP, False),
        ("thats enough", Command.STOP, False),
        ("ok enough for today", Command.STOP, False),
        ("fair enough, stop then", Command.STOP, False),
    ],
)
def test_enough_in_an_agreement_is_no_stop(
    text: str, command: Command | None, agreement: bool
) -> None:
    assert read_command(text) is command
    assert agrees(text) is agreement

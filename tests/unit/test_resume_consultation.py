"""A consultation left before its routine is picked up again ("ok im back, lets continue").

addons/policies/context_policy.py consultation_left_open and resume_action.
"""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    UserUttered,
)

from addons.policies.context_policy import consultation_left_open, resume_action, why_action

FORM = "consultation_form"
OPENED: list[Event] = [UserUttered("routine please"), ActionExecuted(FORM), ActiveLoop(FORM)]
STOPPED: list[Event] = [
    *OPENED,
    UserUttered("ugh stop"),
    ActionExecuted("action_stop_or_skip"),
    ActiveLoop(None),
]
FINISHED: list[Event] = [*OPENED, ActiveLoop(None), ActionExecuted("action_give_routine")]
BOOKING_LEFT: list[Event] = [
    *OPENED,
    UserUttered("can i book a facial first"),
    ActionExecuted("booking_form"),
    ActiveLoop("booking_form"),
    UserUttered("stop"),
    ActiveLoop(None),
]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (STOPPED, True),
        (BOOKING_LEFT, True),
        (FINISHED, False),
        ([], False),
        ([*STOPPED, SessionStarted()], False),
        # Given the routine after coming back: nothing left open.
        (
            [*STOPPED, ActiveLoop(FORM), ActiveLoop(None), ActionExecuted("action_give_routine")],
            False,
        ),
    ],
)
def test_consultation_left_open(events: list[Event], expected: bool) -> None:
    assert consultation_left_open(events) is expected


@pytest.mark.parametrize(
    ("loop", "text", "events", "expected"),
    [
        (None, "ok im back, lets continue", STOPPED, FORM),
        (None, "where were we?", BOOKING_LEFT, FORM),
        (None, "let's carry on", STOPPED, FORM),
        # Nothing left open, a form running, or no request to carry on.
        (None, "ok im back, lets continue", FINISHED, None),
        (FORM, "let's continue", STOPPED, None),
        (None, "my itch is back", STOPPED, None),
        (None, "hi again", STOPPED, None),
    ],
)
def test_resume_action(
    loop: str | None, text: str, events: list[Event], expected: str | None
) -> None:
    assert resume_action(loop, text, events) == expected


@pytest.mark.parametrize(
    ("loop", "text", "expected"),
    [
        (FORM, "whats the point of this question", FORM),
        (FORM, "why do you need that?", FORM),
        # Outside the consultation, or not a question about the question.
        (None, "whats the point of this question", None),
        ("booking_form", "why do you need that?", None),
        (FORM, "itchy and flaky", None),
    ],
)
def test_why_action(loop: str | None, text: str, expected: str | None) -> None:
    assert why_action(loop, text) == expected

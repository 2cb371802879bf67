"""A client's own next step, said after an answer, is heard (context_policy.plan_action)."""

from __future__ import annotations

import pytest

from addons.policies.context_policy import plan_action, states_plan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ill wash it first and see lol", True),
        ("ok i'll ask her nurse then", True),
        ("gonna phone the gp tomorrow", True),
        ("right, we'll try the comb tonight", True),
        ("thanks, ill book in once its cleared", True),
        ("im gonna ask my midwife", True),
        ("will do", True),
        ("i’ll ask", True),
        # a question, being ill, "well", or no plan at all
        ("i'll do that but how long for?", False),
        ("i was ill for a week", False),
        ("ill since friday and my scalp hurts", False),
        ("well i dunno", False),
        ("my scalp is itchy", False),
        ("", False),
    ],
)
def test_states_plan(text: str, expected: bool) -> None:
    assert states_plan(text) is expected


@pytest.mark.parametrize(
    ("loop", "intent", "text", "expected"),
    [
        (None, "nlu_fallback", "ill wash it first and see lol", "utter_acknowledged"),
        # placed by the classifier, in a form, or no plan: not this policy's
        (None, "thank", "ok i'll ask her nurse then", None),
        ("consultation_form", "nlu_fallback", "ill wash it tonight", None),
        (None, "nlu_fallback", "blorp zzz", None),
    ],
)
def test_plan_action(loop: str | None, intent: str, text: str, expected: str | None) -> None:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.3}}
    assert plan_action(loop, parse_data) == expected

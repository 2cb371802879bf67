"""The conversation set's turn checks (tests/conversations.py), as tables."""

from __future__ import annotations

from typing import Any

import pytest

from tests import conversations as conv

ROUTINE = conv.Turn(
    actions=("consultation_form", "action_give_routine"),
    replies=(
        ("", "Your at-home scalp facial: 1. Pre-cleanse ..."),
        ("utter_consent_question", "Would you like the salon to keep a short note?"),
    ),
    slots={"concerns": ["flaking", "itch"], "massage_overuse": None, "massage_max_minutes": 5.0},
)
FAQ = conv.Turn(("utter_faq",), (("utter_faq/how_often_scalp_facial", "Once a week."),), {})
CONFUSED = conv.Turn(("action_default_ask_rephrase",), (("utter_ask_rephrase", "Sorry?"),), {})
SILENT = conv.Turn(("action_listen",), (), {})
TWICE = conv.Turn(
    ("action_massage_limits",),
    (("", "Keep self-massage to 5 minutes a day. Keep self-massage to 5 minutes a day."),),
    {},
)


@pytest.mark.parametrize(
    ("expect", "turn", "problems"),
    [
        (None, ROUTINE, []),
        ({"actions": ["action_give_routine"]}, ROUTINE, []),
        ({"actions": ["action_triage|action_give_routine"]}, ROUTINE, []),
        ({"actions": ["action_triage"]}, ROUTINE, ["did not run action_triage"]),
        ({"no_actions": ["consultation_form"]}, ROUTINE, ["ran consultation_form"]),
        ({"replies": ["utter_consent_question"]}, ROUTINE, []),
        (
            {"replies": ["utter_goodbye|utter_youre_welcome"]},
            ROUTINE,
            ["no utter_goodbye|utter_youre_welcome"],
        ),
        ({"no_replies": ["utter_consent_question"]}, ROUTINE, ["said utter_consent_question"]),
        ({"replies": ["utter_faq/*"]}, FAQ, []),
        ({"replies": ["utter_faq/*"]}, ROUTINE, ["no utter_faq/*"]),
        ({"replies": ["utter_faq/how_long_results"]}, FAQ, ["no utter_faq/how_long_results"]),
        ({"says": ["SCALP FACIAL"]}, ROUTINE, []),
        ({"says": ["dermatologist|scalp facial"]}, ROUTINE, []),
        ({"says": ["dermatologist"]}, ROUTINE, ["does not say 'dermatologist'"]),
        ({"not_says": ["pre-cleanse"]}, ROUTINE, ["says 'pre-cleanse'"]),
        ({"slots": {"concerns": ["itch"]}}, ROUTINE, []),
        (
            {"slots": {"concerns": ["oily"]}},
            ROUTINE,
            ["slot concerns=['flaking', 'itch'], missing ['oily']"],
        ),
        ({"slots": {"massage_overuse": None}}, ROUTINE, []),
        ({"slots": {"massage_overuse": True}}, ROUTINE, ["slot massage_overuse=None, not True"]),
        ({"slots": {"massage_max_minutes": 5}}, ROUTINE, []),
        ({"slots": {"massage_max_minutes": 10}}, ROUTINE, ["slot massage_max_minutes=5.0, not 10"]),
        (None, CONFUSED, ["not understood (utter_ask_rephrase)"]),
        ({"confused": True}, CONFUSED, []),
        (None, SILENT, ["no reply"]),
        (None, TWICE, ["said twice: 'keep self-massage to 5 minutes a day.'"]),
    ],
)
def test_check_turn(expect: dict[str, Any] | None, turn: conv.Turn, problems: list[str]) -> None:
    assert conv.check_turn(expect, turn) == problems


def test_turn_from_events_reads_only_after_the_last_user_message() -> None:
    events = [
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_greet"},
        {"event": "bot", "text": "Hello", "metadata": {"utter_action": "utter_greet"}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "how often?"},
        {"event": "action", "name": "utter_faq"},
        {"event": "bot", "text": "Once a week.", "metadata": {"utter_action": "utter_faq/x"}},
        {"event": "bot", "text": "Composed.", "metadata": {}},
        {"event": "action", "name": "action_listen"},
    ]
    turn = conv.turn_from_events(events, {"referral": "none"})
    assert turn.actions == ("utter_faq",)
    assert turn.replies == (("utter_faq/x", "Once a week."), ("", "Composed."))
    assert turn.slots == {"referral": "none"}


def test_a_conversation_citing_a_held_out_page_is_held_out() -> None:
    pages = [f"https://example.org/thread/{n}" for n in range(60)]
    held = [p for p in pages if conv.side_of(p) == "heldout"]
    dev = [p for p in pages if conv.side_of(p) == "dev"]
    assert 10 <= len(held) <= 30  # about a third
    sides = conv.split(
        [
            {"id": "a", "sources": [dev[0]]},
            {"id": "b", "sources": [dev[1], held[0]]},
            {"id": "c", "sources": [held[1]]},
        ]
    )
    assert [c["id"] for c in sides["dev"]] == ["a"]
    assert [c["id"] for c in sides["heldout"]] == ["b", "c"]


@pytest.mark.parametrize(
    ("conversation", "problems"),
    [
        ({"id": "x", "kind": "k", "sources": ["s"], "turns": [{"user": "hi"}]}, []),
        ({"id": "x", "kind": "k", "sources": [], "turns": [{"user": "hi"}]}, ["no sources"]),
        (
            {"id": "x", "kind": "k", "sources": ["s"], "turns": [{"expect": {}}]},
            ["turn 1 has no user message"],
        ),
        (
            {
                "id": "x",
                "kind": "k",
                "sources": ["s"],
                "turns": [{"user": "hi", "expect": {"reply": []}}],
            },
            ["turn 1: unknown expect keys ['reply']"],
        ),
    ],
)
def test_shape_problems(conversation: dict[str, Any], problems: list[str]) -> None:
    assert conv.shape_problems(conversation) == problems

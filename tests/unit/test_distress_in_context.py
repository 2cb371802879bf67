"""Distress that does not name the hair, in a conversation about the hair.

scalpcare/situations.py distress_in_context and with_distress_in_context; the form does
not read such a message's "i dont know anymore" as an unsure answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.consultation import read_message
from scalpcare.situations import (
    Situation,
    detect,
    distress_in_context,
    with_distress_in_context,
)

DISTRESS = Situation.DISTRESS


@pytest.mark.parametrize(
    ("text", "hair_context", "expected"),
    [
        ("i dont know anymore, i just feel so low about it all", True, True),
        ("honestly its getting me down so much", True, True),
        ("i cry every time i see the plughole", True, True),
        # No talk about hair before: a low mood alone is not read as hair distress here.
        ("i dont know anymore, i just feel so low about it all", False, False),
        # Negated, about massage, another language, or no distress at all.
        ("im not upset about it, just curious", True, False),
        ("i feel anxious if i skip my massage", True, False),
        ("estoy muy triste con todo esto", True, False),
        ("oily i think", True, False),
        ("", True, False),
    ],
)
def test_distress_in_context(text: str, hair_context: bool, expected: bool) -> None:
    assert distress_in_context(text, hair_context) is expected


@pytest.mark.parametrize(
    ("found", "text", "concerns", "previous", "expected"),
    [
        # Known concerns, or a message before about hair, make the context.
        ((), "i just feel so low about it all", ["shedding"], None, (DISTRESS,)),
        ((), "it's really getting me down", None, "my hair is thinning at the crown", (DISTRESS,)),
        # Nothing about hair so far.
        ((), "i just feel so low about it all", None, "what are your opening hours", ()),
        # Already found in the message itself: unchanged.
        ((DISTRESS,), "i hate my thinning hair", ["shedding"], None, (DISTRESS,)),
        (
            (Situation.CRISIS, DISTRESS),
            "i feel so low",
            ["shedding"],
            None,
            (Situation.CRISIS, DISTRESS),
        ),
    ],
)
def test_with_distress_in_context(
    found: tuple[Situation, ...],
    text: str,
    concerns: Any,
    previous: str | None,
    expected: tuple[Situation, ...],
) -> None:
    assert with_distress_in_context(found, text, concerns, previous) == expected


def test_a_distress_message_is_no_unsure_answer() -> None:
    """After the distress answer, "i dont know anymore" leaves the scalp type unasked."""
    text = "i dont know anymore, i just feel so low about it all"
    facts, _ = read_message(text, "describe_scalp", "scalp_type", {}, unsure_answers=False)
    assert facts.scalp_type is None
    facts, _ = read_message("no idea tbh", "describe_scalp", "scalp_type", {})
    assert facts.scalp_type == "normal"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("im not upset about my hair, just curious", ()),
        ("i am not sad about my hair loss honestly", ()),
        ("im so upset about my hair", (DISTRESS,)),
        ("i feel really low about my thinning hair", (DISTRESS,)),
    ],
)
def test_a_denied_feeling_is_no_distress(text: str, expected: tuple[Situation, ...]) -> None:
    """ "im not upset" was read as "im <any word> upset": the word between is no denial."""
    assert detect(text) == expected

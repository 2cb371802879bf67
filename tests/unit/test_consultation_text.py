"""Reading "I don't know" in an answer (scalpcare/consultation_text.py is_unsure)."""

from __future__ import annotations

import pytest

from scalpcare.consultation_text import is_unsure

UNSURE_CASES = [
    ("not sure", True),
    ("no idea tbh", True),
    ("hmm no clue honestly", True),
    ("not a clue", True),
    ("haven't got a clue", True),
    ("i dont really know", True),
    ("I don’t know", True),
    ("dunno", True),
    ("idk", True),
    ("couldn't tell you", True),
    ("hard to say", True),
    ("beats me", True),
    ("not really sure", True),
    ("never really paid attention to it", True),
    ("never thought about it", True),
    ("maybe?", True),
    ("erm perhaps", True),
    # Answers, not doubts.
    ("no", False),
    ("not really", False),
    ("never noticed any stinging", False),
    ("i know it stings with some shampoos", False),
    ("clueless about products but my scalp is oily", False),
    ("", False),
    (None, False),
]


@pytest.mark.parametrize(("text", "expected"), UNSURE_CASES)
def test_is_unsure(text: str | None, expected: bool) -> None:
    """An answer that says the person does not know, or a real answer."""
    assert is_unsure(text) is expected

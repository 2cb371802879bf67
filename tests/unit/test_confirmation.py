"""scalpcare.confirmation: a typed answer to "Shall I go ahead?" read as yes, no or neither."""

from __future__ import annotations

import pytest

from scalpcare.confirmation import confirms
from tests.conversations import erasure_answers

CASES = [
    # yes, in the words people type when buttons become text (WhatsApp)
    ("yes", True),
    ("Yes", True),
    ("yep", True),
    ("ok go ahead", True),
    ("yes delete it", True),
    ("delete it all", True),
    ("yes, delete everything", True),  # the button's title typed out
    ("yes please delete my data", True),
    ("sure, wipe it", True),
    ("forget me", True),
    ("no problem, go ahead", True),
    ("no worries delete it", True),
    # no: a no anywhere, or a negated action, wins
    ("no", False),
    ("nope", False),
    ("no, keep it", False),
    ("keep it please", False),
    ("don't delete it", False),
    ("do not delete anything", False),
    ("no don't", False),
    ("yes but keep my booking", False),
    ("actually no", False),
    ("not now", False),
    ("wait", False),
    ("I changed my mind", False),
    ("changed my mind, don't delete it", False),
    ("sorry changed my mind again, yes pls delte it all", True),
    ("ok i've changed my mind, go ahead", True),
    ("yes pls delte it", True),
    # neither: a question back, unsure, or something else
    ("what gets deleted?", None),
    ("will it delete my booking?", None),
    ("and how long till i'd see results if i do it", None),
    ("so what happens to my booking if you delete it", None),
    ("ok, when will it be gone", None),
    ("not sure", None),
    ("maybe", None),
    ("hmm", None),
    ("dont", None),
    ("i'm not fine with that", False),
    # a thank-you with a weak yes is a polite close, not a yes
    ("Okay thank you very much", None),
    ("ok thanks", None),
    ("yes please, thanks", True),
    ("not ok", False),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), CASES + erasure_answers())
def test_confirms(text: str | None, expected: bool | None) -> None:
    assert confirms(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes cancel it", True),
        ("cancel it please", True),
        ("cancel", True),
        ("yes", True),
        ("go ahead", True),
        ("no keep it", False),
        ("keep it", False),
        ("don't cancel it", False),
        ("do not cancel", False),
        ("no", False),
        # a question back, even after "wait", is no answer yet
        ("wait, which one?", None),
        ("wait", False),
        ("can i change it instead?", None),
    ],
)
def test_confirms_a_cancellation(text: str, expected: bool | None) -> None:
    """To "Shall I cancel your request?", "cancel it" is a yes (elsewhere it is a no)."""
    assert confirms(text, cancelling=True) is expected
    if "cancel" in text and expected:
        assert confirms(text) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hesitation alone is a no ...
        ("wait", False),
        ("wait!", False),
        ("hang on", False),
        ("hold on, dont delete", False),
        ("no wait", False),
        # ... but before a question it opens the question back: no answer yet
        ("wait what does that delete exactly, my booking request too??", None),
        ("hang on is my booking deleted too?", None),
        ("wait, will it delete my notes as well", None),
        ("hold on what gets deleted", None),
    ],
)
def test_hesitation_before_a_question_is_no_answer(text: str, expected: bool | None) -> None:
    assert confirms(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a yes-word turned round, and a no in other words: never an erasure
        ("absolutely not", False),
        ("of course not", False),
        ("definitely not!", False),
        ("not really", False),
        ("not at all", False),
        ("leave it", False),
        ("leave it all", False),
        ("dont bother", False),
        ("i dont want to anymore", False),
        ("forget it", False),
        ("forget about it", False),
        ("i dont want it deleted", False),
        # and the yes in other words
        ("yess", True),
        ("yas", True),
        ("affirmative", True),
        ("i want it deleted", True),
        ("yes forget it all", True),
        ("of course", True),
        ("absolutely", True),
        # still no answer yet
        ("really not sure", None),
        ("not sure", None),
    ],
)
def test_yes_and_no_in_other_words(text: str, expected: bool | None) -> None:
    assert confirms(text) is expected

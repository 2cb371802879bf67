"""The screener's training examples: which ones train the everyday head, and how."""

from __future__ import annotations

import numpy as np
import pytest

from addons.nlu import red_flags
from addons.nlu.screening_corpus import Item
from scalpcare import triage


@pytest.fixture(scope="module", autouse=True)
def warm_pipeline() -> None:
    """Build the rules' spaCy pipeline once."""
    triage.warm_up()


@pytest.mark.parametrize(
    ("text", "level", "kind", "everyday"),
    [
        ("flakes all over my black top and it itches", "none", "benign", True),
        ("thick silvery scale that bleeds", "dermatologist", "red_flag", False),
        ("no flakes or itch any more, it cleared", "none", "past", None),  # the status head's
        ("my roots are greasy by the evening", "none", "benign", None),  # not the family
    ],
)
def test_corpus_messages_about_flakes_and_itch_train_the_everyday_head(
    text: str, level: str, kind: str, everyday: bool | None
) -> None:
    """Benign flaking messages are everyday, red flags in those words are not."""
    item = Item("t-1", (text,), level, (), kind, "self", "https://example.org/page")
    (example,) = red_flags.corpus_examples([item], {text: np.zeros(4)})
    assert example.everyday is everyday


@pytest.mark.parametrize(
    ("text", "everyday"),
    [("itchy and a bit flaky", True), ("oily roots, i wash daily", None)],
)
def test_consultation_scalp_descriptions_are_everyday_wording(
    text: str, everyday: bool | None
) -> None:
    """An NLU example about flakes or itch trains the everyday head as everyday wording."""
    (example,) = red_flags.benign_examples([(text, np.zeros(4))])
    assert example.everyday is everyday

"""scalpcare.booking_words: a time, a change or a cancel in a client's words, as tables."""

from __future__ import annotations

import pytest

from scalpcare.booking_words import (
    asks_to_change,
    names_a_time,
    offers_a_time,
    says_cancel,
    time_span,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday at 3pm", True),
        ("any time next week", True),
        ("the 14th", True),
        ("14:30", True),
        ("lunchtime works", True),
        ("march 3", True),
        ("after work", True),
        ("weekends", True),
        ("yes please", False),
        ("where are you exactly?", False),
        ("cancel it", False),
        ("", False),
        (None, False),
    ],
)
def test_names_a_time(text: str | None, expected: bool) -> None:
    assert names_a_time(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday at 3 instead", True),
        ("can't do saturday, but monday works", True),
        ("cant do sat but sunday morning is fine", True),
        ("i can't make saturday", False),
        ("saturday doesn't work for me", False),
        ("not friday", False),
        ("no", False),
    ],
)
def test_offers_a_time(text: str, expected: bool) -> None:
    assert offers_a_time(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can i change my booking", True),
        ("can i reschedule?", True),
        ("could we move my appointment to thursday afternoon", True),
        ("i need a different time", True),
        ("can we push it back a week", True),
        ("need to rebook for another day", True),
        ("cancel friday and move it to saturday", True),
        ("can i cancel my booking", False),
        ("change of plans, please cancel it", False),
        ("i can't make it on saturday anymore, can i cancel", False),
        ("my scalp changed after the facial", True),  # a change word; the intent decides
        ("", False),
    ],
)
def test_asks_to_change(text: str, expected: bool) -> None:
    assert asks_to_change(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cancel it", True),
        ("please cancel my booking", True),
        ("cancelling is fine", True),
        ("don't cancel it", False),
        ("no need to cancel, just move it", False),
        ("move it to friday", False),
    ],
)
def test_says_cancel(text: str, expected: bool) -> None:
    assert says_cancel(text) is expected


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("can I change my booking to Friday evening instead?", "Friday evening"),
        ("please move my request to next friday at 2pm", "next friday at 2pm"),
        ("no, could we do monday morning, 10ish?", "monday morning, 10ish"),
        ("can't do sat, but sunday works", "sunday"),
        ("thursday afternoon would be better", "thursday afternoon"),
        ("move it to the 14th please", "the 14th"),
        ("something came up, could we do later in the week", "later in the week"),
        ("i can't make saturday", None),
        ("yes please", None),
    ],
)
def test_time_span(text: str, span: str | None) -> None:
    assert time_span(text) == span

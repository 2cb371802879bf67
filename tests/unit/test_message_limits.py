"""The message-length cap: shortened text, the note, and red flags never cut off."""

from __future__ import annotations

import pytest

from addons.server import message_limits
from scalpcare import triage
from scalpcare.contract import Referral
from scalpcare.phrases import phrase
from tests.replies import rendered

FILLER = "I wash my hair every other day and use a mild shampoo. "  # 55 characters


def _long(tail: str, repeat: int = 100) -> str:
    return FILLER * repeat + tail


def test_short_messages_are_untouched() -> None:
    for text in ("", "hi", "x" * 2000, "😀" * 2000):
        assert message_limits.shorten(text, 2000) == (text, None)


def test_a_long_message_is_cut_at_a_word_and_the_user_told() -> None:
    text = _long("")
    short, note = message_limits.shorten(text, 2000)
    assert len(short) <= 2000 and not short.endswith(" ")
    assert text.startswith(short)
    assert note is not None and f"({len(text):,} characters)" in rendered(note)
    assert "first 2,000" in rendered(note) and "symptoms" not in rendered(note)


@pytest.mark.parametrize(
    ("tail", "level"),
    [
        ("Also I have a fever and my scalp is hot and swollen.", Referral.URGENT),
        (
            "By the way my dermatologist said it's psoriasis, it's spreading.",
            Referral.DERMATOLOGIST,
        ),
        ("I went vegan last month without any plan and eat barely any protein.", Referral.DOCTOR),
        ("No fever, no bleeding, no bald patches, just dryness.", Referral.NONE),
        ("I had psoriasis years ago but it cleared completely.", Referral.NONE),
    ],
)
def test_flags_beyond_the_cut_keep_their_sentence_and_referral(tail: str, level: Referral) -> None:
    text = _long(tail)
    short, note = message_limits.shorten(text, 2000)
    assert triage.screen(short).level is triage.screen(text).level is level
    assert len(short) < 2000 + len(tail) + 10
    assert note is not None
    assert ("symptoms" in rendered(note)) is (level is not Referral.NONE)


def test_many_flags_keep_at_most_five_sentences() -> None:
    text = _long(" ".join(f"Day {n}: my scalp is bleeding and won't stop." for n in range(40)))
    short, _ = message_limits.shorten(text, 2000)
    assert short.count(message_limits.SEPARATOR) <= message_limits.MAX_KEPT
    assert triage.screen(short).level is Referral.URGENT


def test_markup_and_no_spaces() -> None:
    text = "<b>" * 5000
    short, note = message_limits.shorten(text, 2000)
    assert short == text[:2000] and note is not None


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 2000), ("5000", 5000), ("abc", 2000), ("10", 2000)]
)
def test_max_chars_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int
) -> None:
    if value is None:
        monkeypatch.delenv(message_limits.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(message_limits.ENV_VAR, value)
    assert message_limits.max_chars() == expected


@pytest.mark.parametrize(
    ("length", "limit", "kept", "expected"),
    [
        (
            2001,
            2000,
            False,
            phrase("utter_server_message_shortened", length="2,001", limit="2,000"),
        ),
        (
            1234567,
            5000,
            True,
            phrase(
                "utter_server_message_shortened_kept_symptoms", length="1,234,567", limit="5,000"
            ),
        ),
    ],
)
def test_the_notice_names_its_response(
    length: int, limit: int, kept: bool, expected: object
) -> None:
    assert message_limits.notice(length, limit, kept) == expected
    assert "{" not in rendered(message_limits.notice(length, limit, kept))

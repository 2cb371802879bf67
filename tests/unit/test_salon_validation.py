"""Table tests for the contact-detail validators and maskers (salon/validation.py)."""

from __future__ import annotations

import pytest

from salon.validation import (
    mask_email,
    mask_name,
    mask_phone,
    normalise_email,
    normalise_phone,
    scrub_text,
    valid_email,
)

VALID_EMAILS = [
    "jane@example.com",
    "Jane.Doe@Example.co.uk",
    "  jane@example.com  ",
    "j+salon@example.org",
    "first.last-name@sub.domain.example",
    "o'connor@example.ie",
    "x@example.museum",
    "user_1@xn--bcher-kva.example",
    "a@b-c.de",
]

INVALID_EMAILS = [
    "",
    "   ",
    "jane",
    "jane@",
    "@example.com",
    "jane@example",
    "jane@@example.com",
    "jane@exa mple.com",
    "ja ne@example.com",
    "jane.@example.com",
    ".jane@example.com",
    "ja..ne@example.com",
    "jane@example..com",
    "jane@-example.com",
    "jane@example-.com",
    "jane@example.c",
    "jane@example.123",
    "jane@.example.com",
    "jane@example.com.",
    "jane(at)example.com",
    "jane@exam_ple.com",
    "a" * 65 + "@example.com",
    "jane@" + "a" * 250 + ".com",
    "mailto:jane@example.com",
]


@pytest.mark.parametrize("address", VALID_EMAILS)
def test_valid_email_accepts(address: str) -> None:
    assert valid_email(address) is True


@pytest.mark.parametrize("address", INVALID_EMAILS)
def test_valid_email_rejects(address: str) -> None:
    assert valid_email(address) is False


def test_valid_email_rejects_non_strings() -> None:
    assert valid_email(None) is False  # type: ignore[arg-type]
    assert valid_email(42) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" Jane.Doe@Example.COM ", "Jane.Doe@example.com"),
        ("jane@example.com", "jane@example.com"),
        ("not an email", None),
    ],
)
def test_normalise_email(raw: str, expected: str | None) -> None:
    assert normalise_email(raw) == expected


PHONES = [
    ("+44 20 7946 0958", "+442079460958"),
    ("+44 (0)20 7946 0958", "+442079460958"),
    ("0044 20 7946 0958", "+442079460958"),
    ("020 7946 0958", "02079460958"),
    ("(555) 123-4567", "5551234567"),
    ("555.123.4567", "5551234567"),
    ("+1-555-123-4567", "+15551234567"),
    ("06 12 34 56 78", "0612345678"),
    ("+49/30/1234567", "+49301234567"),
    ("1234567", "1234567"),
    ("+123456789012345", "+123456789012345"),
    ("  07700 900123 ", "07700900123"),
]

BAD_PHONES = [
    "",
    "   ",
    "123456",  # too short
    "+1234567890123456",  # 16 digits, longer than E.164
    "call me",
    "07700 9OO123",  # letters O for zeros
    "+44 20 7946 0958 ext 12",
    "++44 20 7946 0958",
    "44+20 7946 0958",
    "+0 20 7946 0958",  # no country code starts with 0
    "jane@example.com",
    "#123456789",
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_normalise_phone_accepts(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", BAD_PHONES)
def test_normalise_phone_rejects(raw: str) -> None:
    assert normalise_phone(raw) is None


def test_normalise_phone_rejects_non_strings() -> None:
    assert normalise_phone(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jane@example.com", "j***@example.com"),
        ("J.Doe@sub.example.org", "J***@sub.example.org"),
        (None, "-"),
        ("", "-"),
        ("no-at-sign", "***"),
    ],
)
def test_mask_email(raw: str | None, expected: str) -> None:
    assert mask_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+442079461234", "***1234"),
        ("020 7946 1234", "***1234"),
        ("1234567", "***"),
        (None, "-"),
        ("", "-"),
    ],
)
def test_mask_phone(raw: str | None, expected: str) -> None:
    assert mask_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Jane", "J."), ("Jane van Dyke", "J. v. D."), ("  ", "-"), (None, "-")],
)
def test_mask_name(raw: str | None, expected: str) -> None:
    assert mask_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("weekday evenings", "weekday evenings"),
        ("mail jane@example.com after 5", "mail j***@example.com after 5"),
        ("call +44 20 7946 1234 please", "call ***1234 please"),
        ("Tuesday 10-12 or 14:30", "Tuesday 10-12 or 14:30"),
        ("on 2024-05-01", "on 2024-05-01"),
        ("on 01.05.2024 call 0161 496 0000", "on 01.05.2024 call ***0000"),
        (None, ""),
    ],
)
def test_scrub_text(raw: str | None, expected: str) -> None:
    assert scrub_text(raw) == expected

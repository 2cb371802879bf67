"""salon.opening: open or closed, and when next open, as a table."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from salon.opening import parse_hours, status_at

HOURS = parse_hours(
    {day: "09:00-19:00" for day in ("tuesday", "wednesday", "thursday", "friday", "saturday")},
    "Europe/London",
)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("moment", "open_", "when"),
    [
        # Monday 7 Dec 2026, closed all day: next open Tuesday 9:00
        ("2026-12-07T10:30", False, "2026-12-08 09:00"),
        # Tuesday before opening, during, and after closing
        ("2026-12-08T08:59", False, "2026-12-08 09:00"),
        ("2026-12-08T12:00", True, "2026-12-08 19:00"),
        ("2026-12-08T19:00", False, "2026-12-09 09:00"),
        # Saturday evening: next open Tuesday
        ("2026-12-12T20:00", False, "2026-12-15 09:00"),
        # Summer time: 8:30 UTC is 9:30 in London, open
        ("2026-07-07T08:30", True, "2026-07-07 19:00"),
    ],
)
def test_status_at(moment: str, open_: bool, when: str) -> None:
    assert HOURS is not None
    status = status_at(HOURS, _utc(moment))
    assert status.open is open_
    shown = status.closes if open_ else status.opens
    assert shown is not None and shown.strftime("%Y-%m-%d %H:%M") == when


@pytest.mark.parametrize(
    ("data", "zone"),
    [
        (None, "Europe/London"),
        ({}, "Europe/London"),
        ({"funday": "09:00-17:00"}, "Europe/London"),
        ({"monday": "nine to five"}, "Europe/London"),
        ({"monday": "17:00-09:00"}, "Europe/London"),
        ({"monday": "09:00-17:00"}, "Mars/Olympus"),
    ],
)
def test_unusable_hours_are_not_used(data: object, zone: str) -> None:
    assert parse_hours(data, zone) is None


def test_a_salon_never_open_has_no_next_opening() -> None:
    hours = parse_hours({"monday": "09:00-10:00"}, "UTC")
    assert hours is not None
    hours = type(hours)({}, hours.zone)
    assert status_at(hours, _utc("2026-12-07T10:30")).opens is None

"""No parser is worse than linear on hostile input: each under a time bound.

Every function that reads a client's text gets long runs built to trip regular
expressions and the red-flag screener (digits without spaces, brackets, dashes, emoji,
repeated red-flag words...), at the size the channels let through (the message cap plus
the red-flag passages it keeps) and at four times that. The bound is generous for a loaded
machine, and the larger input may cost at most a little over four times the smaller: a
quadratic parser (16 times) fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from actions import booking
from addons.server import message_limits, session_ids
from salon import validation
from scalpcare import (
    consultation_parsing,
    habits,
    massage,
    other_languages,
    referral,
    screening,
    triage,
)
from scalpcare.contract import Referral

PARSERS: dict[str, Callable[[str], object]] = {
    "wash frequency": habits.parse_wash_frequency,
    "products": habits.parse_products,
    "goal": habits.parse_goal,
    "massage habit": massage.parse_habit,
    "consultation": consultation_parsing.parse,
    "summary": lambda text: referral.build_summary([text], [], Referral.NONE),
    "red-flag rules": triage._screen,
    "other languages": other_languages.foreign_flags,
    "model features": screening.hashed_features,
    "symptom words": screening.describes_symptom,
    "service": lambda text: booking.parse_service(text, []),
    "name": lambda text: booking.parse_name(text, []),
    "contact": booking.parse_contact,
    "times": booking.parse_times,
    "email": validation.valid_email,
    "phone": validation.normalise_phone,
    "scrub": validation.scrub_text,
    "length cap": lambda text: message_limits.shorten(text, 2000),
    "session token": session_ids.verify,
}
UNITS = {
    "digits": "1",
    "spaced digits": "1 ",
    "rates": "2x ",
    "decimals": "12.5-",
    "at signs": "a@",
    "pluses": "+1 ",
    "brackets": "(",
    "dashes": "-",
    "dots": ". ",
    "emoji": "\U0001f600",
    "red flags": "pus fever ",
    "intervals": "every 2 ",
    "minutes": "10 min ",
    "since": "since ",
}
SMALL = 3000
BOUND_S = 8.0


def _timed(parser: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    parser(text)
    return time.perf_counter() - start


@pytest.fixture(scope="module", autouse=True)
def warm_up() -> None:
    triage.warm_up()


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_parser_is_linear_on_hostile_input(name: str) -> None:
    parser = PARSERS[name]
    slow = []
    for unit_name, unit in UNITS.items():
        small = (unit * (SMALL // len(unit) + 1))[:SMALL]
        large = small * 4
        parser(small[:200])  # caches and lazy set-up out of the timing
        small_s = _timed(parser, small)
        large_s = _timed(parser, large)
        if large_s > BOUND_S or (large_s > 0.5 and large_s > 7 * max(small_s, 0.01)):
            slow.append(f"{unit_name}: {small_s:.2f} s -> {large_s:.2f} s")
    assert not slow, slow

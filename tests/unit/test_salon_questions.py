"""Which salon details a question asks for, and the answers the profile gives (tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import salon_info
from salon.profile import profile
from scalpcare.salon_questions import CONTACT, HOURS, LOCATION, PRICES, SERVICES, salon_topics
from tests.replies import rendered, reply


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("what are your opening hours", (HOURS,)),
        ("r u open on sundays??", (HOURS,)),
        ("what time do you close", (HOURS,)),
        ("where are you", (LOCATION,)),
        ("is there parking nearby", (LOCATION,)),
        ("whats ur postcode", (LOCATION,)),
        ("what's your phone number", (CONTACT,)),
        ("can i email the salon", (CONTACT,)),
        ("how much is a scalp facial", (PRICES,)),
        ("price list pls", (PRICES,)),
        ("£££ for the head massage?", (PRICES,)),
        ("what treatments do you offer", (SERVICES,)),
        ("do you do pedicures", (SERVICES,)),  # not offered: the answer lists what is
        ("can you do gel nails", (SERVICES,)),
        ("can u do my makeup for a wedding", (SERVICES,)),
        ("how much is a brow wax", (PRICES,)),
        ("how much are your treatments", (PRICES,)),  # the price list names them
        ("where are you and when are you open", (HOURS, LOCATION)),
        ("what's your number and your address", (LOCATION, CONTACT)),
        ("how long is the head massage", (SERVICES,)),
        ("how long will it last?", (SERVICES,)),
        ("how long does the facial take", (SERVICES,)),
        ("hello", ()),
        ("", ()),
    ],
)
def test_topics(text: str, topics: tuple[str, ...]) -> None:
    assert salon_topics(text) == topics


SALON = profile()


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        (
            "when are you open?",
            [],
            [reply(salon_info.HOURS, salon=SALON.name, hours=SALON.opening_hours)],
        ),
        (
            "how much is the 45 minute one",
            [],
            [reply(salon_info.PRICE, service=rendered(SALON.service("head_only_45").described))],
        ),
        (
            "what does it cost",
            ["scalp_facial"],
            [reply(salon_info.PRICE, service=rendered(SALON.service("scalp_facial").described))],
        ),
        (
            "how do i contact you",
            [],
            [
                reply(
                    salon_info.CONTACT, salon=SALON.name, contact=f"{SALON.phone} or {SALON.email}"
                )
            ],
        ),
        # Nothing named: where and when, the two things people need to come in.
        (
            "tell me about the salon",
            [],
            [
                reply(salon_info.HOURS, salon=SALON.name, hours=SALON.opening_hours),
                reply(salon_info.LOCATION, salon=SALON.name, address=SALON.address),
            ],
        ),
    ],
)
def test_answers_come_from_the_profile(text: str, entities: list[str], expected: list[str]) -> None:
    given = salon_info.salon_answers(text, entities, rendered)
    answers = [reply(a.pop("response"), **a) for a in given]
    assert answers == expected
    assert not any("{" in answer for answer in answers)


def test_the_price_list_names_every_service_with_its_length_and_price() -> None:
    [answer] = salon_info.salon_answers("what are your prices?", [], rendered)
    listed = answer["services"].splitlines()
    assert listed == [f"- {rendered(service.described)}" for service in SALON.services]
    assert all("£" in line and "minutes" in line for line in listed)


def test_a_profile_without_the_detail_points_to_the_salon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "salon.yml").write_text("name: Studio Nine\nphone: 0100 200300\n", "utf8")
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "salon.yml"))
    answers = salon_info.salon_answers("what are your opening hours and prices", [], rendered)
    assert answers == [{"response": salon_info.UNKNOWN, "contact": "the salon on 0100 200300"}]


def test_a_broken_service_entry_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "salon.yml").write_text(
        "name: Studio Nine\nservices:\n  scalp_facial: {minutes: 30}\n"
        "  head_only_45: {name: Head massage, minutes: lots, price: 30 EUR}\n",
        "utf8",
    )
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "salon.yml"))
    [service] = profile().services
    assert (service.key, service.minutes, rendered(service.described)) == (
        "head_only_45",
        None,
        "Head massage, 30 EUR",
    )


@pytest.mark.parametrize(
    ("text", "booked", "expected"),
    [
        # Right after a request, "it" is the service requested.
        ("how long will it last?", "head_only_45", "head_only_45"),
        ("how much will that be", "scalp_facial", "scalp_facial"),
        # A service named in the question wins; no request, or nothing pointed back at:
        # the usual answer (the price list).
        ("how much is the 20 minute add-on", "head_only_45", None),
        ("how long will it last?", None, None),
        ("what are your prices?", "scalp_facial", None),
    ],
)
def test_a_question_about_the_request_just_sent(
    text: str, booked: str | None, expected: str | None
) -> None:
    answers = salon_info.salon_answers(text, [], rendered, booked)
    about_booked = [a for a in answers if a["response"] == salon_info.BOOKED]
    if expected is None:
        assert not about_booked
    else:
        [answer] = about_booked
        assert answer["service"] == rendered(SALON.service(expected).described)
        assert "{" not in reply(answer.pop("response"), **answer)


def test_the_latest_booking_request_of_the_session() -> None:
    events = [
        {"event": "slot", "name": "booking_service", "value": "scalp_facial"},
        {"event": "session_started"},
        {"event": "slot", "name": "booking_service", "value": "head_only_45"},
        {"event": "slot", "name": "booking_service", "value": None},  # reset after sending
    ]
    assert salon_info.latest_booked_service(events) == "head_only_45"
    assert salon_info.latest_booked_service(events[:2]) is None

"""Which salon details a question asks for, and the answers the profile gives (tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import salon_info
from salon.profile import profile
from scalpcare.salon_questions import CONTACT, HOURS, LOCATION, PRICES, SERVICES, salon_topics
from tests.replies import reply


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
        ("how much are your treatments", (PRICES,)),  # the price list names them
        ("where are you and when are you open", (HOURS, LOCATION)),
        ("what's your number and your address", (LOCATION, CONTACT)),
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
            [reply(salon_info.PRICE, service=SALON.service("head_only_45").described)],
        ),
        (
            "what does it cost",
            ["scalp_facial"],
            [reply(salon_info.PRICE, service=SALON.service("scalp_facial").described)],
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
    answers = [reply(a.pop("response"), **a) for a in salon_info.salon_answers(text, entities)]
    assert answers == expected
    assert not any("{" in answer for answer in answers)


def test_the_price_list_names_every_service_with_its_length_and_price() -> None:
    [answer] = salon_info.salon_answers("what are your prices?", [])
    listed = answer["services"].splitlines()
    assert listed == [f"- {service.described}" for service in SALON.services]
    assert all("£" in line and "minutes" in line for line in listed)


def test_a_profile_without_the_detail_points_to_the_salon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "salon.yml").write_text("name: Studio Nine\nphone: 0100 200300\n", "utf8")
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "salon.yml"))
    answers = salon_info.salon_answers("what are your opening hours and prices", [])
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
    assert (service.key, service.minutes, service.described) == (
        "head_only_45",
        None,
        "Head massage, 30 EUR",
    )

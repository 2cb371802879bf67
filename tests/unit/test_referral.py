"""Referral texts and the appointment summary (pure), as tables."""

from __future__ import annotations

import pytest

from scalpcare import referral
from scalpcare.contract import Referral

N, C, D, U = Referral.NONE, Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT

# new level, previous level -> which template answers
MESSAGE_CASES = [
    (U, N, referral.URGENT),
    (U, C, referral.URGENT),
    (U, D, referral.URGENT),
    (U, U, referral.URGENT),
    (D, N, referral.DERMATOLOGIST),
    (D, C, referral.DERMATOLOGIST),
    (D, D, referral.ALREADY),
    (D, U, referral.ALREADY),
    (C, N, referral.DOCTOR),
    (C, C, referral.DOCTOR),
    (C, D, referral.DOCTOR_WHILE_REFERRED),
    (C, U, referral.DOCTOR_WHILE_REFERRED),
]


@pytest.mark.parametrize(("new", "previous", "template"), MESSAGE_CASES)
def test_referral_message_template(new: Referral, previous: Referral, template: str) -> None:
    """Each combination of levels gets its template, quoting the user's words."""
    text = referral.referral_message(new, ["silvery scales"], previous)
    head = template.split("{what}")[0]
    assert text.startswith(head)
    assert '"silvery scales"' in text


def test_no_message_without_a_finding() -> None:
    """Level none has nothing to say."""
    assert referral.referral_message(N, []) == ""


@pytest.mark.parametrize(
    ("described", "quoted"),
    [
        (["pus"], '"pus"'),
        (["pus", " Pus. "], '"pus"'),
        (["pus", "fever"], '"pus" and "fever"'),
        (["a", "b", "c", "d"], '"a", "b" and "c"'),
    ],
)
def test_quotes_the_users_words(described: list[str], quoted: str) -> None:
    """Findings are quoted once each, at most three."""
    assert f"({quoted})" in referral.referral_message(U, described)


def test_nothing_to_quote_leaves_the_parenthesis_out() -> None:
    """A finding without words (the learned model's) is not quoted as "what you mentioned"."""
    assert referral.referral_message(U, []).startswith("What you describe needs medical care now.")
    reminder = referral.referral_message(D, [], D)
    assert reminder.startswith("As I said, please have what you describe looked at")


def test_urgent_gives_no_routine_and_dermatologist_says_what_to_avoid() -> None:
    """Urgent: care now, no routine; dermatologist: not treatment, what to avoid, summary."""
    urgent = referral.referral_message(U, ["fever"]).lower()
    assert "now" in urgent and "won't suggest any routine" in urgent
    derm = referral.referral_message(D, ["silvery scales"]).lower()
    assert "not treatment" in derm
    assert "no exfoliating" in derm and "no massage on inflamed or broken skin" in derm
    assert derm.rstrip().endswith("summary to take to your appointment?")


def test_doctor_message_is_honest_about_nutrition() -> None:
    """Massage cannot create nutrients; a doctor and blood tests; no supplement."""
    text = referral.referral_message(C, ["vegan"]).lower()
    assert "can't create nutrients or replace nutrition" in text
    assert "blood test" in text and "doctor" in text
    assert "can't recommend supplements" in text


@pytest.mark.parametrize(
    ("level", "nutrient", "has_note"),
    [(D, ["vegan"], True), (D, [], False), (U, ["vegan"], False), (C, ["vegan"], False)],
)
def test_triage_reply_adds_the_nutrient_note(
    level: Referral, nutrient: list[str], has_note: bool
) -> None:
    """A dermatologist referral also mentions the nutrient context of the same message."""
    text = referral.triage_reply(level, ["x"], N, nutrient)
    assert ("You also mention" in text) is has_note


SUMMARY_CASES = [
    (
        ["my scalp has silvery scales for 3 months", "i tried a tea tree shampoo"],
        ["silvery scales"],
        ("silvery scales",),
        ("for 3 months",),
        ("a tea tree shampoo",),
    ),
    (
        ["round bald patch since last summer, used coconut oil. nothing helps"],
        ["round bald patch"],
        ("round bald patch",),
        ("since last summer",),
        ("coconut oil",),
    ),
    (["hello"], [], (), (), ()),
    (
        ["crusty and bleeding on and off for like 3 months", "started 2 weeks ago on the side"],
        ["crusty and bleeding"],
        ("crusty and bleeding",),
        ("for like 3 months", "2 weeks ago"),
        (),
    ),
    (["it's been the past few months, i have 2 kids"], [], (), ("the past few months",), ()),
    (
        ["it's been there for a few weeks", "For a few weeks now"],
        ["sore that won't heal"],
        ("sore that won't heal",),
        ("for a few weeks",),
        (),
    ),
]


@pytest.mark.parametrize(("messages", "findings", "described", "durations", "tried"), SUMMARY_CASES)
def test_build_summary(
    messages: list[str],
    findings: list[str],
    described: tuple[str, ...],
    durations: tuple[str, ...],
    tried: tuple[str, ...],
) -> None:
    """What, how long and what was tried come from the user's own words."""
    summary = referral.build_summary(messages, findings, D)
    assert summary.described == described
    assert summary.durations == durations
    assert summary.tried == tried


def test_summary_render() -> None:
    """The rendered summary has the three parts and who to see, never a diagnosis."""
    text = referral.build_summary(["flaky for 2 weeks"], ["flaky"], D).render()
    assert text.splitlines() == [
        "Summary for your appointment (in your own words):",
        "- What I noticed: flaky",
        "- How long: for 2 weeks",
        "- What I've tried: not said",
        "- Suggested by the salon's assistant: see a dermatologist.",
        "You can copy this or take a screenshot.",
    ]
    empty = referral.build_summary([], [], N).render()
    assert "not described" in empty and "Suggested" not in empty


@pytest.mark.parametrize(
    ("spans", "phrases"),
    [
        ([(15, 25, "seborrheic"), (26, 36, "dermatitis")], ["seborrheic dermatitis"]),
        (
            [
                (27, 37, "bald patch"),
                (0, 20, "thick silvery scales"),
                (32, 54, "patch that's spreading"),
            ],
            ["thick silvery scales", "bald patch that's spreading"],
        ),
        ([(5, 10, "scaly"), (6, 8, "ca")], ["scaly"]),
        ([(0, 4, "pus,"), (10, 15, "fever")], ["pus,", "fever"]),
        ([], []),
    ],
)
def test_join_adjacent(spans: list[tuple[int, int, str]], phrases: list[str]) -> None:
    """Findings side by side are quoted as one phrase, never as fragments."""
    assert referral.join_adjacent(spans) == phrases


@pytest.mark.parametrize(
    ("message", "where", "how_long"),
    [
        (
            "a bald patch on the back of my head about 2 weeks ago",
            "on the back of my head",
            "2 weeks ago",
        ),
        (
            "for some years now I have had greasy scales along my hairline and behind my ears",
            "along my hairline; behind my ears",
            "for some years",
        ),
        (
            "since just before christmas my scalp has thick plaques",
            None,
            "since just before christmas",
        ),
        ("sores at the crown since last summer", "at the crown", "since last summer"),
    ],
)
def test_the_summary_keeps_where_and_how_long(
    message: str, where: str | None, how_long: str
) -> None:
    """The user's own words for the place and the time are in the summary."""
    text = referral.build_summary([message], ["sores"], Referral.DERMATOLOGIST).render()
    assert f"- How long: {how_long}" in text.replace("For some", "for some")
    assert (f"- Where: {where}" in text) if where else ("- Where:" not in text)

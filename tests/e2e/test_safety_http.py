"""The labelled triage table through the trained assistant, and content rules on every reply."""

from __future__ import annotations

import csv
import re
import time
import uuid
from pathlib import Path

import pytest

from tests.content_rules import BRAND_PATTERNS

pytestmark = pytest.mark.e2e

CASES = Path(__file__).resolve().parents[2] / "data" / "screening" / "triage_table.csv"
ROWS = list(csv.DictReader(CASES.open(encoding="utf-8")))

#: How each level's first reply begins (the referral comes before anything else).
#: How each level's first reply begins (the referral comes before anything else): the
#: user's own words quoted, plain words, or nothing to quote; for them or for another person.
OPENINGS = {
    "urgent": ("What you describe", "A fever, together with", "Bleeding, together with"),
    "dermatologist": ("What you describe",),
    "doctor": ("Something you mention", "What you describe"),
}
#: What each level's first reply says (a doctor's: nutrient context, or the general
#: doctor's reply for the learned screener's call without a deficiency sign).
LEVEL_PHRASES = {
    "urgent": ("needs medical care now",),
    "dermatologist": ("should look at",),
    "doctor": ("can go with low iron", "worth showing a doctor"),
}
REFERRAL_PHRASES = (
    "needs medical care now",
    "is something a dermatologist should look at",
    "can go with low iron",
    "is worth showing a doctor",
)
#: Nothing the assistant says may name a brand, diagnose or promise growth.
FORBIDDEN = [
    r"\byou (?:have|'ve got|definitely have|probably have) (?:psoriasis|eczema|dermatitis|"
    r"ringworm|tinea|alopecia|dandruff|an? infection)",
    r"\bit(?:'s| is) (?:psoriasis|eczema|ringworm|alopecia|an infection)\b",
    r"\bguarantee",
    r"\bregrow",
    r"\bwill (?:make your hair )?grow\b",
    r"\bcures?\b(?! hair loss)",
    *BRAND_PATTERNS,
    r"\btake (?:an? )?(?:iron|biotin|zinc|vitamin \w+) supplement",
]


def _sender() -> str:
    return f"rest:triage-{uuid.uuid4().hex[:12]}"


def _assert_content_rules(replies: list[dict]) -> None:
    for reply in replies:
        text = (reply.get("text") or "").lower()
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text), (pattern, text)


#: Share of the table's none rows the assistant may refer: the learned screener trades a
#: few false referrals for recall (out-of-fold rate on every `none` item of the corpus's
#: training side at the configured thresholds: 6.5% on 2026-12-07; docs/screening.md).
#: The rules alone refer none of them (tests/unit/test_triage.py).
MAX_FALSE_REFERRALS = 0.10
LEVELS = ("none", "doctor", "dermatologist", "urgent")


def test_every_labelled_message_through_the_assistant(assistant) -> None:
    """Every row needing a referral gets at least its level, the referral first; few others."""
    problems = []
    false_referrals = []
    none_rows = [row for row in ROWS if row["referral"] == "none"]
    for row in ROWS:
        sender = _sender()
        replies = assistant.say(sender, row["text"])
        _assert_content_rules(replies)
        slots = assistant.tracker(sender)["slots"]
        expected, got = row["referral"], slots["referral"]
        first = replies[0]["text"] if replies else ""
        if expected == "none":
            if got != "none":
                false_referrals.append(f"{got}: {row['text']}")
            continue
        if LEVELS.index(got) < LEVELS.index(expected):
            problems.append(f"referral {got} < {expected}: {row['text']}")
        elif not first.startswith(OPENINGS[got]) or not any(
            phrase in first for phrase in LEVEL_PHRASES[got]
        ):
            problems.append(f"first reply is not the referral: {row['text']!r} -> {first!r}")
        if row["nutrient"] == "true" and not slots["nutrient_deficiency_suspected"]:
            problems.append(f"nutrient context missed: {row['text']}")
    assert not problems, "\n".join(problems)
    rate = len(false_referrals) / len(none_rows)
    assert rate <= MAX_FALSE_REFERRALS, "\n".join(false_referrals)


def test_referral_never_drops_and_massage_stays_paused(assistant) -> None:
    """Once a dermatologist referral stands, later turns keep it and massage paused."""
    sender = _sender()
    assistant.say(sender, "there's a round bald patch on my crown that appeared last month")
    for text in ["ok thanks", "im vegan btw", "how long should i massage my scalp?", "hi"]:
        _assert_content_rules(assistant.say(sender, text))
        slots = assistant.tracker(sender)["slots"]
        assert slots["referral"] == "dermatologist", text
        assert slots["massage_max_minutes"] == 0.0, text
    assert slots["nutrient_deficiency_suspected"] is True


def _urgent_mails(assistant) -> list:
    return [m for m in list(assistant.mailbox.messages) if "Urgent referral #" in m["Subject"]]


def test_red_flag_mid_consultation_ends_it_with_the_referral_first(assistant) -> None:
    """Urgent signs during the form: the urgent reply first, no routine, form over."""
    sender = _sender()
    assistant.say(sender, "can you give me a routine for my scalp")
    urgent_mails = len(_urgent_mails(assistant))
    replies = assistant.say(sender, "it's hot and swollen, there's pus and i have a fever")
    assert replies[0]["text"].startswith(OPENINGS["urgent"])
    # Staff hear about it at once (anonymously: no consent), by e-mail.
    deadline = time.monotonic() + 20
    while len(_urgent_mails(assistant)) <= urgent_mails and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_urgent_mails(assistant)) > urgent_mails
    assert "fever" not in _urgent_mails(assistant)[-1].get_payload()
    assert not any("Step" in (r.get("text") or "") for r in replies)
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["referral"] == "urgent"
    assert not (tracker.get("active_loop") or {}).get("name")


def test_summary_offer_accepted(assistant) -> None:
    """The dermatologist summary quotes what the user said, how long, what they tried."""
    sender = _sender()
    replies = assistant.say(sender, "silvery scales on my scalp for 3 months, tried a tar shampoo")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/affirm", "/deny"]
    summary = assistant.say(sender, "yes please")[0]["text"]
    assert "silvery scales" in summary
    assert "for 3 months" in summary
    assert "a tar shampoo" in summary

"""The labelled triage table through the trained assistant, and content rules on every reply."""

from __future__ import annotations

import csv
import re
import uuid
from pathlib import Path

import pytest

from actions import referral

pytestmark = pytest.mark.e2e

CASES = Path(__file__).resolve().parents[1] / "data" / "triage_cases.csv"
ROWS = list(csv.DictReader(CASES.open(encoding="utf-8")))

#: How each level's first reply begins (the referral comes before anything else).
OPENINGS = {
    "urgent": referral.URGENT.split("{what}")[0],
    "dermatologist": referral.DERMATOLOGIST.split("{what}")[0],
    "doctor": referral.DOCTOR.split("{what}")[0],
}
REFERRAL_PHRASES = (
    "needs medical care now",
    "is something a dermatologist should look at",
    "can go with low iron",
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
    r"\b(?:evavitae|olaplex|kerastase|briogeo|nizoral|neutrogena|head (?:&|and) shoulders)\b",
    r"\btake (?:an? )?(?:iron|biotin|zinc|vitamin \w+) supplement",
]


def _sender() -> str:
    return f"triage-{uuid.uuid4().hex[:12]}"


def _assert_content_rules(replies: list[dict]) -> None:
    for reply in replies:
        text = (reply.get("text") or "").lower()
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text), (pattern, text)


def test_every_labelled_message_through_the_assistant(assistant) -> None:
    """Referral slot, nutrient slot and the first reply for all rows of the table."""
    problems = []
    for row in ROWS:
        sender = _sender()
        replies = assistant.say(sender, row["text"])
        _assert_content_rules(replies)
        slots = assistant.tracker(sender)["slots"]
        expected = row["referral"]
        first = replies[0]["text"] if replies else ""
        if slots["referral"] != expected:
            problems.append(f"referral {slots['referral']} != {expected}: {row['text']}")
        elif expected != "none" and not first.startswith(OPENINGS[expected]):
            problems.append(f"first reply is not the referral: {row['text']!r} -> {first!r}")
        elif expected == "none" and any(p in first for p in REFERRAL_PHRASES):
            problems.append(f"false referral text: {row['text']!r} -> {first!r}")
        nutrient = row["nutrient"] == "true"
        if bool(slots["nutrient_deficiency_suspected"]) != nutrient:
            problems.append(f"nutrient {not nutrient} != {nutrient}: {row['text']}")
    assert not problems, "\n".join(problems)


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


def test_red_flag_mid_consultation_ends_it_with_the_referral_first(assistant) -> None:
    """Urgent signs during the form: the urgent reply first, no routine, form over."""
    sender = _sender()
    assistant.say(sender, "can you give me a routine for my scalp")
    replies = assistant.say(sender, "it's hot and swollen, there's pus and i have a fever")
    assert replies[0]["text"].startswith(OPENINGS["urgent"])
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

"""Tables for the consultation parser (scalpcare/consultation_parsing.py).

The main table is tests/data/consultation_cases.csv: one consultation message
per row with the exact concerns, denied concerns, scalp type and sensitivity
expected (empty cell = nothing / unknown). Further tables cover answers to a
question (``expecting``), delegation to the routine parsers, corrections
(``merge``) and robustness.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scalpcare.consultation_parsing import ScalpFacts, merge, parse
from scalpcare.contract import (
    CONCERN_VALUES,
    CONCERNS,
    SCALP_TYPE,
    SCALP_TYPE_VALUES,
    SENSITIVE_SCALP,
)

ROOT = Path(__file__).resolve().parents[2]
CASES_PATH = ROOT / "tests" / "data" / "consultation_cases.csv"


def _load_cases() -> list[dict[str, str]]:
    with CASES_PATH.open(newline="", encoding="utf8") as fh:
        return list(csv.DictReader(fh))


CASES = _load_cases()


def _names(cell: str) -> frozenset[str]:
    return frozenset(part.strip() for part in cell.split(";") if part.strip())


def _sensitive(cell: str) -> bool | None:
    return {"": None, "true": True, "false": False}[cell.strip().lower()]


def facts(
    concerns: str = "",
    negated: str = "",
    scalp_type: str | None = None,
    sensitive: bool | None = None,
    correction: bool = False,
) -> ScalpFacts:
    """Facts from short strings ("itch;flaking"), for the merge tables."""
    return ScalpFacts(
        concerns=_names(concerns),
        negated_concerns=_names(negated),
        scalp_type=scalp_type,
        sensitive=sensitive,
        correction=correction,
    )


# --------------------------------------------------------------------------
# The labelled table
# --------------------------------------------------------------------------


def test_table_is_large_and_valid() -> None:
    assert len(CASES) >= 150
    texts = [row["text"] for row in CASES]
    assert len(texts) == len(set(texts)), "duplicate rows"
    for row in CASES:
        assert _names(row["concerns"]) <= set(CONCERN_VALUES), row
        assert _names(row["negated_concerns"]) <= set(CONCERN_VALUES), row
        assert row["scalp_type"] in ("", *SCALP_TYPE_VALUES), row
        _sensitive(row["sensitive"])


def test_table_covers_every_value() -> None:
    """Every concern, denied concern, type and sensitivity value has rows."""
    reported = set().union(*(_names(r["concerns"]) for r in CASES))
    denied = set().union(*(_names(r["negated_concerns"]) for r in CASES))
    assert reported == set(CONCERN_VALUES)
    assert denied == set(CONCERN_VALUES)
    assert {r["scalp_type"] for r in CASES} == {"", *SCALP_TYPE_VALUES}
    assert {r["sensitive"] for r in CASES} == {"", "true", "false"}


@pytest.mark.parametrize("row", CASES, ids=[row["text"][:40] for row in CASES])
def test_consultation_case(row: dict[str, str]) -> None:
    got = parse(row["text"])
    expected = (
        _names(row["concerns"]),
        _names(row["negated_concerns"]),
        row["scalp_type"] or None,
        _sensitive(row["sensitive"]),
    )
    assert (got.concerns, got.negated_concerns, got.scalp_type, got.sensitive) == expected, row[
        "note"
    ]


def test_reported_and_denied_never_overlap() -> None:
    for row in CASES:
        got = parse(row["text"])
        assert not got.concerns & got.negated_concerns, row["text"]


# --------------------------------------------------------------------------
# Answers to a question
# --------------------------------------------------------------------------

EXPECTING_CASES = [
    # asked how the scalp feels by day two, the concern words name the type
    (SCALP_TYPE, "kinda greasy by the second day", "oily", None),
    (SCALP_TYPE, "like an oil slick by the next morning lol", "oily", None),
    (SCALP_TYPE, "tight and itchy", "dry", None),
    (SCALP_TYPE, "falling out a lot more than normal", None, None),
    (SCALP_TYPE, "flaky", None, None),
    (SENSITIVE_SCALP, "yes", None, True),
    (SENSITIVE_SCALP, "Yeah", None, True),
    (SENSITIVE_SCALP, "a bit", None, True),
    (SENSITIVE_SCALP, "kinda", None, True),
    (SENSITIVE_SCALP, "no", None, False),
    (SENSITIVE_SCALP, "nope", None, False),
    (SENSITIVE_SCALP, "not really", None, False),
    (SENSITIVE_SCALP, "no it's not", None, False),
    (SENSITIVE_SCALP, "not sure", None, None),
    (SENSITIVE_SCALP, "what do you mean?", None, None),
    (SENSITIVE_SCALP, "no, it stings with everything", None, True),  # the words win
    (SENSITIVE_SCALP, "yes, but nothing bothers it", None, False),
    (SCALP_TYPE, "both", "combination", None),
    (SCALP_TYPE, "a bit of both", "combination", None),
    (SCALP_TYPE, "neither", "normal", None),
    (SCALP_TYPE, "in between", "normal", None),
    (SCALP_TYPE, "oily", "oily", None),
    (SCALP_TYPE, "no idea", None, None),
    (SCALP_TYPE, "yes", None, None),
    (None, "both", None, None),
    (None, "neither", None, None),
    (CONCERNS, "yes", None, None),
]


@pytest.mark.parametrize(("expecting", "text", "scalp_type", "sensitive"), EXPECTING_CASES)
def test_answer_to_a_question(
    expecting: str | None, text: str, scalp_type: str | None, sensitive: bool | None
) -> None:
    got = parse(text, expecting=expecting)
    assert (got.scalp_type, got.sensitive) == (scalp_type, sensitive)


# --------------------------------------------------------------------------
# Delegation to the routine parsers
# --------------------------------------------------------------------------

DELEGATION_CASES = [
    ("every 2 days", "every other day", frozenset(), None),
    ("I wash daily", "daily", frozenset(), None),
    ("twice a week, dry shampoo in between", "every 2-3 days", {"dry_shampoo"}, None),
    # Dry shampoo every day is not a daily wash (and not the buildup concern).
    ("dry shampoo every day", None, {"dry_shampoo"}, None),
    ("I wash daily and oil my hair weekly", "daily", {"oils"}, None),
    ("I blow dry my hair every day", None, frozenset(), None),
    # a styling product used daily is no wash frequency
    ("i use paste in my hair every day and my scalp is itchy", None, {"styling"}, None),
    ("oily roots, I want to relax", None, frozenset(), "relaxation"),
    ("hairspray and gel, I want thicker hair", None, {"hairspray", "styling"}, "growth_support"),
    ("no dry shampoo, I wash every day", "daily", frozenset(), None),
]


@pytest.mark.parametrize(("text", "wash", "products", "goal"), DELEGATION_CASES)
def test_delegated_fields(
    text: str, wash: str | None, products: frozenset[str], goal: str | None
) -> None:
    got = parse(text)
    assert (got.wash_frequency, got.buildup_products, got.goal) == (
        wash,
        frozenset(products),
        goal,
    )


def test_products_do_not_make_the_buildup_concern() -> None:
    got = parse("I use dry shampoo every day")
    assert got.buildup_products == {"dry_shampoo"}
    assert "buildup" not in got.concerns


# --------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------

MERGE_CASES = [
    # (previous, new message, expected concerns, scalp_type, sensitive)
    (facts("oiliness", scalp_type="oily"), "sorry I meant dry not oily", "dryness", "dry", None),
    (facts("oiliness;itch", scalp_type="oily"), "scratch that, not oily", "itch", None, None),
    (facts("oiliness", scalp_type="oily"), "actually it's dry", "dryness", "dry", None),
    (facts("dryness", scalp_type="dry"), "wait, I mean oily not dry", "oiliness", "oily", None),
    (facts("itch", sensitive=False), "actually it's quite sensitive", "itch", None, True),
    (facts("itch", sensitive=True), "not really sensitive", "itch", None, False),
    (facts("flaking;itch"), "no flakes actually, just itchy", "itch", None, None),
    (facts("itch"), "and some dandruff", "flaking;itch", None, None),
    (facts("oiliness", scalp_type="oily"), "also flaky", "flaking;oiliness", "oily", None),
    # Without a correction marker, a new type replaces the old one but keeps concerns.
    (facts("oiliness", scalp_type="oily"), "dry", "dryness;oiliness", "dry", None),
    (facts("oiliness", scalp_type="oily", sensitive=True), "ok", "oiliness", "oily", True),
    (facts("dryness", scalp_type="dry"), "hmm not sure", "dryness", "dry", None),
    (facts(scalp_type="combination"), "not oily", "", "combination", None),
    (facts(scalp_type="normal"), "neither oily nor dry", "", "normal", None),
    (facts("shedding"), "my hair isn't falling out, it's breaking", "breakage", None, None),
    (facts("tension"), "no headaches anymore", "", None, None),
    (facts("tension"), "no flakes", "tension", None, None),
    (facts("tension"), "no tension now", "", None, None),
]


@pytest.mark.parametrize(("previous", "text", "concerns", "scalp_type", "sensitive"), MERGE_CASES)
def test_merge_corrections(
    previous: ScalpFacts,
    text: str,
    concerns: str,
    scalp_type: str | None,
    sensitive: bool | None,
) -> None:
    got = merge(previous, parse(text))
    assert (got.concerns, got.scalp_type, got.sensitive) == (
        _names(concerns),
        scalp_type,
        sensitive,
    )


def test_merge_tracks_denied_concerns() -> None:
    got = merge(facts("flaking;itch"), parse("no flakes"))
    assert got.negated_concerns == {"flaking"}
    again = merge(got, parse("ok there are some flakes"))
    assert again.concerns == {"flaking", "itch"}
    assert again.negated_concerns == frozenset()


def test_merge_keeps_and_overrides_routine_fields() -> None:
    first = parse("oily scalp, wash daily, dry shampoo, want to relax")
    assert (first.wash_frequency, first.buildup_products, first.goal) == (
        "daily",
        {"dry_shampoo"},
        "relaxation",
    )
    second = merge(first, parse("hairspray too, and I wash every other day now"))
    assert second.wash_frequency == "every other day"
    assert second.buildup_products == {"dry_shampoo", "hairspray"}
    assert second.goal == "relaxation"
    assert second.scalp_type == "oily"


def test_merge_with_empty_changes_nothing() -> None:
    previous = parse("oily scalp, itchy, sensitive, wash daily")
    assert merge(previous, parse("")) == previous
    assert merge(ScalpFacts(), previous) == previous


def test_correction_flag() -> None:
    assert parse("sorry I meant dry not oily").correction
    assert parse("actually it's quite sensitive").correction
    assert not parse("my scalp is dry").correction
    assert not parse("not oily, not dry").correction


# --------------------------------------------------------------------------
# The result type
# --------------------------------------------------------------------------


def test_is_empty() -> None:
    assert ScalpFacts().is_empty
    assert parse("yes").is_empty
    assert parse("").is_empty
    assert not parse("no flakes").is_empty  # a denial is information
    assert not parse("every 2 days").is_empty
    assert not parse("not sensitive").is_empty


def test_facts_reject_unknown_values() -> None:
    with pytest.raises(ValueError):
        ScalpFacts(concerns=frozenset({"dandruff"}))
    with pytest.raises(ValueError):
        ScalpFacts(scalp_type="greasy")


def test_from_values_reads_slots() -> None:
    got = ScalpFacts.from_values(["itch", "dandruff", None], "OILY", "false")
    assert (got.concerns, got.scalp_type, got.sensitive) == ({"itch"}, "oily", False)
    assert ScalpFacts.from_values("flaking", "greasy", None) == ScalpFacts(
        concerns=frozenset({"flaking"})
    )
    assert ScalpFacts.from_values(None, None, True).sensitive is True


def test_slot_values() -> None:
    got = parse("itchy flaky oily scalp, not sensitive").slot_values()
    assert got == {
        CONCERNS: ["oiliness", "flaking", "itch"],
        SCALP_TYPE: "oily",
        SENSITIVE_SCALP: False,
    }
    assert parse("no flakes").slot_values() == {}


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------

ODD_INPUTS = [
    None,
    "",
    "   ",
    "\n\n",
    42,
    3.5,
    b"itchy",
    ["itchy"],
    "😩" * 50,
    "<script>alert('itchy')</script>",
    "&lt;b&gt;oily&lt;/b&gt;",
    "<" * 1000,
    "头皮很痒",
    "فروة الرأس دهنية",
    "\x00\x01\x02",
    "no " * 200,
    "?!?!.,;:" * 100,
]


@pytest.mark.parametrize("text", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_never_crashes(text: object) -> None:
    got = parse(text)
    assert isinstance(got, ScalpFacts)
    assert got.concerns <= set(CONCERN_VALUES)


def test_hostile_str_does_not_crash() -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    assert parse(Hostile()).is_empty


LONG_INPUTS = {
    "one word": "a" * 100_000,
    "negations": "no " * 35_000,
    "concerns": "itchy " * 17_000,
    "sentences": "my scalp is not oily but itchy, no flakes; washing daily with dry shampoo. "
    * 1_400,
    "no punctuation": "not sure if oily or dry and never itchy without scalp roots ends " * 1_600,
    "frequencies": "daily every 2 days twice a week " * 3_300,
    "tags": "<b>oily</b>" * 9_000,
    "angle brackets": "<" * 100_000,
}


@pytest.mark.parametrize("name", list(LONG_INPUTS))
def test_100kb_completes(name: str) -> None:
    # Hostile 100 KB inputs finish (no catastrophic backtracking); how fast is
    # for the benchmark, not for a timed unit test.
    text = LONG_INPUTS[name]
    assert len(text) >= 99_000
    assert isinstance(parse(text), ScalpFacts)


def test_long_text_still_finds_facts() -> None:
    text = "blah " * 20_000 + "my scalp is oily and itchy, not sensitive"
    got = parse(text)
    assert (got.concerns, got.scalp_type, got.sensitive) == ({"itch", "oiliness"}, "oily", False)

"""Tables for the pure routine builder (scalpcare/routine.py).

The rules under test come from docs/content-rules.md and seed 002's
at-home scalp facial; each table row names the rule it checks. The builder returns
phrases; the tests read them as the client does, worded by domain.yml
(``tests.replies.rendered``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scalpcare import phrases
from scalpcare.contract import CONCERN_VALUES, SCALP_TYPE_VALUES, Referral
from scalpcare.habits import (
    GOAL_VALUES,
    PRODUCT_VALUES,
    WASH_FREQUENCY_VALUES,
    parse_goal,
    parse_products,
    parse_wash_frequency,
)
from scalpcare.phrases import Phrase, Value, phrase
from scalpcare.routine import (
    STEP_CLEANSE,
    STEP_EXFOLIATE,
    STEP_MASSAGE,
    STEP_RINSE,
    STEP_SERUM,
    Profile,
    Routine,
    Step,
    build_routine,
    render,
)
from tests.content_rules import BRAND_PATTERNS
from tests.replies import rendered, response_text, responses

FULL_ORDER = (STEP_EXFOLIATE, STEP_CLEANSE, STEP_SERUM, STEP_MASSAGE, STEP_RINSE)


def profile(**kwargs: Any) -> Profile:
    """A profile from short keyword arguments (sets given as iterables)."""
    for key in ("concerns", "buildup_products"):
        if key in kwargs:
            kwargs[key] = frozenset(kwargs[key])
    return Profile(**kwargs)


def step(routine: Routine, kind: str) -> Step:
    matches = [s for s in routine.steps if s.kind == kind]
    assert len(matches) == 1, f"expected one {kind} step, got {routine.steps}"
    return matches[0]


def kinds(routine: Routine) -> tuple[str, ...]:
    return tuple(s.kind for s in routine.steps)


def text_of(routine: Routine) -> str:
    """The whole routine as the client reads it."""
    return rendered(render(routine))


def notes_text(routine: Routine) -> str:
    return " ".join(rendered(note) for note in routine.notes)


def field_text(routine: Routine, where: str) -> str:
    """The text of one part of a routine, lower-cased, for substring checks."""
    if where == "notes":
        text = notes_text(routine)
    elif where == "frequency":
        text = rendered(routine.frequency)
    elif where == "expectations":
        text = rendered(routine.expectations)
    elif where == "reason":
        text = rendered(routine.withheld_reason)
    elif where == "all":
        text = text_of(routine)
    else:
        text = f"{rendered(step(routine, where).title)} {rendered(step(routine, where).detail)}"
    return text.lower()


# ---------------------------------------------------------------------------
# Order of steps (seed 002)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"concerns": ["buildup"], "scalp_type": "oily"},
        {"concerns": ["dryness", "itch"], "sensitive": True},
        {"concerns": ["shedding"], "nutrient_deficiency": True, "referral": Referral.DOCTOR},
        {"concerns": list(CONCERN_VALUES), "buildup_products": PRODUCT_VALUES},
        {"goal": "relaxation", "concerns": ["tension"]},
    ],
)
def test_steps_follow_seed_002_order(kwargs: dict[str, Any]) -> None:
    routine = build_routine(profile(**kwargs))
    assert kinds(routine) == FULL_ORDER
    assert not routine.withheld
    assert routine.withheld_reason == ""


def test_render_numbers_steps_in_order() -> None:
    text = text_of(build_routine(profile()))
    numbered = re.findall(r"^(\d)\. ([^:]+):", text, flags=re.MULTILINE)
    assert [n for n, _ in numbered] == ["1", "2", "3", "4", "5"]
    titles = [t.lower() for _, t in numbered]
    assert "exfoliate" in titles[0]
    assert "clarify" in titles[1]
    assert "serum" in titles[2]
    assert "massage" in titles[3]
    assert "cool" in titles[4]
    assert text.index("How often:") > text.index("5. ")
    assert text.index("What to expect:") > text.index("How often:")


# ---------------------------------------------------------------------------
# Adaptation rules: (rule, profile, where, expected substring, present?)
# ---------------------------------------------------------------------------

ADAPTATIONS: list[tuple[str, dict[str, Any], str, str, bool]] = [
    # Exfoliation basics (seed 002 step 1).
    ("exfoliate on damp hair", {}, STEP_EXFOLIATE, "damp hair", True),
    ("fingertips not nails", {}, STEP_EXFOLIATE, "fingertips, not nails", True),
    ("small circles", {}, STEP_EXFOLIATE, "small circles", True),
    ("several minutes", {}, STEP_EXFOLIATE, "a few minutes", True),
    ("physical is scalp-specific", {}, STEP_EXFOLIATE, "never a face or body scrub", True),
    ("chemical option offered", {}, STEP_EXFOLIATE, "salicylic acid", True),
    ("fruit enzymes offered", {}, STEP_EXFOLIATE, "fruit enzymes", True),
    # Sensitive -> chemical exfoliant, no scrub.
    ("sensitive: chemical", {"sensitive": True}, STEP_EXFOLIATE, "salicylic acid", True),
    ("sensitive: no scrub", {"sensitive": True}, STEP_EXFOLIATE, "scalp scrub", False),
    ("sensitive: no scrubbing", {"sensitive": True}, STEP_EXFOLIATE, "no scrubbing", True),
    ("sensitive: patch test", {"sensitive": True}, STEP_SERUM, "patch-test", True),
    ("not sensitive: no patch", {"sensitive": False}, STEP_SERUM, "patch-test", False),
    ("unknown sensitivity: scrub", {"sensitive": None}, STEP_EXFOLIATE, "scalp scrub", True),
    # Irritation (itch) -> chemical exfoliant, soothing serum.
    ("itch: chemical", {"concerns": ["itch"]}, STEP_EXFOLIATE, "scalp scrub", False),
    ("itch: tea tree", {"concerns": ["itch"]}, STEP_SERUM, "tea tree", True),
    ("itch: peppermint", {"concerns": ["itch"]}, STEP_SERUM, "peppermint", True),
    (
        "itch + sensitive: go easy on peppermint",
        {"concerns": ["itch"], "sensitive": True},
        STEP_SERUM,
        "go easy on peppermint",
        True,
    ),
    (
        "itch + sensitive: patch test",
        {"concerns": ["itch"], "sensitive": True},
        STEP_SERUM,
        "patch-test first",
        True,
    ),
    ("itch, not sensitive: no warning", {"concerns": ["itch"]}, STEP_SERUM, "go easy", False),
    # Buildup (concern or products) -> exfoliate and clarify thoroughly.
    ("buildup: thorough rinse", {"concerns": ["buildup"]}, STEP_CLEANSE, "very thoroughly", True),
    ("buildup: roots", {"concerns": ["buildup"]}, STEP_EXFOLIATE, "longer at the roots", True),
    (
        "dry shampoo: thorough rinse",
        {"buildup_products": ["dry_shampoo"]},
        STEP_CLEANSE,
        "very thoroughly",
        True,
    ),
    (
        "dry shampoo named in notes",
        {"buildup_products": ["dry_shampoo"]},
        "notes",
        "dry shampoo builds up",
        True,
    ),
    (
        "several products named",
        {"buildup_products": ["hairspray", "oils"]},
        "notes",
        "hairspray and oils build up",
        True,
    ),
    ("no buildup: normal rinse", {}, STEP_CLEANSE, "very thoroughly", False),
    # Clarifying cleanser (seed 002 step 2).
    ("sulfate-free", {}, STEP_CLEANSE, "sulfate-free", True),
    ("left a few minutes", {}, STEP_CLEANSE, "leave a few minutes", True),
    ("rinsed thoroughly", {}, STEP_CLEANSE, "rinse thoroughly", True),
    # Oily -> clarify, warn about stripping and over-washing.
    ("oily type: warning", {"scalp_type": "oily"}, "notes", "oily scalps oilier", True),
    ("oiliness: warning", {"concerns": ["oiliness"]}, "notes", "stripping shampoos", True),
    ("oily: over-washing", {"scalp_type": "oily"}, "notes", "over-washing", True),
    ("oily: light serum", {"scalp_type": "oily"}, STEP_SERUM, "keep it light", True),
    (
        "oily + daily wash: said gently",
        {"scalp_type": "oily", "wash_frequency": "daily"},
        "notes",
        "you wash daily",
        True,
    ),
    (
        "oily + weekly wash: not told they wash daily",
        {"scalp_type": "oily", "wash_frequency": "weekly"},
        "notes",
        "you wash daily",
        False,
    ),
    ("not oily: no warning", {"scalp_type": "normal"}, "notes", "oilier", False),
    (
        "daily wash but not oily: no warning",
        {"scalp_type": "dry", "wash_frequency": "daily"},
        "notes",
        "oilier",
        False,
    ),
    # Dry / tight -> hydrating ingredients, gentler clarifying, less often.
    ("dry: hyaluronic", {"scalp_type": "dry"}, STEP_SERUM, "hyaluronic acid", True),
    ("dryness: jojoba", {"concerns": ["dryness"]}, STEP_SERUM, "jojoba or squalane", True),
    ("dry: gentle clarifier", {"scalp_type": "dry"}, STEP_CLEANSE, "gentle", True),
    ("dry: short clarify", {"concerns": ["dryness"]}, STEP_CLEANSE, "a minute or two", True),
    ("dry: every 2 weeks", {"scalp_type": "dry"}, "frequency", "every 2 weeks", True),
    ("normal: once a week", {"scalp_type": "normal"}, "frequency", "once a week", True),
    ("oily: once a week", {"scalp_type": "oily"}, "frequency", "once a week", True),
    ("combination: jojoba", {"scalp_type": "combination"}, STEP_SERUM, "jojoba", True),
    # Flaking -> gentle exfoliation; chemical if sensitive.
    ("flaking: don't pick", {"concerns": ["flaking"]}, STEP_EXFOLIATE, "don't pick", True),
    ("flaking: hydrate", {"concerns": ["flaking"]}, STEP_SERUM, "hyaluronic acid", True),
    (
        "flaking + sensitive: chemical",
        {"concerns": ["flaking"], "sensitive": True},
        STEP_EXFOLIATE,
        "scalp scrub",
        False,
    ),
    # Tension -> massage emphasis.
    ("tension: linger", {"concerns": ["tension"]}, STEP_MASSAGE, "linger", True),
    ("tension: key step", {"concerns": ["tension"]}, "notes", "massage matters most", True),
    ("tension: calmer", {"concerns": ["tension"]}, "expectations", "calmer", True),
    ("tension: not harder", {"concerns": ["tension"]}, "notes", "slower, not harder", True),
    # Shedding -> gentle, "an enhancement, not a rescue".
    ("shedding: rescue line", {"concerns": ["shedding"]}, "notes", "not a rescue", True),
    ("shedding: light touch", {"concerns": ["shedding"]}, STEP_MASSAGE, "light touch", True),
    ("shedding: short massage", {"concerns": ["shedding"]}, STEP_MASSAGE, "up to 5 min", True),
    ("shedding: no scrub", {"concerns": ["shedding"]}, STEP_EXFOLIATE, "scalp scrub", False),
    ("shedding: honest", {"concerns": ["shedding"]}, "expectations", "isn't a fix", True),
    ("shedding: supports", {"concerns": ["shedding"]}, "expectations", "supports", True),
    ("shedding: fewer sessions", {"concerns": ["shedding"]}, "frequency", "every 2 weeks", True),
    # Nutrient deficiency -> gentle, massage short, can't replace nutrition.
    (
        "deficiency: nutrition line",
        {"nutrient_deficiency": True},
        "notes",
        "can't replace nutrition",
        True,
    ),
    ("deficiency: doctor", {"nutrient_deficiency": True}, "notes", "doctor", True),
    ("deficiency: short", {"nutrient_deficiency": True}, STEP_MASSAGE, "up to 5 min", True),
    ("deficiency: light", {"nutrient_deficiency": True}, STEP_MASSAGE, "light touch", True),
    ("deficiency: chemical", {"nutrient_deficiency": True}, STEP_EXFOLIATE, "no scrubbing", True),
    ("no deficiency: no line", {}, "notes", "nutrition", False),
    ("doctor referral: gentle", {"referral": Referral.DOCTOR}, STEP_MASSAGE, "up to 5 min", True),
    ("doctor referral: note", {"referral": Referral.DOCTOR}, "notes", "doctor", True),
    # Breakage.
    ("breakage: scalp not lengths", {"concerns": ["breakage"]}, "notes", "not the lengths", True),
    ("breakage: peptides", {"concerns": ["breakage"]}, STEP_SERUM, "peptides", True),
    # Goals.
    ("growth goal: supports", {"goal": "growth_support"}, "expectations", "supports", True),
    ("growth goal: peptides", {"goal": "growth_support"}, STEP_SERUM, "peptides", True),
    ("relaxation: salon session", {"goal": "relaxation"}, "notes", "20-45 min", True),
    ("relaxation: salon", {"goal": "relaxation"}, "notes", "salon", True),
    ("relaxation: cooling", {"goal": "relaxation"}, STEP_SERUM, "peppermint", True),
    (
        "relaxation + sensitive: no peppermint",
        {"goal": "relaxation", "sensitive": True},
        STEP_SERUM,
        "peppermint",
        False,
    ),
    ("scalp health: no salon note", {"goal": "scalp_health"}, "notes", "salon", False),
    # Serum defaults and massage basics (seed 002 steps 3-5).
    ("default serum: peptides", {}, STEP_SERUM, "peptides", True),
    ("default serum: vitamin E", {}, STEP_SERUM, "vitamin E".lower(), True),
    ("massage: silicone massager", {}, STEP_MASSAGE, "silicone massager", True),
    ("massage: hairline to crown", {}, STEP_MASSAGE, "hairline to crown", True),
    ("massage: slow circles", {}, STEP_MASSAGE, "slow circles", True),
    ("massage: gentle pressure", {}, STEP_MASSAGE, "gentle pressure", True),
    ("massage: 5-10 min", {}, STEP_MASSAGE, "5-10 min", True),
    ("rinse: cool water", {}, STEP_RINSE, "cool water", True),
    # How often / what to expect.
    ("never daily exfoliation", {}, "frequency", "never daily exfoliation", True),
    ("limit names its context", {}, "frequency", "self-massage for scalp health", True),
    ("massage once a day max", {}, "frequency", "once a day max", True),
    ("sensitive: every 2 weeks", {"sensitive": True}, "frequency", "every 2 weeks", True),
    ("gradual", {}, "expectations", "gradual", True),
    ("a series", {}, "expectations", "a series of sessions", True),
    ("consistency over weeks", {}, "expectations", "consistency over weeks", True),
]


@pytest.mark.parametrize(
    ("rule", "kwargs", "where", "expected", "present"),
    ADAPTATIONS,
    ids=[row[0] for row in ADAPTATIONS],
)
def test_adaptation_rules(
    rule: str, kwargs: dict[str, Any], where: str, expected: str, present: bool
) -> None:
    text = field_text(build_routine(profile(**kwargs)), where)
    assert (expected.lower() in text) is present, f"{rule}: {expected!r} in {text!r}"


def test_vitamin_e_keeps_its_capital() -> None:
    assert "vitamin E" in rendered(step(build_routine(profile()), STEP_SERUM).detail)


@pytest.mark.parametrize("concerns", [(), ("itch",), ("dryness", "itch", "flaking", "shedding")])
def test_serum_lists_at_most_three_ingredients(concerns: tuple[str, ...]) -> None:
    detail = rendered(
        step(build_routine(profile(concerns=concerns, scalp_type="dry")), STEP_SERUM).detail
    )
    first_sentence = detail.split(".")[0]
    assert 1 <= len(first_sentence.split(";")) <= 3


# ---------------------------------------------------------------------------
# Massage minutes (the safety module's limit)
# ---------------------------------------------------------------------------

MASSAGE_MINUTES: list[tuple[dict[str, Any], float | None, float, str | None]] = [
    # (profile, massage_minutes argument, Routine.massage_minutes, text in step title)
    ({}, None, 10.0, "5-10 min"),
    ({}, 10, 10.0, "up to 10 min"),
    ({}, 5, 5.0, "up to 5 min"),
    ({}, 7.5, 7.5, "up to 7.5 min"),
    ({}, 2.5, 2.5, "up to 2.5 min"),
    ({}, 0, 0.0, None),
    ({}, -1, 0.0, None),
    ({}, float("nan"), 10.0, "5-10 min"),
    # The limit may shorten, never lengthen past daily self-massage (10 min).
    ({}, 20, 10.0, "up to 10 min"),
    ({}, 45, 10.0, "up to 10 min"),
    # Gentle contexts cap at 5 min whatever the limit says.
    ({"nutrient_deficiency": True}, None, 5.0, "up to 5 min"),
    ({"nutrient_deficiency": True}, 10, 5.0, "up to 5 min"),
    ({"nutrient_deficiency": True}, 5, 5.0, "up to 5 min"),
    ({"nutrient_deficiency": True}, 3, 3.0, "up to 3 min"),
    ({"nutrient_deficiency": True}, 0, 0.0, None),
    ({"concerns": ["shedding"]}, 10, 5.0, "up to 5 min"),
    ({"sensitive": True}, None, 5.0, "up to 5 min"),
    ({"concerns": ["tension"]}, None, 10.0, "5-10 min"),
    ({"concerns": ["tension"]}, 0, 0.0, None),
]


@pytest.mark.parametrize(("kwargs", "minutes", "effective", "title"), MASSAGE_MINUTES)
def test_massage_minutes(
    kwargs: dict[str, Any], minutes: float | None, effective: float, title: str | None
) -> None:
    routine = build_routine(profile(**kwargs), massage_minutes=minutes)
    assert routine.massage_minutes == effective
    if title is None:
        # 0 pauses the massage: the step is dropped and the routine says so.
        assert STEP_MASSAGE not in kinds(routine)
        assert kinds(routine) == (STEP_EXFOLIATE, STEP_CLEANSE, STEP_SERUM, STEP_RINSE)
        assert "paused" in notes_text(routine).lower()
        assert "paused" in rendered(routine.frequency).lower()
        assert "4. Cool rinse" in text_of(routine)
    else:
        assert title in rendered(step(routine, STEP_MASSAGE).title)
        assert title in rendered(routine.frequency)
        assert "paused" not in text_of(routine).lower()


# ---------------------------------------------------------------------------
# Withheld routines (referral)
# ---------------------------------------------------------------------------

WITHHELD: list[tuple[Referral, dict[str, Any], float | None]] = [
    (referral, extra, minutes)
    for referral in (Referral.DERMATOLOGIST, Referral.URGENT)
    for extra in (
        {},
        {"concerns": ["buildup", "tension"], "scalp_type": "oily"},
        {"concerns": list(CONCERN_VALUES), "sensitive": True, "nutrient_deficiency": True},
        {"goal": "relaxation", "buildup_products": ["dry_shampoo"]},
    )
    for minutes in (None, 10, 0)
]


@pytest.mark.parametrize(("referral", "extra", "minutes"), WITHHELD)
def test_withheld_routine_has_no_exfoliation_or_massage(
    referral: Referral, extra: dict[str, Any], minutes: float | None
) -> None:
    routine = build_routine(profile(referral=referral, **extra), massage_minutes=minutes)
    assert routine.withheld
    assert routine.withheld_reason
    assert STEP_EXFOLIATE not in kinds(routine)
    assert STEP_MASSAGE not in kinds(routine)
    assert STEP_SERUM not in kinds(routine)
    assert routine.massage_minutes == 0
    text = text_of(routine).lower()
    assert "scrub" not in text.replace("no scrubbing", "")
    assert "massager" not in text
    assert "salicylic" not in text
    assert "5-10 min" not in text


def test_urgent_gives_no_routine_at_all() -> None:
    routine = build_routine(profile(referral=Referral.URGENT, concerns=["itch"]))
    assert routine.steps == ()
    assert "urgent care" in rendered(routine.withheld_reason).lower()
    text = text_of(routine)
    assert "How often" not in text
    assert re.search(r"^\d\.", text, flags=re.MULTILINE) is None


def test_dermatologist_keeps_only_gentle_cleansing() -> None:
    routine = build_routine(profile(referral=Referral.DERMATOLOGIST, scalp_type="oily"))
    assert kinds(routine) == (STEP_CLEANSE, STEP_RINSE)
    assert "gentle" in rendered(step(routine, STEP_CLEANSE).title).lower()
    assert "dermatologist" in rendered(routine.withheld_reason).lower()
    reason = rendered(routine.withheld_reason).lower()
    assert "no exfoliation" in reason
    assert "no massage" in reason
    assert "inflamed or broken skin" in notes_text(routine).lower()
    assert "professional" in notes_text(routine).lower()


@pytest.mark.parametrize("referral", [Referral.NONE, Referral.DOCTOR])
def test_weaker_referrals_do_not_withhold(referral: Referral) -> None:
    routine = build_routine(profile(referral=referral))
    assert not routine.withheld
    assert kinds(routine) == FULL_ORDER


# ---------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------

WASH_CASES: list[tuple[str | None, str | None]] = [
    ("every day", "daily"),
    ("i wash daily", "daily"),
    ("everyday lol", "daily"),
    ("Every single day, no exceptions", "daily"),
    ("twice a day after the gym", "daily"),
    ("every morning in the shower", "daily"),
    ("7 days a week", "daily"),
    ("every other day", "every other day"),
    ("every second day tbh", "every other day"),
    ("on alternate days", "every other day"),
    ("5 days a week", "every other day"),
    ("4 times a week", "every other day"),
    ("every 2-3 days", "every 2-3 days"),
    ("every 2 to 3 days", "every 2-3 days"),
    ("every 3 days or so", "every 2-3 days"),
    ("3 times a week", "every 2-3 days"),
    ("three times a week", "every 2-3 days"),
    ("2x a week", "every 2-3 days"),
    ("like 2 or 3 times a week", "every 2-3 days"),
    ("3x/wk", "every 2-3 days"),
    ("twice weekly", "every 2-3 days"),
    ("a couple of times a week", "every 2-3 days"),
    ("every few days", "every 2-3 days"),
    ("no more than twice a week", "every 2-3 days"),
    ("once a week", "weekly"),
    ("ONCE A WEEK!!", "weekly"),
    ("weekly", "weekly"),
    ("every week on sunday", "weekly"),
    ("once or twice a week", "weekly"),
    ("every two weeks", "less than weekly"),
    ("once every 2 weeks", "less than weekly"),
    ("every 10 days", "less than weekly"),
    ("twice a month", "less than weekly"),
    # Negation and corrections.
    ("not every day, every 3 days", "every 2-3 days"),
    ("i don't wash daily but every 3 days", "every 2-3 days"),
    ("I used to wash daily, now every other day", "every other day"),
    ("daily, well actually every other day", "every other day"),
    ("never daily", None),
    ("not every day", None),
    # Nothing usable.
    ("sometimes", None),
    ("hmm idk", None),
    ("biweekly", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), WASH_CASES)
def test_parse_wash_frequency(text: str | None, expected: str | None) -> None:
    assert parse_wash_frequency(text) == expected


def test_wash_vocabulary_is_closed() -> None:
    for text, _ in WASH_CASES:
        value = parse_wash_frequency(text)
        assert value is None or value in WASH_FREQUENCY_VALUES


PRODUCT_CASES: list[tuple[str | None, set[str]]] = [
    ("dry shampoo", {"dry_shampoo"}),
    ("I use dry shampoo and hairspray", {"dry_shampoo", "hairspray"}),
    ("dryshampoo every day", {"dry_shampoo"}),
    ("dry shampooo between washes", {"dry_shampoo"}),
    ("lots of hair spray + mousse", {"hairspray", "styling"}),
    ("hairspray, gel, wax", {"hairspray", "styling"}),
    ("argan oil on my ends", {"oils"}),
    ("i do weekly hair oiling", {"oils"}),
    ("oily scalp, i use coconut oil", {"oils"}),
    ("heat protectant and a leave-in", {"styling"}),
    ("edge control and pomade", {"styling"}),
    ("sea salt spray", {"hairspray"}),
    # Negation.
    ("no dry shampoo", set()),
    ("i don't use hairspray or gel", set()),
    ("stopped using oils", set()),
    ("I avoid oils", set()),
    ("neither dry shampoo nor hairspray", set()),
    ("no more dry shampoo for me", set()),
    ("i used to use dry shampoo but not anymore", set()),
    ("nothing except dry shampoo", {"dry_shampoo"}),
    ("no hairspray, but lots of dry shampoo", {"dry_shampoo"}),
    ("not just dry shampoo but also hairspray", {"dry_shampoo", "hairspray"}),
    ("no gel. dry shampoo yes", {"dry_shampoo"}),
    # The scalp's own oil and oil-free products are not buildup products.
    ("my scalp produces a lot of oil", set()),
    ("oil-free stuff only", set()),
    ("my scalp is oily", set()),
    ("none", set()),
    ("i don't really use products", set()),
    ("", set()),
    (None, set()),
]


@pytest.mark.parametrize(("text", "expected"), PRODUCT_CASES)
def test_parse_products(text: str | None, expected: set[str]) -> None:
    result = parse_products(text)
    assert result == frozenset(expected)
    assert result <= frozenset(PRODUCT_VALUES)


GOAL_CASES: list[tuple[str | None, str | None]] = [
    ("relaxation", "relaxation"),
    ("i just want to relax", "relaxation"),
    ("to destress after work", "relaxation"),
    ("self care sunday vibes", "relaxation"),
    ("I have thick hair and want to unwind", "relaxation"),
    ("mostly relaxation but maybe growth too", "relaxation"),
    ("healthier scalp", "scalp_health"),
    ("less flakes pls", "scalp_health"),
    ("no more flakes", "scalp_health"),
    ("balance the oil", "scalp_health"),
    ("calm my itchy scalp", "scalp_health"),
    ("a cleaner scalp without buildup", "scalp_health"),
    ("grow my hair longer", "growth_support"),
    ("thicker hair", "growth_support"),
    ("help with my hair loss", "growth_support"),
    ("stronger hair", "growth_support"),
    ("not for relaxation, I want thicker hair", "growth_support"),
    ("I don't care about relaxing, I want growth", "growth_support"),
    ("not growth, just a healthy scalp", "scalp_health"),
    ("idk", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), GOAL_CASES)
def test_parse_goal(text: str | None, expected: str | None) -> None:
    result = parse_goal(text)
    assert result == expected
    assert result is None or result in GOAL_VALUES


def test_parser_tables_are_large_enough() -> None:
    assert len(WASH_CASES) + len(PRODUCT_CASES) + len(GOAL_CASES) >= 40


# ---------------------------------------------------------------------------
# Profile construction
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"concerns": frozenset({"dandruff"})},
        {"scalp_type": "greasy"},
        {"wash_frequency": "every day"},
        {"buildup_products": frozenset({"shampoo"})},
        {"goal": "growth"},
    ],
)
def test_profile_rejects_values_outside_the_contract(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown"):
        Profile(**kwargs)


def test_profile_rejects_a_string_referral() -> None:
    with pytest.raises(TypeError):
        Profile(referral="urgent")  # type: ignore[arg-type]


def test_profile_from_values_tolerates_slot_values() -> None:
    result = Profile.from_values(
        concerns=["Itch", "dandruff", None, "buildup"],
        scalp_type="OILY",
        sensitive=None,
        wash_frequency="2x a week",
        buildup_products=["dry_shampoo", "glitter"],
        goal="i want to relax",
        referral="dermatologist",
        nutrient_deficiency=None,
    )
    assert result == Profile(
        concerns=frozenset({"itch", "buildup"}),
        scalp_type="oily",
        sensitive=None,
        wash_frequency="every 2-3 days",
        buildup_products=frozenset({"dry_shampoo"}),
        goal="relaxation",
        referral=Referral.DERMATOLOGIST,
        nutrient_deficiency=False,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (True, True), (False, False), ("false", False), ("True", True), ("", None)],
)
def test_profile_from_values_reads_bool_slots(value: object, expected: bool | None) -> None:
    assert Profile.from_values(sensitive=value).sensitive is expected
    assert Profile.from_values(nutrient_deficiency=value).nutrient_deficiency is bool(expected)


def test_profile_from_values_takes_a_lone_string_as_one_name() -> None:
    assert Profile.from_values(concerns="itch").concerns == frozenset({"itch"})
    assert Profile.from_values(buildup_products="oils").buildup_products == frozenset({"oils"})


def test_profile_from_values_defaults() -> None:
    assert Profile.from_values() == Profile()
    assert Profile.from_values(referral="nonsense", scalp_type="greasy").referral is Referral.NONE
    assert Profile.from_values(wash_frequency="weekly", goal="scalp_health") == Profile(
        wash_frequency="weekly", goal="scalp_health"
    )


# ---------------------------------------------------------------------------
# Render: length and content rules over the whole option space
# ---------------------------------------------------------------------------

# Claims the assistant must never make (docs/content-rules.md), as regexes.
BANNED_CLAIMS = [
    r"\bcur(?:e|es|ed|ing)\b",
    r"guarantee",
    r"diagnos",
    r"regrow",
    r"\bgrow",  # "supports", never "grows"
    r"miracle",
    r"prescri",
    r"supplement",
    r"minoxidil",
    r"finasteride",
    r"biotin",
    r"\bthicker\b",
    r"\bfuller\b",
    r"clinically",
    r"\bproven\b",
    r"100 ?%",
]
BANNED = BRAND_PATTERNS + BANNED_CLAIMS
_ANY_BANNED = re.compile("|".join(f"(?:{pattern})" for pattern in BANNED))


def banned_hits(text: str) -> list[str]:
    lowered = text.lower()
    if not _ANY_BANNED.search(lowered):  # fast path for the big scan
        return []
    return [pattern for pattern in BANNED if re.search(pattern, lowered)]


def subsets(values: tuple[str, ...]) -> Iterator[frozenset[str]]:
    for size in range(len(values) + 1):
        for combo in itertools.combinations(values, size):
            yield frozenset(combo)


SENSITIVE_OPTIONS = (None, True, False)
SCALP_OPTIONS = (None, *SCALP_TYPE_VALUES)
WASH_OPTIONS = (None, *WASH_FREQUENCY_VALUES)
GOAL_OPTIONS = (None, *GOAL_VALUES)
REFERRAL_OPTIONS = tuple(Referral)
MINUTES_OPTIONS: tuple[float | None, ...] = (None, 10, 5, 0)
CONCERN_SETS = (frozenset(), *(frozenset({c}) for c in CONCERN_VALUES), frozenset(CONCERN_VALUES))
PRODUCT_SETS = (frozenset(), *(frozenset({p}) for p in PRODUCT_VALUES), frozenset(PRODUCT_VALUES))


def _render_all(
    concern_sets: Iterable[frozenset[str]],
    product_sets: Iterable[frozenset[str]],
    scalps: Iterable[str | None],
    sensitives: Iterable[bool | None],
    washes: Iterable[str | None],
    goals: Iterable[str | None],
    referrals: Iterable[Referral],
    deficiencies: Iterable[bool],
    minutes_options: Iterable[float | None],
) -> Iterator[tuple[Profile, float | None, str]]:
    """Render the full cartesian product of the given option lists."""
    for concerns, products, scalp, sensitive, wash, goal, referral, deficiency in itertools.product(
        concern_sets,
        product_sets,
        scalps,
        sensitives,
        washes,
        goals,
        referrals,
        deficiencies,
    ):
        prof = Profile(
            concerns=concerns,
            scalp_type=scalp,
            sensitive=sensitive,
            wash_frequency=wash,
            buildup_products=products,
            goal=goal,
            referral=referral,
            nutrient_deficiency=deficiency,
        )
        for minutes in minutes_options:
            yield prof, minutes, text_of(build_routine(prof, massage_minutes=minutes))


def all_rendered() -> Iterator[tuple[Profile, float | None, str]]:
    """Every rendered routine over three cartesian products of the profile options.

    The literal product of every field (all 256 concern subsets, all 16
    product subsets, ...) is ~94 million renders, so it is covered by three
    overlapping products (~57k renders, a few seconds):

    1. content: every concern set (none, each one, all) x every product set x
       every scalp type x sensitivity x goal x deficiency x default/paused
       massage, with the non-withholding referrals and daily washing;
    2. every value: every wash frequency x every referral x every massage
       limit x every scalp type x sensitivity x goal x deficiency, with all
       concerns and all products reported;
    3. every subset: all 256 concern subsets x all 16 product subsets.
    """
    yield from _render_all(
        CONCERN_SETS,
        PRODUCT_SETS,
        SCALP_OPTIONS,
        SENSITIVE_OPTIONS,
        ("daily",),
        GOAL_OPTIONS,
        (Referral.NONE, Referral.DOCTOR),
        (False, True),
        (None, 0),
    )
    yield from _render_all(
        (frozenset(CONCERN_VALUES),),
        (frozenset(PRODUCT_VALUES),),
        SCALP_OPTIONS,
        SENSITIVE_OPTIONS,
        WASH_OPTIONS,
        GOAL_OPTIONS,
        REFERRAL_OPTIONS,
        (False, True),
        MINUTES_OPTIONS,
    )
    yield from _render_all(
        subsets(CONCERN_VALUES),
        list(subsets(PRODUCT_VALUES)),
        ("combination",),
        (None, True),
        ("daily",),
        ("relaxation",),
        (Referral.NONE,),
        (False,),
        (None, 0),
    )


@pytest.fixture(scope="module")
def rendered_texts() -> dict[str, tuple[Profile, float | None]]:
    """Unique rendered texts, each with one profile that produced it."""
    texts: dict[str, tuple[Profile, float | None]] = {}
    for prof, minutes, text in all_rendered():
        texts.setdefault(text, (prof, minutes))
    return texts


def test_no_banned_words_in_any_rendered_routine(
    rendered_texts: dict[str, tuple[Profile, float | None]],
) -> None:
    assert len(rendered_texts) > 3000  # the option space really was explored
    # Every banned phrase fits on one line, so scanning the distinct lines of all
    # texts is as thorough as scanning each text, and far faster.
    lines: dict[str, str] = {}
    for text in rendered_texts:
        for line in text.splitlines():
            lines.setdefault(line, text)
    failures = [
        (hits, line, rendered_texts[lines[line]]) for line in lines if (hits := banned_hits(line))
    ]
    assert not failures, failures[:3]


def test_banned_word_scan_catches_claims_and_brands() -> None:
    # The scanner itself must work, or the big scan proves nothing.
    assert banned_hits("This will cure it") == [r"\bcur(?:e|es|ed|ing)\b"]
    assert banned_hits("Grows hair fast")
    assert banned_hits("try Olaplex")
    assert banned_hits("We diagnose")
    assert not banned_hits("Cool rinse: finish with cool water; it supports a healthy scalp.")


def test_every_rendered_routine_is_short_and_well_formed(
    rendered_texts: dict[str, tuple[Profile, float | None]],
) -> None:
    for text, (prof, _minutes) in rendered_texts.items():
        assert len(text) <= 1400, (prof, len(text))
        if prof.referral is Referral.URGENT:
            assert "urgent care" in text.lower()
            continue
        assert "How often:" in text
        assert "What to expect:" in text
        for line in text.splitlines():
            if re.match(r"\d\. ", line):
                # A step is one or two short lines on a phone.
                assert len(line) <= 175, line


TYPICAL: list[dict[str, Any]] = [
    {},
    {"scalp_type": "oily", "concerns": ["buildup"], "buildup_products": ["dry_shampoo"]},
    {"scalp_type": "oily", "concerns": ["oiliness"], "wash_frequency": "daily"},
    {"scalp_type": "dry", "concerns": ["dryness", "itch"], "sensitive": True},
    {"concerns": ["flaking"], "sensitive": True, "wash_frequency": "every 2-3 days"},
    {"concerns": ["tension"], "goal": "relaxation"},
    {"concerns": ["shedding"], "goal": "growth_support", "nutrient_deficiency": True},
    {"concerns": ["breakage"], "buildup_products": ["hairspray", "styling"]},
    {"scalp_type": "combination", "goal": "scalp_health"},
    {"referral": Referral.DERMATOLOGIST},
]


@pytest.mark.parametrize("kwargs", TYPICAL)
@pytest.mark.parametrize("minutes", MINUTES_OPTIONS)
def test_typical_routine_fits_a_phone(kwargs: dict[str, Any], minutes: float | None) -> None:
    text = text_of(build_routine(profile(**kwargs), massage_minutes=minutes))
    assert len(text) < 900, text
    assert not banned_hits(text)


@pytest.mark.parametrize("kwargs", TYPICAL[:-1])
def test_render_contains_every_step_detail(kwargs: dict[str, Any]) -> None:
    routine = build_routine(profile(**kwargs))
    text = text_of(routine)
    for item in routine.steps:
        assert rendered(item.detail) in text
    for note in routine.notes:
        assert rendered(note) in text
    assert f"How often: {rendered(routine.frequency)}" in text
    assert f"What to expect: {rendered(routine.expectations)}" in text


# ---------------------------------------------------------------------------
# Phrases: every word comes from domain.yml
# ---------------------------------------------------------------------------

ROUTINE_SOURCE = Path(__file__).resolve().parents[2] / "scalpcare" / "routine.py"
_PLACEHOLDER = re.compile(r"({[^\n{}]+?})")


def _masked(name: str) -> str:
    """A response's text with every letter outside its placeholders written as "x"."""
    parts = _PLACEHOLDER.split(response_text(name))
    return "".join(p if _PLACEHOLDER.fullmatch(p) else re.sub("[A-Za-z]", "x", p) for p in parts)


def _sample_routines() -> Iterator[Routine]:
    for kwargs in [*TYPICAL, {"referral": Referral.URGENT}]:
        for minutes in (*MINUTES_OPTIONS, 3):
            yield build_routine(profile(**kwargs), massage_minutes=minutes)
    for concerns, products, scalp, sensitive, goal, deficiency in itertools.product(
        CONCERN_SETS, PRODUCT_SETS, SCALP_OPTIONS, SENSITIVE_OPTIONS, GOAL_OPTIONS, (False, True)
    ):
        prof = Profile(
            concerns=concerns,
            scalp_type=scalp,
            sensitive=sensitive,
            buildup_products=products,
            goal=goal,
            nutrient_deficiency=deficiency,
            wash_frequency="daily" if "oiliness" in concerns else None,
        )
        yield build_routine(prof, massage_minutes=0 if "tension" in concerns else 7.5)
    # Pregnant or breastfeeding, with and without the gentle branch.
    for concerns, sensitive in itertools.product(CONCERN_SETS, SENSITIVE_OPTIONS):
        yield build_routine(profile(concerns=concerns, sensitive=sensitive, pregnant=True))


def test_every_letter_of_a_routine_comes_from_the_domain() -> None:
    """Worded by responses whose letters are all "x", a routine has no other letter."""
    for routine in _sample_routines():
        text = phrases.render(render(routine), _masked)
        assert not re.search("[A-WYZa-wyz]", text), text


def test_the_routine_uses_every_one_of_its_responses() -> None:
    """Each response named in routine.py is in the domain, and some routine says it.

    Besides its own, the routine uses the shared list item and "and" (scalpcare/phrases.py).
    """
    in_source = set(re.findall(r'"(utter_[a-z0-9_]+)"', ROUTINE_SOURCE.read_text("utf8")))
    in_source |= {phrases.LIST_ITEM, phrases.AND}
    used = {name for routine in _sample_routines() for name in phrases.names(render(routine))}
    assert used == in_source
    assert in_source <= set(responses())


def _line_names(routine: Routine) -> list[str]:
    value = render(routine)
    assert isinstance(value, phrases.Joined) and value.separator == "\n"
    return [part.name for part in value.parts if isinstance(part, Phrase)]


STEP, OFTEN, EXPECT, NOTE = (
    "utter_routine_step",
    "utter_routine_how_often",
    "utter_routine_what_to_expect",
    "utter_list_item",
)
DERMATOLOGIST = "utter_routine_withheld_dermatologist"
LINES: list[tuple[dict[str, Any], float | None, list[str]]] = [
    ({}, None, ["utter_routine_intro", *[STEP] * 5, OFTEN, EXPECT]),
    ({}, 0, ["utter_routine_intro", *[STEP] * 4, OFTEN, EXPECT, NOTE]),
    ({"goal": "relaxation"}, None, ["utter_routine_intro", *[STEP] * 5, OFTEN, EXPECT, NOTE]),
    (
        {"referral": Referral.DERMATOLOGIST},
        None,
        [DERMATOLOGIST, "utter_routine_for_now", STEP, STEP, OFTEN, EXPECT, NOTE],
    ),
    ({"referral": Referral.URGENT}, None, ["utter_routine_withheld_urgent"]),
]


@pytest.mark.parametrize(("kwargs", "minutes", "expected"), LINES)
def test_render_is_one_phrase_a_line(
    kwargs: dict[str, Any], minutes: float | None, expected: list[str]
) -> None:
    assert _line_names(build_routine(profile(**kwargs), massage_minutes=minutes)) == expected


def test_a_step_line_is_numbered_with_its_title_and_detail() -> None:
    routine = build_routine(profile(), massage_minutes=7.5)
    value = render(routine)
    assert isinstance(value, phrases.Joined)
    massage = value.parts[4]
    assert isinstance(massage, Phrase)
    assert massage.get("number") == 4
    assert massage.get("title") == step(routine, STEP_MASSAGE).title
    assert rendered(massage) == (
        "4. Massage, up to 7.5 min: Fingertips or silicone massager, hairline to crown; "
        "slow circles, gentle pressure."
    )


PRODUCT_NOTES: list[tuple[set[str], str]] = [
    ({"dry_shampoo"}, "Dry shampoo builds up: clarify well."),
    ({"hairspray"}, "Hairspray builds up: clarify well."),
    ({"oils"}, "Oils build up: clarify well."),
    ({"styling"}, "Styling products build up: clarify well."),
    ({"oils", "dry_shampoo"}, "Dry shampoo and oils build up: clarify well."),
    (
        set(PRODUCT_VALUES),
        "Dry shampoo, hairspray, oils and styling products build up: clarify well.",
    ),
]


@pytest.mark.parametrize(("products", "note"), PRODUCT_NOTES)
def test_product_note_names_them_in_order_and_agrees(products: set[str], note: str) -> None:
    routine = build_routine(profile(buildup_products=products))
    assert [rendered(n) for n in routine.notes] == [note]


def test_texts_are_phrases_not_python_strings() -> None:
    routine = build_routine(profile(concerns=["oiliness"], sensitive=True))
    values: list[Value] = [routine.frequency, routine.expectations, *routine.notes]
    values += [part for s in routine.steps for part in (s.title, s.detail)]
    assert all(not isinstance(value, str) for value in values)


@pytest.mark.parametrize("sensitive", [True, False])
@pytest.mark.parametrize("concerns", [("itch",), ("flaking", "dryness"), ("tension",), ()])
def test_pregnancy_names_no_oil_or_active_without_the_midwife(
    concerns: tuple[str, ...], sensitive: bool
) -> None:
    """Pregnant or breastfeeding: no tea tree or peppermint, salicylic acid only with a word
    from the midwife or doctor, and a note saying so read first."""
    built = build_routine(profile(concerns=concerns, sensitive=sensitive, pregnant=True))
    text = rendered(render(built))
    assert "tea tree or peppermint to soothe" not in text
    assert "midwife or doctor" in rendered(built.steps[0].detail)
    assert built.notes[0] == phrase("utter_routine_note_pregnancy")

"""Tests for the massage-limits module (scalpcare/massage.py)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from scalpcare import massage
from scalpcare.contract import Referral
from scalpcare.massage import (
    DRIFT_SIGNS,
    PROFESSIONAL_SESSION_NOTE,
    REASON_TEXT,
    SELF_CHECK_QUESTIONS,
    MassageHabit,
    MassageLimit,
    assess,
    limit_for,
    parse_habit,
)
from tests.replies import rendered

ROOT = Path(__file__).resolve().parents[2]
CASES_PATH = ROOT / "tests" / "data" / "massage_cases.csv"


def _load_cases() -> list[dict[str, str]]:
    """Read the labelled habit table."""
    with CASES_PATH.open(newline="", encoding="utf8") as fh:
        return list(csv.DictReader(fh))


CASES = _load_cases()
DEFAULT = limit_for(Referral.NONE, False, False, False)


def _expected(value: str) -> float | None:
    """A CSV cell as a float, empty meaning 'not said'."""
    return float(value) if value.strip() else None


def test_table_size() -> None:
    """At least 40 labelled habits."""
    assert len(CASES) >= 40


@pytest.mark.parametrize("row", CASES, ids=lambda r: r["text"][:50])
def test_parse_and_assess_table(row: dict[str, str]) -> None:
    """Sessions, minutes and overuse under the default context match the table."""
    habit = parse_habit(row["text"])
    assert habit.sessions_per_day == pytest.approx(_expected(row["sessions_per_day"]), abs=1e-3)
    assert habit.minutes == pytest.approx(_expected(row["minutes"]), abs=1e-3)
    assert assess(habit, DEFAULT).overuse is (row["overuse"] == "true"), assess(habit, DEFAULT)


# --------------------------------------------------------------------------
# Parsing details
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("until it burns", "chases_sensation", True),
        ("until it's sore", "chases_sensation", True),
        ("as hard as i can", "hard_pressure", True),
        ("really hard", "hard_pressure", True),
        ("harder when it sheds", "escalates", True),
        ("when i'm anxious i press harder", "escalates", True),
        ("gently, with light pressure", "gentle", True),
        ("gently, with light pressure", "hard_pressure", False),
        ("firm pressure with my fingertips", "hard_pressure", True),
        ("i press firmly for 5 min", "hard_pressure", True),
        ("pretty firm, a couple of mins", "hard_pressure", True),
        ("i put it on the highest and let it run", "hard_pressure", True),
        ("max setting on my electric massager", "hard_pressure", True),
        # someone else pressing hard is not the client's own pressure
        ("the therapist pressed really hard", "hard_pressure", False),
        ("she was firm but i do it gently at home", "hard_pressure", False),
        ("the firm that made it says 5 min", "hard_pressure", False),
        # sore or tender after massaging: more sensitive afterwards
        ("lately my scalp feels sore afterwards", "sore_after", True),
        ("and if my scalp feels a bit sore the next day?", "sore_after", True),
        ("it hurts after i use the brush", "sore_after", True),
        ("my scalp was sore for two days", "sore_after", True),
        ("i massage until its sore", "sore_after", False),
        ("my scalp is sore", "sore_after", False),
        ("had a head spa and my scalp was sore for two days after", "sore_after", False),
        ("with a silicone brush", "tool", "silicone_massager"),
        ("with a scalp scrubber", "tool", "silicone_massager"),
        ("with my fingertips", "tool", "fingertips"),
        ("with my nails", "tool", "nails"),
        ("derma roller every night", "tool", "derma_roller"),
        ("fingertips and sometimes my nails", "tool", "nails"),
        ("i feel uneasy if i skip it", "drift_signs", ("uneasy_skipping",)),
        ("i have to do it every single day", "drift_signs", ("mandatory_task",)),
        ("45 minute head massage at the salon", "professional", True),
        ("i massage at home before the salon visit", "professional", False),
        ("i've been doing 45 min a day because the salon does 45", "professional", False),
        ("i do an hour every night like the spa does", "professional", False),
    ],
)
def test_parse_signals(text: str, field: str, value: object) -> None:
    """Intensity, tools, drift signs and professional sessions are read."""
    assert getattr(parse_habit(text), field) == value


@pytest.mark.parametrize("text", ["", "   ", "hello", "my scalp is oily"])
def test_nothing_said(text: str) -> None:
    """No habit information gives an empty habit that is not overuse."""
    habit = parse_habit(text)
    assert habit == MassageHabit()
    assert not habit.mentioned
    assert not assess(habit, DEFAULT).overuse


# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("referral", "deficiency", "shedding", "sensitive", "minutes", "sessions", "intensity"),
    [
        (Referral.NONE, False, False, False, 10, 1, "gentle"),
        (Referral.NONE, True, False, False, 5, 1, "very light"),
        (Referral.NONE, False, True, False, 5, 1, "very light"),
        (Referral.NONE, False, False, True, 5, 1, "very light"),
        (Referral.NONE, True, True, True, 5, 1, "very light"),
        (Referral.DOCTOR, False, False, False, 5, 1, "very light"),
        (Referral.DERMATOLOGIST, False, False, False, 0, 0, "paused"),
        (Referral.URGENT, True, True, True, 0, 0, "paused"),
        ("dermatologist", False, False, False, 0, 0, "paused"),
        ("none", False, False, False, 10, 1, "gentle"),
        (None, False, False, False, 10, 1, "gentle"),
    ],
)
def test_limit_for(
    referral: Referral | str | None,
    deficiency: bool,
    shedding: bool,
    sensitive: bool,
    minutes: float,
    sessions: float,
    intensity: str,
) -> None:
    """The limit per context, and it always names its context."""
    limit = limit_for(referral, deficiency, shedding, sensitive)
    assert (limit.max_minutes, limit.max_sessions_per_day, limit.intensity) == (
        minutes,
        sessions,
        intensity,
    )
    assert limit.paused is (minutes == 0)
    context = rendered(limit.context)
    assert context and ("self-massage" in context or "paused" in context)


def test_limit_context_names_reasons() -> None:
    """The context phrase says why the limit is stricter."""
    limit = limit_for(Referral.NONE, True, True, False)
    context = rendered(limit.context)
    assert "nutrient deficiency" in context and "shedding" in context
    assert limit.reasons == ("nutrient_deficiency", "heavy_shedding")
    assert "dermatologist" in rendered(
        limit_for(Referral.DERMATOLOGIST, False, False, False).context
    )
    assert "urgent" in rendered(limit_for(Referral.URGENT, False, False, False).context)


def test_limits_never_exceed_the_seed_bounds() -> None:
    """No context allows more than 10 minutes once a day (seed 002/003)."""
    for referral in Referral:
        for flags in range(8):
            limit = limit_for(referral, bool(flags & 1), bool(flags & 2), bool(flags & 4))
            assert limit.max_minutes <= 10 and limit.max_sessions_per_day <= 1
            assert isinstance(limit, MassageLimit)


# --------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------
GENTLE_LIMIT = limit_for(Referral.NONE, True, False, False)
PAUSED = limit_for(Referral.DERMATOLOGIST, False, False, False)


@pytest.mark.parametrize(
    ("habit", "limit", "overuse", "reasons"),
    [
        (MassageHabit(sessions_per_day=1, minutes=10), DEFAULT, False, ()),
        (MassageHabit(sessions_per_day=1, minutes=10), GENTLE_LIMIT, True, ("too_long",)),
        (MassageHabit(sessions_per_day=1, minutes=5, gentle=True), GENTLE_LIMIT, False, ()),
        (
            MassageHabit(sessions_per_day=3, minutes=20),
            DEFAULT,
            True,
            ("too_many_sessions", "too_long"),
        ),
        (MassageHabit(sessions_per_day=2), DEFAULT, True, ("too_many_sessions",)),
        (MassageHabit(sessions_per_day=1 / 7, minutes=8), DEFAULT, False, ()),
        (MassageHabit(hard_pressure=True), DEFAULT, True, ("too_hard",)),
        (MassageHabit(chases_sensation=True), DEFAULT, True, ("chasing_sensation",)),
        (MassageHabit(escalates=True), DEFAULT, True, ("escalating",)),
        (MassageHabit(tool="nails", tools=("nails",)), DEFAULT, True, ("nails",)),
        (
            MassageHabit(tool="derma_roller", tools=("derma_roller",)),
            DEFAULT,
            True,
            ("derma_roller",),
        ),
        (MassageHabit(sessions_per_day=1, minutes=5), PAUSED, True, ("massage_paused",)),
        (MassageHabit(), PAUSED, False, ()),
        (MassageHabit(sessions_per_day=1 / 7, minutes=45, professional=True), DEFAULT, False, ()),
        (
            MassageHabit(drift_signs=("uneasy_skipping",), sessions_per_day=1, minutes=5),
            DEFAULT,
            False,
            (),
        ),
    ],
)
def test_assess(
    habit: MassageHabit, limit: MassageLimit, overuse: bool, reasons: tuple[str, ...]
) -> None:
    """Overuse and its reasons, per seed 003 §3."""
    result = assess(habit, limit)
    assert result.overuse is overuse
    assert result.reasons == reasons
    assert len(result.explanations) == len(reasons)


def test_drift_is_reported_but_not_overuse() -> None:
    """Seed 003 §5 drift signs are surfaced separately from the limit check."""
    result = assess(parse_habit("once a day for 5 min but i feel uneasy if i skip"), DEFAULT)
    assert result.drifted and not result.overuse


def test_professional_session_is_not_self_massage() -> None:
    """A 45-minute salon session is not daily self-massage overuse."""
    result = assess(parse_habit("once a week i get a 45 minute head massage at the salon"), DEFAULT)
    assert result.professional_only and not result.overuse


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------
def test_self_check_and_drift_content() -> None:
    """The seed 003 §5 questions and drift signs are available as data."""
    assert len(SELF_CHECK_QUESTIONS) == 3
    questions = [rendered(q) for q in SELF_CHECK_QUESTIONS]
    assert all(q.endswith("?") for q in questions)
    assert any("anxiety" in q for q in questions)
    assert len(DRIFT_SIGNS) == 3


def test_professional_note_separates_salon_sessions() -> None:
    """The salon sessions (20 / 45 min) are explained as a different thing."""
    note = rendered(PROFESSIONAL_SESSION_NOTE)
    assert "20" in note and "45" in note
    assert "self-massage" in note
    assert set(REASON_TEXT) >= {
        "too_many_sessions",
        "too_long",
        "too_hard",
        "chasing_sensation",
        "escalating",
        "nails",
        "derma_roller",
        "massage_paused",
    }


# sha256 of the lower-cased brand word seed 003 names (kept as a hash so that
# not even the test repeats it).
_BRAND_SHA256 = "8e2986b1610150531f3529fe2adfac59e74a0f7ca71f1e6b2f8272b57df5b1c9"


@pytest.mark.parametrize(
    "module",
    sorted(
        str(path.relative_to(ROOT))
        for path in [
            *ROOT.glob("scalpcare/**/*.py"),
            *ROOT.glob("actions/*.py"),
            ROOT / "domain.yml",
        ]
    ),
)
def test_no_brand_names(module: str) -> None:
    """Seed 003 names a product; it must never be repeated."""
    words = set(re.findall(r"[a-z]+", (ROOT / module).read_text(encoding="utf8").lower()))
    assert all(hashlib.sha256(w.encode()).hexdigest() != _BRAND_SHA256 for w in words)


def test_results_are_frozen() -> None:
    """Results are immutable value objects."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.max_minutes = 99  # type: ignore[misc]


TRIAGE_ROWS = list(
    csv.DictReader(
        (Path(__file__).resolve().parents[2] / "data" / "screening" / "triage_table.csv").open()
    )
)


@pytest.mark.parametrize("row", TRIAGE_ROWS, ids=[r["text"][:40] for r in TRIAGE_ROWS])
def test_triage_table_through_the_limits_module(row: dict[str, str]) -> None:
    """Every labelled message, read as a habit, gets the limit its labels call for."""
    habit = parse_habit(row["text"])
    limit = limit_for(row["referral"], row["nutrient"] == "true", False, False)
    if row["referral"] in ("dermatologist", "urgent"):
        assert limit.paused  # 0 while a dermatologist or urgent referral stands
    elif row["nutrient"] == "true" or row["referral"] == "doctor":
        assert 0 < limit.max_minutes <= 5 and limit.max_sessions_per_day <= 1
    else:
        assert limit.max_minutes == 10 and limit.max_sessions_per_day == 1
    if habit.mentioned and not limit.paused:
        assessment = assess(habit, limit)
        assert isinstance(assessment.overuse, bool)


HABIT_CASES = [
    # Sessions named by the time of day they happen at.
    ("10 min in the morning and 10 at night", 2.0, 10.0, False, True),
    ("5 mins when i wake up, at lunch and again before bed", 3.0, 5.0, False, True),
    ("I massage every morning for 5 minutes", 1.0, 5.0, False, False),
    # Self-massage modelled on the salon's session is still self-massage.
    ("I do 45 minutes on myself every day because the salon does 45", 1.0, 45.0, False, True),
    # A salon session alone is not.
    ("I get a 45 minute head massage at the salon every month", None, 45.0, True, False),
    # The salon's own session lengths said bare, about the salon.
    ("ok and at the salon is 45 fine?", None, 45.0, True, False),
    ("what about the salon's 20", None, 20.0, True, False),
    # ... but a price or an age is not a length.
    ("the salon charges 45 euros", None, None, True, False),
    ("at the salon I paid $45", None, None, True, False),
    ("I'm 45, is a salon massage ok for me", None, None, True, False),
    # Sessions counted as sessions; each session's length wins over a daily total.
    ("i do 2 sessions of 8 minutes a day with my massager", 2.0, 8.0, False, True),
    ("an hour a day split into three 20 minute sessions", 3.0, 20.0, False, True),
    ("i do 10 mins in the am and 10 in the pm", 2.0, 10.0, False, True),
    # A second session named by "again" or "another".
    ("is it ok to massage when i wash and again at night?", 2.0, None, False, True),
    ("a session in the morning and another one before bed, 5 mins", 2.0, 5.0, False, True),
]


@pytest.mark.parametrize(("text", "sessions", "minutes", "professional", "overuse"), HABIT_CASES)
def test_habits_against_the_everyday_limit(
    text: str, sessions: float | None, minutes: float | None, professional: bool, overuse: bool
) -> None:
    """Sessions × minutes read from the habit, judged against 10 minutes once a day."""
    habit = massage.parse_habit(text)
    assert (habit.sessions_per_day, habit.minutes, habit.professional) == (
        sessions,
        minutes,
        professional,
    )
    limit = massage.limit_for(massage.Referral.NONE, False, False, False)
    assert massage.assess(habit, limit).overuse is overuse


@pytest.mark.parametrize(
    ("tools", "referral", "noted"),
    [
        (("fingertips", "silicone_massager"), None, True),
        (("electric_massager",), None, True),
        # nails and rollers get the assessment's warning instead; a paused limit, no tools
        (("nails",), None, False),
        (("fingertips", "derma_roller"), None, False),
        (("fingertips",), Referral.DERMATOLOGIST, False),
        ((), None, False),
    ],
)
def test_the_tool_note(tools: tuple[str, ...], referral: Referral | None, noted: bool) -> None:
    """A question about which tool: the pressure and time matter, not the tool."""
    limit = limit_for(referral, False, False, False)
    said = rendered(massage.limits_reply(limit, None, repeat=True, tools=tools))
    assert (rendered(massage.TOOLS_NOTE) in said) is noted


def test_the_long_block_is_said_once() -> None:
    """Given before, the limits come back in one line, saying whether the limit changed."""
    gentle = limit_for(Referral.NONE, False, False, True)
    first = rendered(massage.limits_reply(DEFAULT, None))
    again = rendered(massage.limits_reply(DEFAULT, None, repeat=True))
    changed = rendered(massage.limits_reply(gentle, None, repeat=True, changed=True))
    intro = rendered(massage.SELF_CHECK_INTRO)
    salon = rendered(massage.SALON_SESSIONS)
    assert intro in first and salon in first
    for later in (again, changed):
        assert intro not in later and salon not in later
    assert "5 minutes" in changed and changed != again


@pytest.mark.parametrize(
    ("text", "proposed"),
    [
        # a habit proposed in a question: answered against the limit, not the client's habit
        ("can i make it 15 min", True),
        ("if i just do the one after work can i make it 15 min", True),
        ("could i add another round at night when im stressed?", True),
        ("would it be better to do it every day instead", True),
        ("should i go harder", True),
        ("ok and would your 45 min one be gentler?", True),
        ("what about twice a day?", True),
        ("is 20 minutes ok?", True),
        # a habit told, with or without a question after it
        ("i do 20 mins every night, is that ok?", False),
        ("ive been doing 10 min twice a day, should i do less?", False),
        ("i massage 5 min, can i do more?", False),
        ("every night i rub my scalp for 20 min, should i stop?", False),
        ("my routine is 20 min twice a day, would that be ok", False),
        ("started at 5 mins and worked my way up to 15. should i keep going up?", False),
        ("doing 20 min twice a day, is that ok?", False),
        ("", False),
    ],
)
def test_a_habit_proposed_is_not_a_habit_told(text: str, proposed: bool) -> None:
    """Only a told habit can set massage_overuse; "can i make it 15 min?" asks."""
    assert massage.proposes_only(text) is proposed


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("every day before shampoo i do 5 min of fingertip circles", True),
        ("i do 20 min twice a day", True),
        ("how long should i massage for each day", False),
        ("can i make it 15 min?", False),
        ("which setting should i use", False),
        # sessions alone are a habit only with the massage named (else a wash answer)
        ("every 2-3 days", False),
        ("i massage every 2-3 days", True),
        (None, False),
    ],
)
def test_a_habit_told(text: str | None, told: bool) -> None:
    """Minutes or sessions said of the user's own habit, not proposed in a question."""
    assert massage.tells_habit(text) is told


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("i do 45 minutes every day because the salon does 45", True),
        ("with the silicone one, 20 min a day", True),
        ("i do 45 minutes every day", False),
        (None, False),
    ],
)
def test_a_massage_setting_named(text: str | None, named: bool) -> None:
    """A tool or the salon's session tells a massage habit without the word massage."""
    assert massage.names_massage_setting(text) is named


@pytest.mark.parametrize(
    ("texts", "reasons"),
    [
        # a habit told inside consultation answers, in several shapes
        (
            ["oily and buildup. also i use a spiky massager every day for like 25 min"],
            ("too_long",),
        ),
        (["dry, itchy. my husband rubs my scalp for half an hour most nights"], ("too_long",)),
        (["oily, i use a scalp brush 3 times a day"], ("too_many_sessions",)),
        (["flaky", "every 2-3 days", "i massage 5 min morning and night"], ("too_many_sessions",)),
        # within the limit, proposed, the salon's session, or no massage named: nothing
        (["oily. i massage 5 min every night"], None),
        (["can i massage 20 min?"], None),
        (["the salon did a 45 minute head massage"], None),
        (["every 2-3 days", "20 minutes"], None),
        ([None, ""], None),
    ],
)
def test_a_habit_told_past_the_limit(
    texts: list[str | None], reasons: tuple[str, ...] | None
) -> None:
    """The first told habit past the limit, among messages the limits did not answer."""
    from scalpcare.massage import told_past_limit

    found = told_past_limit(texts, DEFAULT)
    assert (found.reasons[: len(reasons)] if found else None) == reasons


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("side note, does massaging help with flakes? how long should i do it", True),
        ("got a scalp brush, how often can i use it?", True),
        ("how many minutes should i massage", True),
        ("how hard should i press when massaging", True),
        ("does massage help hair grow? how long until i see results", False),
        ("i massage daily, how often should i wash?", False),
        ("how long should i leave the oil on after massaging", False),
        ("how long should i do the routine", False),
        ("how often should i do it, every day?", False),
        ("i massage 10 min a day", False),
        (None, False),
    ],
)
def test_a_massage_amount_asked(text: str | None, asked: bool) -> None:
    """How long, often or hard to massage, asked with the massage named; not another step."""
    from scalpcare.massage_habits import asks_massage_amount

    assert asks_massage_amount(text) is asked

"""Scalp self-massage: parse the user's habit, set a limit, check the habit.

Pure Python (no Rasa, no spaCy). The content comes from the seeds via
docs/content-rules.md:

* Daily self-massage for scalp health: fingertips or a silicone massager,
  gentle pressure (the skin moves slightly; no soreness, heat or pain is
  chased), 5-10 minutes, at most once a day (seed 002, seed 003).
* Shorter and gentler when a nutrient deficiency is suspected, shedding is heavy
  or the scalp is sensitive: "an enhancement, not a rescue" (seed 003 §4).
* Paused while a dermatologist or urgent referral stands: no massage on inflamed
  or broken skin until a professional says so (DESIGN "Referral").
* Excess (seed 003 §3): aggressive rubbing, chasing soreness, massaging until
  heat or pain, several sessions a day, sessions of 15-20 minutes or longer,
  massaging harder when shedding or anxiety rises.
* The salon's 20-minute add-on and 45-minute head-only sessions (seed 000) are
  professional relaxation sessions, not daily self-massage.

Every limit carries a ``context`` phrase saying which situation it is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scalpcare.contract import Referral

__all__ = [
    "DRIFT_SIGNS",
    "PROFESSIONAL_SESSION_NOTE",
    "REASON_TEXT",
    "SALON_ADD_ON_MINUTES",
    "SALON_HEAD_ONLY_MINUTES",
    "SELF_CHECK_QUESTIONS",
    "WAKING_HOURS",
    "MassageAssessment",
    "MassageHabit",
    "MassageLimit",
    "assess",
    "limit_for",
    "parse_habit",
]

#: Salon add-on head massage, minimum minutes (seed 000).
SALON_ADD_ON_MINUTES = 20
#: Salon dedicated head-only session, minutes (seed 000).
SALON_HEAD_ONLY_MINUTES = 45
#: Hours a day someone is awake; "every hour" means this many sessions.
WAKING_HOURS = 16

PROFESSIONAL_SESSION_NOTE = (
    f"The salon's head massage - at least {SALON_ADD_ON_MINUTES} minutes as an add-on to "
    f"body work, {SALON_HEAD_ONLY_MINUTES} minutes for a dedicated head-only session - is a "
    "professional relaxation session of slow strokes and sustained pressure. It is a "
    "different thing from daily self-massage for scalp health, which stays at 5-10 minutes, "
    "at most once a day, and gentle."
)

#: Seed 003 §5: questions to ask yourself.
SELF_CHECK_QUESTIONS: tuple[str, ...] = (
    "After massage, does my scalp feel calmer or more sensitive?",
    "If I stop for a few days, does my condition significantly worsen?",
    "Am I using massage to support recovery, or to fight anxiety?",
)

#: Seed 003 §5: signs that massage has drifted away from its intended role.
DRIFT_SIGNS: tuple[str, ...] = (
    "It has become a mandatory task.",
    "You feel uneasy skipping it.",
    "It keeps escalating in intensity.",
)

#: Plain-language explanation of each assessment reason code.
REASON_TEXT: dict[str, str] = {
    "massage_paused": "Massage is paused while a referral stands: no massage on inflamed or "
    "broken skin until a professional says it is fine.",
    "too_many_sessions": "More sessions a day than the limit: several sessions a day is more "
    "stimulation than the scalp needs.",
    "too_long": "Sessions longer than the limit: 15-20 minutes or more is excessive for "
    "self-massage.",
    "too_hard": "Pressing or rubbing hard: the skin should only move slightly under the "
    "fingertips.",
    "chasing_sensation": "Massaging until it burns, stings, feels hot or sore: heat, pain and "
    "soreness are signs to stop, not goals.",
    "escalating": "Massaging harder or more when shedding or anxiety rises: massage is an "
    "enhancement, not a rescue.",
    "nails": "Using nails: they scratch and damage the skin; use fingertips.",
    "derma_roller": "Using a derma roller or microneedling at home: it breaks the skin; not "
    "part of a gentle scalp routine.",
}


@dataclass(frozen=True)
class MassageHabit:
    """What the user says they do (fields are None/False when not said).

    Attributes:
        sessions_per_day: Sessions a day (weekly habits as a fraction, e.g. 1/7).
        minutes: Minutes per session (the upper end of a range).
        hard_pressure: Pressing or rubbing hard / aggressively.
        chases_sensation: Massaging until it burns, stings, feels hot, sore or hurts.
        escalates: Harder or more often when shedding or anxiety rises.
        gentle: The user describes gentle / light pressure.
        tool: The riskiest tool mentioned (``derma_roller``, ``nails``,
            ``electric_massager``, ``silicone_massager``, ``fingertips``).
        tools: Every tool mentioned.
        professional: The text describes a salon/therapist session.
        drift_signs: ``mandatory_task`` / ``uneasy_skipping`` if said.
    """

    sessions_per_day: float | None = None
    minutes: float | None = None
    hard_pressure: bool = False
    chases_sensation: bool = False
    escalates: bool = False
    gentle: bool = False
    tool: str | None = None
    tools: tuple[str, ...] = ()
    professional: bool = False
    drift_signs: tuple[str, ...] = ()

    @property
    def mentioned(self) -> bool:
        """True when anything about a massage habit was found."""
        return any(
            (
                self.sessions_per_day is not None,
                self.minutes is not None,
                self.hard_pressure,
                self.chases_sensation,
                self.escalates,
                self.gentle,
                self.tools,
                self.drift_signs,
            )
        )


@dataclass(frozen=True)
class MassageLimit:
    """A personal self-massage limit and the context it applies to.

    Attributes:
        max_minutes: Longest session (0 = paused).
        max_sessions_per_day: Most sessions a day (0 = paused).
        intensity: ``gentle``, ``very light`` or ``paused``.
        context: A short phrase naming the situation the limit is for.
        reasons: Codes of what made the limit stricter than the default.
    """

    max_minutes: float
    max_sessions_per_day: float
    intensity: str
    context: str
    reasons: tuple[str, ...] = ()

    @property
    def paused(self) -> bool:
        """True when self-massage should stop for now."""
        return self.max_minutes == 0 or self.max_sessions_per_day == 0


@dataclass(frozen=True)
class MassageAssessment:
    """The habit checked against a limit.

    Attributes:
        overuse: The habit exceeds the limit (contract slot ``massage_overuse``).
        reasons: Reason codes (keys of :data:`REASON_TEXT`), most important first.
        drifted: Seed 003 §5 drift signs were reported (mandatory task, unease
            when skipping, escalating intensity).
        professional_only: Only a salon session was described (not self-massage).
    """

    overuse: bool
    reasons: tuple[str, ...] = ()
    drifted: bool = False
    professional_only: bool = False

    @property
    def explanations(self) -> tuple[str, ...]:
        """Plain-language text for each reason."""
        return tuple(REASON_TEXT[r] for r in self.reasons)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------
_NUM_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "sixty": 60,
    "couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
    "multiple": 3,
    "many": 4,
    "once": 1,
    "twice": 2,
    "thrice": 3,
}
_NUM = (
    r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty"
    r"|forty-five|forty|sixty|a couple of|couple of|a few|few|several|multiple|many)"
)
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to|or)\s*{_NUM})?"
_MIN_UNIT = r"(?:minutes?|mins?|m)\b"
_HOUR_UNIT = r"(?:hours?|hrs?|h)\b"

_EVERY_N_HOURS = re.compile(rf"\bevery\s+(?:{_NUM}\s*)?{_HOUR_UNIT}|\bhourly\b")
_PER = r"\s*(?:a|per|each|/|every)?\s*"
_PER_DAY = (
    re.compile(rf"\b{_RANGE}\s*(?:x|times?){_PER}(?:day|daily)\b"),
    re.compile(rf"\b(once|twice|thrice)(){_PER}(?:day|daily)\b"),
)
_PER_WEEK = (
    re.compile(rf"\b{_RANGE}\s*(?:x|times?){_PER}week\b"),
    re.compile(rf"\b(once|twice|thrice)(){_PER}week\b"),
)
_MORNING_NIGHT = re.compile(
    r"\b(?:morning|am)\s+(?:and|&|\+|n)\s+(?:night|evening|pm|bedtime)\b|\bday and night\b"
)
#: Times of day a session is given at: two or more named are that many sessions a day
#: ("10 min in the morning and 10 at night").
_TIMES_OF_DAY = (
    re.compile(r"\b(?:morning|mornings|when i wake(?: up)?|after waking|first thing|breakfast)\b"),
    re.compile(r"\b(?:lunch|lunchtime|midday|noon|afternoon|afternoons)\b"),
    re.compile(r"\b(?:evening|evenings|after work|after dinner|dinner ?time)\b"),
    re.compile(r"\b(?:night|nights|bedtime|before bed|before sleep|in bed)\b"),
)
#: "morning or night?": a choice between times of day, one session.
_TIME_CHOICE = re.compile(
    r"\b(?:mornings?|afternoons?|evenings?|nights?|lunch\w*|bedtime)\s+or\s+(?:at\s+|in\s+the\s+)?"
    r"(?:mornings?|afternoons?|evenings?|nights?|bedtime|before bed)\b"
)
_DAILY = re.compile(
    r"\b(?:every|each)\s+(?:day|night|morning|evening)\b|\bdaily\b|\bnightly\b|\bbefore bed\b"
    r"|\ba day\b|\bevery single day\b"
)
_EVERY_OTHER = re.compile(r"\bevery other day\b|\bevery second day\b")
_RANGE_MIN = re.compile(rf"\b{_RANGE}\s*-?\s*{_MIN_UNIT}")
_RANGE_HOUR = re.compile(rf"(?<!every )\b{_RANGE}\s*-?\s*{_HOUR_UNIT}")
_GLUED = re.compile(r"\b(\d+(?:\.\d+)?)(mins?|minutes?|m|h|hrs?|hours?)\b")
_PHRASE_MIN = (
    (re.compile(r"\ban hour and a half\b|\bhour and a half\b"), 90.0),
    (re.compile(r"\bhalf (?:an )?hour\b"), 30.0),
    (re.compile(r"\bquarter of an hour\b"), 15.0),
    (re.compile(r"\b(?:an|one|a full) hour\b"), 60.0),
    (re.compile(r"\ba minute or two\b"), 2.0),
    (re.compile(r"\b(?:a few|a couple of|couple of|few) minutes?\b"), 3.0),
)

_CHASE = re.compile(
    r"\b(?:until|till|til|untill|to the point)\b[^.!?]{0,25}?\b(?:burn\w*|sore\w*|hurt\w*|sting\w*"
    r"|tingl\w*|hot|warm|red|raw|throb\w*|pain\w*|ache\w*|numb)\b"
    r"|\bfeel the burn\b|\bno pain,? no gain\b|\bhow i know it'?s working\b"
    r"|\bthe more it hurts\b"
)
_HARD = re.compile(
    r"\b(?:really|very|super|so|too|pretty|quite|extra|real)\s+hard\b|\bas hard as\b"
    r"|\baggressive\w*|\bvigorous\w*|\bharsh(?:ly)?\b|\bdig(?:ging)? (?:my )?(?:nails|fingers) in"
    r"|\b(?:massag\w*|rub\w*|press\w*|scrub\w*|push\w*)\b[^.!?]{0,20}?\bhard(?:er)?\b"
    r"|\bdeep pressure\b|\bhard pressure\b|\bstrong pressure\b"
)
_ESCALATE_TRIGGER = re.compile(
    r"\b(?:shed\w*|hair ?loss|falling out|fall(?:s)? out|thinning|anxious|anxiety|stress\w*"
    r"|panic\w*|worried|worse)\b"
)
_ESCALATE_ACTION = re.compile(
    r"\bharder\b|\blonger\b|\bmore often\b|\b(?:massag\w*|rub\w*|do it|press\w*)\s+(?:even\s+)?"
    r"more\b|\bincreas\w*|\bextra\b|\bstronger\b|\bwhenever\b|\bevery time\b|\bbecause\b"
    r"|\bto (?:stop|fight|counteract|prevent|make up)\b"
)
_GENTLE = re.compile(
    r"\bgentl\w*|\blight(?:ly)?\b|\bsoft(?:ly)?\b|\bslow circles\b|\bbarely any pressure\b"
)
_TOOLS = (
    ("derma_roller", re.compile(r"\bderma ?(?:roller|stamp|pen)\b|\bmicro ?needl\w*")),
    ("nails", re.compile(r"\b(?:finger)?nails?\b")),
    ("electric_massager", re.compile(r"\b(?:electric|vibrating|battery)\b[^.!?]{0,15}massager")),
    (
        "silicone_massager",
        re.compile(
            r"\bsilicone\b|\bscalp (?:scrubber|brush|massager)\b|\bmassag(?:e|ing) brush\b"
            r"|\bshampoo brush\b|\bmassager\b"
        ),
    ),
    ("fingertips", re.compile(r"\bfinger ?tips?\b|\bfinger pads?\b|\bfingers\b")),
)
_TOOL_RISK = ("derma_roller", "nails", "electric_massager", "silicone_massager", "fingertips")
_PROFESSIONAL = re.compile(
    r"\bsalon\b|\bspa\b|\btherapist\b|\bmasseu[rs]e?\b|\bbarber\b|\bhairdresser\b"
    r"|\bprofessional\b|\bappointment\b|\bget (?:a|my) [^.!?]{0,25}massage\b"
)
_SELF = re.compile(
    r"\b(?:i|i'm|im|i've|ive)\s+(?:\w+\s+){0,2}?(?:massag|rub|scrub|press)\w*"
    r"|\bon myself\b|\bmy own (?:head|scalp)\b|\bat home\b|\bself[- ]?massag\w*"
)
_MANDATORY = re.compile(
    r"\b(?:have to|must|need to|can'?t skip|never skip|obsess\w*|compulsi\w*|religiously)\b"
)
_UNEASY = re.compile(
    r"\b(?:uneasy|anxious|guilty|panic\w*|nervous|stressed|worried|bad)\b[^.!?]{0,25}?"
    r"\b(?:skip\w*|miss\w*|don'?t)\b|\b(?:skip\w*|miss\w*)\b[^.!?]{0,25}?"
    r"\b(?:uneasy|anxious|guilty|panic\w*|nervous|worried)\b"
)


def _num(token: str | None) -> float | None:
    """A number from digits or an English number word."""
    if token is None:
        return None
    token = token.strip().lower()
    if token in _NUM_WORDS:
        return float(_NUM_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


def _range_upper(match: re.Match[str]) -> float | None:
    """The upper end of ``N``, ``N-M`` or ``N to M`` (first two groups)."""
    values = [v for v in (_num(g) for g in match.groups()[:2] if g) if v is not None]
    return max(values) if values else None


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> float | None:
    """The largest count any of the patterns gives ("6 or 7 times" gives 7)."""
    best: float | None = None
    for pattern in patterns:
        for m in pattern.finditer(text):
            value = _range_upper(m)
            if value is not None:
                best = value if best is None else max(best, value)
    return best


def _sessions(text: str) -> float | None:
    """Sessions per day, from the most explicit phrase present."""
    best = _count(_PER_DAY, text)
    if best is not None:
        return best
    m = _EVERY_N_HOURS.search(text)
    if m:
        hours = _num(m.group(1)) if m.groups() and m.group(1) else 1.0
        return float(WAKING_HOURS) / max(hours or 1.0, 1.0)
    if _MORNING_NIGHT.search(text):
        return 2.0
    times = sum(1 for pattern in _TIMES_OF_DAY if pattern.search(text))
    if times >= 2 and not _TIME_CHOICE.search(text):
        return float(times)
    weekly = _count(_PER_WEEK, text)
    if weekly is not None:
        return weekly / 7.0
    if _EVERY_OTHER.search(text):
        return 0.5
    if _DAILY.search(text):
        return 1.0
    return None


def _minutes(text: str) -> float | None:
    """Minutes per session (upper end of a range; the largest duration named)."""
    text = _EVERY_N_HOURS.sub(" ", text)  # "every 2 hours" is a frequency
    found: list[float] = []
    for m in _RANGE_MIN.finditer(text):
        value = _range_upper(m)
        if value is not None:
            found.append(value)
    for m in _RANGE_HOUR.finditer(text):
        value = _range_upper(m)
        if value is not None:
            found.append(value * 60)
    for m in _GLUED.finditer(text):
        unit = m.group(2)
        value = float(m.group(1))
        found.append(value * 60 if unit.startswith("h") else value)
    for pattern, value in _PHRASE_MIN:
        if pattern.search(text):
            found.append(value)
            text = pattern.sub(" ", text)  # "half an hour" must not also read as "an hour"
    return max(found) if found else None


def parse_habit(text: str) -> MassageHabit:
    """Read a self-massage habit from free text.

    Args:
        text: What the user wrote ("3x a day for 20 mins until it burns").

    Returns:
        The habit; fields the user did not mention stay ``None``/``False``.
    """
    if not isinstance(text, str) or not text.strip():
        return MassageHabit()
    low = " ".join(text.lower().replace("’", "'").split())
    tools = tuple(name for name, rx in _TOOLS if rx.search(low))
    tool = next((name for name in _TOOL_RISK if name in tools), None)
    escalates = any(
        _ESCALATE_TRIGGER.search(s) and _ESCALATE_ACTION.search(s) for s in re.split(r"[.!?;]", low)
    )
    professional = bool(_PROFESSIONAL.search(low)) and not _SELF.search(low)
    drift = []
    if _MANDATORY.search(low):
        drift.append("mandatory_task")
    if _UNEASY.search(low):
        drift.append("uneasy_skipping")
    return MassageHabit(
        sessions_per_day=_sessions(low),
        minutes=_minutes(low),
        hard_pressure=bool(_HARD.search(low)),
        chases_sensation=bool(_CHASE.search(low)),
        escalates=bool(escalates),
        gentle=bool(_GENTLE.search(low)),
        tool=tool,
        tools=tools,
        professional=professional,
        drift_signs=tuple(drift),
    )


# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------
def limit_for(
    referral: Referral | str | None,
    nutrient_deficiency: bool,
    heavy_shedding: bool,
    sensitive: bool,
) -> MassageLimit:
    """The self-massage limit for the user's situation.

    Args:
        referral: The strongest referral so far (enum or slot value).
        nutrient_deficiency: A nutrient deficiency is suspected.
        heavy_shedding: The user reports heavy shedding.
        sensitive: The scalp is sensitive.

    Returns:
        0 minutes / 0 sessions (paused) while a dermatologist or urgent referral
        stands; 5 minutes, once a day, very light with a suspected deficiency
        (or a doctor referral), heavy shedding or a sensitive scalp; otherwise
        5-10 minutes (max 10), once a day, gentle. ``context`` names the case.
    """
    # Referral.parse() stringifies its argument, which mangles enum members.
    level = referral if isinstance(referral, Referral) else Referral.parse(referral)
    if level.rank >= Referral.DERMATOLOGIST.rank:
        who = "urgent care" if level is Referral.URGENT else "a dermatologist"
        return MassageLimit(
            0.0,
            0.0,
            "paused",
            f"paused while the referral to {who} stands: no massage or exfoliation on "
            "inflamed or broken skin until a professional says it is fine",
            (f"{level.value}_referral",),
        )
    reasons: list[str] = []
    if nutrient_deficiency or level is Referral.DOCTOR:
        reasons.append("nutrient_deficiency")
    if heavy_shedding:
        reasons.append("heavy_shedding")
    if sensitive:
        reasons.append("sensitive_scalp")
    if reasons:
        why = {
            "nutrient_deficiency": "a nutrient deficiency is suspected",
            "heavy_shedding": "shedding is heavy",
            "sensitive_scalp": "the scalp is sensitive",
        }
        listed = " and ".join(why[r] for r in reasons)
        return MassageLimit(
            5.0,
            1.0,
            "very light",
            f"daily self-massage at home while {listed}: shorter and lighter, an "
            "enhancement, not a rescue",
            tuple(reasons),
        )
    return MassageLimit(
        10.0,
        1.0,
        "gentle",
        "daily self-massage at home for scalp health (5-10 minutes; not a salon "
        "relaxation session)",
    )


def assess(habit: MassageHabit, limit: MassageLimit) -> MassageAssessment:
    """Check a reported habit against a limit (seed 003 §3 misuse patterns).

    Args:
        habit: What the user does (see :func:`parse_habit`).
        limit: The limit from :func:`limit_for`.

    Returns:
        ``overuse`` with reason codes; salon sessions alone are not overuse.
    """
    drifted = bool(habit.drift_signs) or habit.escalates
    self_signals = (
        habit.hard_pressure
        or habit.chases_sensation
        or habit.escalates
        or habit.tool in ("nails", "derma_roller")
    )
    if habit.professional and not self_signals:
        return MassageAssessment(False, (), drifted, professional_only=True)
    reasons: list[str] = []
    if limit.paused:
        does_massage = (
            (habit.sessions_per_day or 0) > 0
            or (habit.minutes or 0) > 0
            or self_signals
            or bool(habit.tools)
        )
        if does_massage:
            reasons.append("massage_paused")
    else:
        eps = 1e-9
        if habit.sessions_per_day is not None and habit.sessions_per_day > (
            limit.max_sessions_per_day + eps
        ):
            reasons.append("too_many_sessions")
        if habit.minutes is not None and habit.minutes > limit.max_minutes + eps:
            reasons.append("too_long")
    if habit.hard_pressure:
        reasons.append("too_hard")
    if habit.chases_sensation:
        reasons.append("chasing_sensation")
    if habit.escalates:
        reasons.append("escalating")
    if "nails" in habit.tools:
        reasons.append("nails")
    if "derma_roller" in habit.tools:
        reasons.append("derma_roller")
    return MassageAssessment(bool(reasons), tuple(reasons), drifted)

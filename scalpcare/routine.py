"""The at-home scalp facial: a pure routine builder and its free-text parsers.

Everything here is plain Python (no Rasa imports) so the content rules of
docs/content-rules.md can be tested as tables. The routine follows seed 002's order
(exfoliate, clarify, serum, massage, cool rinse) and adapts each step to the
profile. Safety is not decided here: the triage module sets the referral and
the massage-limit module sets ``massage_minutes``; this module only obeys them
(a dermatologist or urgent referral withholds the routine, a limit of 0 pauses
the massage step).

Content rules that every output must respect: no brand names, no diagnosis,
no prescription, no promise of hair growth (the routine "supports" a healthy
scalp), and limits that say which context they are for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from scalpcare.contract import CONCERN_VALUES, SCALP_TYPE_VALUES, Referral

# --------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------

WASH_DAILY = "daily"
WASH_EVERY_OTHER_DAY = "every other day"
WASH_EVERY_2_3_DAYS = "every 2-3 days"
WASH_WEEKLY = "weekly"
WASH_LESS_THAN_WEEKLY = "less than weekly"
#: Normalised wash frequencies, most frequent first.
WASH_FREQUENCY_VALUES = (
    WASH_DAILY,
    WASH_EVERY_OTHER_DAY,
    WASH_EVERY_2_3_DAYS,
    WASH_WEEKLY,
    WASH_LESS_THAN_WEEKLY,
)

#: Products that collect on the scalp (seed 002 "Clears buildup").
PRODUCT_VALUES = ("dry_shampoo", "hairspray", "oils", "styling")

GOAL_RELAXATION = "relaxation"
GOAL_SCALP_HEALTH = "scalp_health"
GOAL_GROWTH_SUPPORT = "growth_support"
GOAL_VALUES = (GOAL_RELAXATION, GOAL_SCALP_HEALTH, GOAL_GROWTH_SUPPORT)

# Step kinds, so callers and tests can find a step without matching its wording.
STEP_EXFOLIATE = "exfoliate"
STEP_CLEANSE = "cleanse"
STEP_SERUM = "serum"
STEP_MASSAGE = "massage"
STEP_RINSE = "rinse"

#: Daily self-massage for scalp health: 5-10 minutes (seed 002, docs/content-rules.md).
SELF_MASSAGE_MAX_MINUTES = 10.0
#: Ceiling when the routine must be gentle (deficiency, shedding, sensitivity).
GENTLE_MASSAGE_MAX_MINUTES = 5.0


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What the user told us, normalised to the contract's vocabularies.

    Attributes:
        concerns: Reported concerns, a subset of ``CONCERN_VALUES``.
        scalp_type: One of ``SCALP_TYPE_VALUES`` or ``None`` when unknown.
        sensitive: Whether the scalp is sensitive; ``None`` when unknown.
        wash_frequency: One of ``WASH_FREQUENCY_VALUES`` or ``None``.
        buildup_products: A subset of ``PRODUCT_VALUES``.
        goal: One of ``GOAL_VALUES`` or ``None``.
        referral: The strongest referral made so far.
        nutrient_deficiency: The context suggests a possible deficiency.
    """

    concerns: frozenset[str] = frozenset()
    scalp_type: str | None = None
    sensitive: bool | None = None
    wash_frequency: str | None = None
    buildup_products: frozenset[str] = frozenset()
    goal: str | None = None
    referral: Referral = Referral.NONE
    nutrient_deficiency: bool = False

    def __post_init__(self) -> None:
        """Reject values outside the contract's vocabularies."""
        # Fail loudly on values outside the contract: a typo here would
        # silently drop an adaptation (or a safety rule) from the routine.
        unknown = set(self.concerns) - set(CONCERN_VALUES)
        if unknown:
            raise ValueError(f"unknown concerns: {sorted(unknown)}")
        if self.scalp_type is not None and self.scalp_type not in SCALP_TYPE_VALUES:
            raise ValueError(f"unknown scalp_type: {self.scalp_type!r}")
        if self.wash_frequency is not None and self.wash_frequency not in WASH_FREQUENCY_VALUES:
            raise ValueError(f"unknown wash_frequency: {self.wash_frequency!r}")
        unknown = set(self.buildup_products) - set(PRODUCT_VALUES)
        if unknown:
            raise ValueError(f"unknown buildup_products: {sorted(unknown)}")
        if self.goal is not None and self.goal not in GOAL_VALUES:
            raise ValueError(f"unknown goal: {self.goal!r}")
        if not isinstance(self.referral, Referral):
            raise TypeError(f"referral must be a Referral, got {self.referral!r}")

    @classmethod
    def from_values(
        cls,
        concerns: Iterable[object] | str | None = None,
        scalp_type: object = None,
        sensitive: object = None,
        wash_frequency: object = None,
        buildup_products: Iterable[object] | str | None = None,
        goal: object = None,
        referral: object = None,
        nutrient_deficiency: object = False,
    ) -> Profile:
        """Build a profile from loosely typed values such as tracker slots.

        Unknown or empty values are dropped instead of raising, because slot
        values come from NLU and may be stale or misspelt; the strict
        constructor is for code that already holds clean values.

        Args:
            concerns: Concern names; unknown ones are ignored.
            scalp_type: A scalp type; anything unknown becomes ``None``.
            sensitive: A bool, or ``None`` when unknown.
            wash_frequency: A normalised value or free text (parsed).
            buildup_products: Product names; unknown ones are ignored.
            goal: A normalised goal or free text (parsed).
            referral: A ``Referral`` or a slot string.
            nutrient_deficiency: Truthy when a deficiency is suspected.

        Returns:
            A valid ``Profile``.
        """
        clean_concerns = _as_names(concerns) & frozenset(CONCERN_VALUES)
        clean_type = str(scalp_type).strip().lower() if scalp_type is not None else None
        if clean_type not in SCALP_TYPE_VALUES:
            clean_type = None
        clean_products = _as_names(buildup_products) & frozenset(PRODUCT_VALUES)
        wash = None
        if wash_frequency is not None:
            text = str(wash_frequency).strip().lower()
            wash = text if text in WASH_FREQUENCY_VALUES else parse_wash_frequency(text)
        clean_goal = None
        if goal is not None:
            text = str(goal).strip().lower()
            clean_goal = text if text in GOAL_VALUES else parse_goal(text)
        return cls(
            concerns=clean_concerns,
            scalp_type=clean_type,
            sensitive=_as_bool(sensitive),
            wash_frequency=wash,
            buildup_products=clean_products,
            goal=clean_goal,
            referral=referral if isinstance(referral, Referral) else Referral.parse(referral),
            nutrient_deficiency=bool(_as_bool(nutrient_deficiency)),
        )


def _as_names(values: Iterable[object] | str | None) -> frozenset[str]:
    """Lower-cased names from a list slot; a lone string counts as one name."""
    if values is None:
        return frozenset()
    items = [values] if isinstance(values, str) else list(values)
    return frozenset(str(v).strip().lower() for v in items if v is not None and str(v).strip())


def _as_bool(value: object) -> bool | None:
    """Read a bool slot; strings like "false" must not count as true."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"", "none", "null", "unknown"}:
            return None
        return text in {"true", "yes", "y", "1"}
    return bool(value)


@dataclass(frozen=True)
class Step:
    """One step of the routine.

    Attributes:
        title: A few words, e.g. "Exfoliate (damp hair)".
        detail: One or two short sentences.
        kind: One of the ``STEP_*`` constants.
    """

    title: str
    detail: str
    kind: str = ""


@dataclass(frozen=True)
class Routine:
    """A routine ready to render.

    Attributes:
        steps: The steps, in the order they are done.
        frequency: How often, with the context each limit is for.
        expectations: What to expect, honestly.
        notes: Short warnings and adaptations, most important first.
        withheld: True when a referral stands and the full routine is withheld.
        withheld_reason: Why it is withheld (empty when not withheld).
        massage_minutes: The self-massage ceiling used in the massage step;
            0 when the massage is paused or withheld.
    """

    steps: tuple[Step, ...]
    frequency: str
    expectations: str
    notes: tuple[str, ...] = ()
    withheld: bool = False
    withheld_reason: str = ""
    massage_minutes: float = 0.0


# --------------------------------------------------------------------------
# Negation (shared by the parsers)
# --------------------------------------------------------------------------

# Cues that negate what follows in the same clause: "no dry shampoo",
# "I don't use hairspray", "stopped using oils", "used to wash daily".
# "no more than twice a week" is a limit, not a negation.
_NEGATION_CUE = re.compile(
    r"\b(?:no(?!\s+(?:more|less)\s+than\b)|not(?!\s+(?:more|less)\s+than\b)|never|"
    r"without|none|nothing|neither|nor|avoid(?:s|ing)?|"
    r"don'?t|dont|do\s+not|doesn'?t|didn'?t|isn'?t|aren'?t|won'?t|"
    r"stopped|quit|gave\s+up|no\s+longer|used\s+to|zero)\b"
)
# A negation scope ends at punctuation or a contrastive word: in
# "no dry shampoo but lots of hairspray" only dry shampoo is negated.
_SCOPE_BREAK = re.compile(
    r"[.,;:!?()\n]|\s[-–—]\s|\b(?:but|though|although|however|except|apart\s+from|"
    r"other\s+than|besides|now|nowadays|these\s+days|instead|yet|only|just)\b"
)


def _negated_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that fall under a negation cue.

    A span starts after its cue, so a phrase that itself begins with the cue
    ("no more flakes" as a goal) is not negated by it.
    """
    spans = []
    for cue in _NEGATION_CUE.finditer(text):
        stop = _SCOPE_BREAK.search(text, cue.end())
        spans.append((cue.end(), stop.start() if stop else len(text)))
    return spans


def _is_negated(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo <= start < hi for lo, hi in spans)


_DIGIT_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}


def _normalise(text: str | None) -> str:
    """Lower-case, unify apostrophes, digits and ranges, squeeze whitespace."""
    if not text:
        return ""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\b(" + "|".join(_DIGIT_WORDS) + r")\b", lambda m: _DIGIT_WORDS[m[1]], text)
    text = re.sub(r"\bonce\s+or\s+twice\b", "1-2 times", text)
    text = re.sub(r"\btwice\s+or\s+(?:three\s+times|thrice|3\s+times)\b", "2-3 times", text)
    # "2 to 3", "2 or 3", "2–3" -> "2-3"
    text = re.sub(r"(?<=\d)\s*(?:–|—|-|to|or)\s*(?=\d)", "-", text)
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------
# Wash frequency
# --------------------------------------------------------------------------

_COUNT_WORDS = {
    "once": 1.0,
    "twice": 2.0,
    "thrice": 3.0,
    "single": 1.0,
    "other": 2.0,
    "second": 2.0,
    "2nd": 2.0,
    "third": 3.0,
    "3rd": 3.0,
    "couple": 2.0,
    "couple of": 2.0,
    "a couple": 2.0,
    "a couple of": 2.0,
    "few": 3.0,
    "a few": 3.0,
}
_UNIT_DAYS = {
    "day": 1.0,
    "night": 1.0,
    "morning": 1.0,
    "week": 7.0,
    "fortnight": 14.0,
    "month": 30.0,
}

# Numbers are bounded ("\d{1,3}"): unbounded digit runs let the count and "every"
# groups split a long digit string every possible way (quadratic on hostile input).
_NUM = (
    r"(?:\d{1,3}(?:\.\d{1,2})?(?:-\d{1,3}(?:\.\d{1,2})?)?"
    r"|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few)"
)
_UNIT = r"(?P<unit>days?|nights?|mornings?|weeks?|wks?|w|fortnights?|months?|mo|d)"
_CONNECTOR = r"(?P<conn>a|an|per|each|every|/|in\s+a)"

# "3 times a week", "2x a week", "2x/wk", "twice a day", "once every 2 weeks"
_RATE = re.compile(
    r"\b(?P<count>"
    + _NUM
    + r"|once|twice|thrice)\s*(?P<marker>times?|x|×)?\s*"
    + _CONNECTOR
    + r"?\s*(?P<every>\d{1,3}(?:\.\d{1,2})?(?:-\d{1,3}(?:\.\d{1,2})?)?\s+)?"
    + _UNIT
    + r"\b"
)
# "3 times weekly", "twice daily"
_RATE_ADVERB = re.compile(
    r"\b(?P<count>" + _NUM + r"|once|twice|thrice)\s*(?P<marker>times?|x|×)?\s*"
    r"(?P<adverb>daily|weekly|monthly)\b"
)
# "2 days a week", "5 days per week"
_DAYS_PER_WEEK = re.compile(
    r"\b(?P<count>\d{1,3}(?:-\d{1,3})?)\s+days?\s+(?:a|per|each|every|/)\s*"
    r"(?:week|wk)\b"
)
# "every 3 days", "every other day", "every 2-3 days", "every day", "each week"
_INTERVAL = re.compile(
    r"\b(?:every|each|evry|ever)\s*(?P<n>"
    + _NUM
    + r"|single|other|second|2nd|third|3rd)?\s*"
    + _UNIT
    + r"\b"
)
_EVERYDAY = re.compile(r"\b(?:everyday|evryday|daily|dayly|nightly|day\s+in,?\s+day\s+out)\b")
_ALTERNATE = re.compile(r"\b(?:alternate|alternating)\s+days\b")
_WEEKLY = re.compile(r"(?<!bi-)(?<!bi )\bweekly\b")
_LESS_THAN_WEEKLY = re.compile(r"\b(?:fortnightly|monthly)\b")


def _number(token: str | None) -> float | None:
    """Read ``"3"``, ``"2-3"`` (midpoint), ``"twice"`` or ``"a couple of"``."""
    if token is None:
        return None
    token = re.sub(r"\s+", " ", token.strip())
    if token in _COUNT_WORDS:
        return _COUNT_WORDS[token]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", token)
    if not match:
        return None
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) else low
    return (low + high) / 2


def _unit_days(unit: str) -> float:
    if unit in {"d"}:
        return 1.0
    if unit in {"wk", "wks", "w"}:
        return 7.0
    if unit == "mo":
        return 30.0
    return _UNIT_DAYS[unit.rstrip("s")]


def _bucket(days_between_washes: float) -> str | None:
    """Map the average number of days between washes to the vocabulary."""
    if days_between_washes <= 0:
        return None
    if days_between_washes <= 1.0:
        return WASH_DAILY
    if days_between_washes <= 2.0:
        return WASH_EVERY_OTHER_DAY
    # Twice a week (3.5 days) and "every 4 days" are closer to this than to weekly.
    if days_between_washes <= 4.0:
        return WASH_EVERY_2_3_DAYS
    if days_between_washes <= 8.0:
        return WASH_WEEKLY
    return WASH_LESS_THAN_WEEKLY


def _wash_mentions(text: str) -> list[tuple[int, int, float | None]]:
    """Every frequency mention as (start, end, days between washes).

    Patterns run from most to least specific; a later pattern never re-reads
    text an earlier one has claimed ("once every 2 weeks" is not also
    "every 2 weeks").
    """
    mentions: list[tuple[int, int, float | None]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(s < m.end() and m.start() < e for s, e, _ in mentions)

    for m in _DAYS_PER_WEEK.finditer(text):
        count = _number(m.group("count"))
        mentions.append((m.start(), m.end(), 7.0 / count if count else None))
    for m in _RATE.finditer(text):
        # "2 days" alone is a duration, not a rate: require "x"/"times" or "a/per".
        if not free(m) or not (m.group("marker") or m.group("conn")):
            continue
        if m.group("count") not in {"once", "twice", "thrice"} and not m.group("marker"):
            continue  # "3 a week" is too vague; "3x a week" / "3 times a week" are fine
        count = _number(m.group("count"))
        every = _number(m.group("every")) or 1.0
        days = _unit_days(m.group("unit")) * every / count if count else None
        mentions.append((m.start(), m.end(), days))
    for m in _RATE_ADVERB.finditer(text):
        if not free(m):
            continue
        if m.group("count") not in {"once", "twice", "thrice"} and not m.group("marker"):
            continue
        count = _number(m.group("count"))
        unit = {"daily": 1.0, "weekly": 7.0, "monthly": 30.0}[m.group("adverb")]
        mentions.append((m.start(), m.end(), unit / count if count else None))
    for m in _INTERVAL.finditer(text):
        if free(m):
            n = _number(m.group("n")) if m.group("n") else 1.0
            days = None if n is None else _unit_days(m.group("unit")) * n
            mentions.append((m.start(), m.end(), days))
    for pattern, days in (
        (_EVERYDAY, 1.0),
        (_ALTERNATE, 2.0),
        (_WEEKLY, 7.0),
        (_LESS_THAN_WEEKLY, 20.0),
    ):
        for m in pattern.finditer(text):
            if free(m):
                mentions.append((m.start(), m.end(), days))
    return mentions


def parse_wash_frequency(text: str | None) -> str | None:
    """Read how often the user washes their hair from free text.

    Understands rates ("3 times a week", "2x/wk", "twice a day"), intervals
    ("every other day", "every 2-3 days", "every 2 weeks") and words ("daily",
    "everyday", "weekly"). Negated mentions ("not every day") are ignored, and
    when several remain the last one wins, so corrections ("daily, well,
    every other day actually") take effect.

    Args:
        text: The user's message.

    Returns:
        One of ``WASH_FREQUENCY_VALUES``, or ``None`` when nothing usable is said.
    """
    text = _normalise(text)
    if not text:
        return None
    negated = _negated_spans(text)
    found: list[tuple[int, str]] = []
    for start, _end, days in _wash_mentions(text):
        if days is None or _is_negated(start, negated):
            continue
        bucket = _bucket(days)
        if bucket is not None:
            found.append((start, bucket))
    if not found:
        return None
    return max(found)[1]


# --------------------------------------------------------------------------
# Buildup products
# --------------------------------------------------------------------------

_PRODUCT_PATTERNS: dict[str, re.Pattern[str]] = {
    "dry_shampoo": re.compile(r"\bdry[\s-]*sham?p?o+(?:s|ing)?\b|\bdry\s*shamp\b"),
    "hairspray": re.compile(
        r"\bhair[\s-]*spray\w*|\bhairspary\b|\b(?:finishing|setting|holding|hold|"
        r"texturi[sz]ing|sea[\s-]*salt)\s+spray\b|\blacquer\b"
    ),
    # "oils", "hair oil", "oiling"; not "oily scalp" and not "oil-free".
    "oils": re.compile(r"\boil(?:s|ing)?\b(?![\s-]*free)"),
    "styling": re.compile(
        r"\bstyling\s+(?:products?|creams?|gels?|sprays?|stuff|foam)\b|\bgels?\b|\bmousse\b|"
        r"\bwax\b|\bpomade\b|\bputty\b|\bpaste\b|\bedge\s+control\b|\bleave[\s-]*ins?\b|"
        r"\bcurl\s+creams?\b|\bheat\s+protect\w*|\btexturi[sz]er\b"
    ),
}


def parse_products(text: str | None) -> frozenset[str]:
    """Find the buildup-prone products the user says they use.

    Negation-aware for simple cases: "no dry shampoo", "I don't use hairspray
    or gel", "stopped using oils", "nothing except dry shampoo" (only dry
    shampoo counts) and "no hairspray, but lots of dry shampoo".

    Args:
        text: The user's message.

    Returns:
        A subset of ``PRODUCT_VALUES`` (empty when none are used).
    """
    text = _normalise(text)
    if not text:
        return frozenset()
    negated = _negated_spans(text)
    found = set()
    for product, pattern in _PRODUCT_PATTERNS.items():
        for m in pattern.finditer(text):
            if _is_negated(m.start(), negated):
                continue
            if product == "oils" and _looks_like_sebum(text, m.start()):
                continue
            found.add(product)
            break
    return frozenset(found)


def _looks_like_sebum(text: str, start: int) -> bool:
    """True for "my scalp produces oil" style mentions of the scalp's own oil."""
    before = text[max(0, start - 40) : start]
    return bool(
        re.search(
            r"\b(?:produces?|producing|makes?|making|gets?|excess|too\s+much|full\s+of|"
            r"natural|own)\s+(?:\w+\s+){0,3}$",
            before,
        )
    )


# --------------------------------------------------------------------------
# Goal
# --------------------------------------------------------------------------

_GOAL_PATTERNS: dict[str, re.Pattern[str]] = {
    GOAL_RELAXATION: re.compile(
        r"\brelax\w*|\bunwind\w*|\bde-?stress\w*|\bstress[\s-]*(?:relief|less|free)\b|"
        r"\b(?:feel\w*|be|get)\s+calm\w*|\bcalm\s+down\b|\bchill\w*|\bsleep\w*|\bpamper\w*|"
        r"\bself[\s-]*care\b|\bme[\s-]*time\b|\bzen\b|\bspa\b|\bfeel\s+good\b|"
        r"\btreat\s+myself\b|\bwind\s+down\b|\btension\b|\brelieve\s+stress\b"
    ),
    GOAL_SCALP_HEALTH: re.compile(
        r"\bscalp\s+health\w*|\bhealth(?:y|ier)\s+scalp\b|\bclean(?:er)?\s+scalp\b|"
        r"\bscalp\s+(?:care|balance|comfort|reset|detox)\b|\bbalanc\w*|\bdetox\w*|"
        r"\b(?:less|fewer|no\s+more|stop\s+the|get\s+rid\s+of)\s+(?:flak\w*|itch\w*|"
        r"oil\w*|grease|greasy|buildup|build[\s-]up|dandruff)|\bbuild[\s-]?up\b|\bfresh\w*|"
        r"\bsooth\w*|\bcalm(?:ing)?\s+(?:my|the)\s+(?:scalp|skin|itch\w*|irritation)\b|"
        r"\bhealth(?:y|ier)\s+(?:roots|skin)\b|\bmaintenance\b|\bcomfortable\b|\bdandruff\b"
    ),
    GOAL_GROWTH_SUPPORT: re.compile(
        r"\bgrow\w*|\bregrow\w*|\bthicker\b|\bthickness\b|\bthicken\w*|\bfull(?:er|ness)\b|"
        r"\bdens(?:er|ity)\b|\bmore\s+volume\b|\blonger\s+hair\b|\blength\s+retention\b|"
        r"\bstronger\s+(?:hair|strands|roots)\b|\bhair\s+(?:loss|fall)\b|"
        r"\bless\s+(?:shedding|hair\s+fall)\b|\bshedding\b|\bthinning\b|\bbald\w*|"
        r"\bmore\s+hair\b|\bhair\s+health\b|\bhealth(?:y|ier)\s+hair\b"
    ),
}


def parse_goal(text: str | None) -> str | None:
    """Read the user's main goal from free text.

    The first non-negated mention wins ("mostly relaxation, maybe growth too"
    is relaxation); "not for relaxation, I want thicker hair" is growth
    support.

    Args:
        text: The user's message.

    Returns:
        One of ``GOAL_VALUES``, or ``None`` when no goal is recognised.
    """
    text = _normalise(text)
    if not text:
        return None
    negated = _negated_spans(text)
    best: tuple[int, str] | None = None
    for goal, pattern in _GOAL_PATTERNS.items():
        for m in pattern.finditer(text):
            if _is_negated(m.start(), negated):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), goal)
            break
    return best[1] if best else None


# --------------------------------------------------------------------------
# Routine
# --------------------------------------------------------------------------

# Serum ingredients in seed 002's order, each with what it is for.
_HYALURONIC = "hyaluronic acid to hydrate"
_PEPTIDES = "peptides for scalp health"
_TEA_TREE_PEPPERMINT = "tea tree or peppermint to soothe and cool"
_VITAMIN_E = "vitamin E, an antioxidant"
_JOJOBA_SQUALANE = "jojoba or squalane for light moisture"
_INGREDIENT_ORDER = (_HYALURONIC, _PEPTIDES, _TEA_TREE_PEPPERMINT, _VITAMIN_E, _JOJOBA_SQUALANE)
# Three is enough to choose from on a phone; more reads like a shopping list.
_MAX_INGREDIENTS = 3

_PRODUCT_NAMES = {
    "dry_shampoo": "dry shampoo",
    "hairspray": "hairspray",
    "oils": "oils",
    "styling": "styling products",
}


def _fmt_minutes(minutes: float) -> str:
    return f"{minutes:g}"


def _massage_length(minutes: float | None) -> str:
    return "5-10 min" if minutes is None else f"up to {_fmt_minutes(minutes)} min"


def _effective_massage_minutes(profile: Profile, massage_minutes: float | None) -> float | None:
    """The massage ceiling for this routine; ``None`` means the default 5-10 min.

    The safety module's limit can only shorten the massage: the routine never
    goes above 10 minutes (daily self-massage), nor above 5 when it must be
    gentle (docs/content-rules.md, "Massage limits").
    """
    ceiling = GENTLE_MASSAGE_MAX_MINUTES if _needs_gentle(profile) else SELF_MASSAGE_MAX_MINUTES
    if massage_minutes is None or math.isnan(massage_minutes):
        return None if ceiling == SELF_MASSAGE_MAX_MINUTES else ceiling
    if massage_minutes <= 0:
        return 0.0
    return min(float(massage_minutes), ceiling)


def _needs_gentle(profile: Profile) -> bool:
    """Deficiency, shedding, or a sensitive scalp: shorter, gentler massage."""
    return bool(
        profile.nutrient_deficiency
        or "shedding" in profile.concerns
        or profile.sensitive
        or profile.referral is Referral.DOCTOR
    )


def _is_oily(profile: Profile) -> bool:
    return profile.scalp_type == "oily" or "oiliness" in profile.concerns


def _is_dry(profile: Profile) -> bool:
    return profile.scalp_type == "dry" or "dryness" in profile.concerns


def _has_buildup(profile: Profile) -> bool:
    return "buildup" in profile.concerns or bool(profile.buildup_products)


def _uses_chemical_exfoliant(profile: Profile) -> bool:
    """Chemical exfoliants are the choice for a sensitive or irritated scalp (seed 002).

    A gentle routine (deficiency, shedding) avoids scrubbing for the same reason.
    """
    return bool(
        profile.sensitive
        or "itch" in profile.concerns
        or "shedding" in profile.concerns
        or profile.nutrient_deficiency
    )


def _exfoliate_step(profile: Profile) -> Step:
    if _uses_chemical_exfoliant(profile):
        what = "Salicylic acid or fruit enzymes: gentlest, no scrubbing."
    else:
        what = "Scalp scrub (never a face or body scrub) or salicylic acid/fruit enzymes."
    how = "Fingertips, not nails; small circles, a few minutes"
    if _has_buildup(profile):
        how += ", longer at the roots"
    elif "flaking" in profile.concerns:
        how += "; don't pick flakes"
    return Step("Exfoliate damp hair", f"{what} {how}.", STEP_EXFOLIATE)


def _cleanse_step(profile: Profile) -> Step:
    # Dry scalps get a gentler clarifier (seed 002: harsh clarifiers strip
    # moisture); buildup needs the rinse to be thorough whatever the type.
    product = (
        "A gentle sulfate-free clarifier" if _is_dry(profile) else "Sulfate-free clarifying shampoo"
    )
    if _has_buildup(profile):
        rest = "leave a few minutes, rinse very thoroughly."
    elif _is_dry(profile):
        rest = "leave a minute or two, rinse well."
    else:
        rest = "leave a few minutes, rinse thoroughly."
    return Step("Clarify", f"{product}; {rest}", STEP_CLEANSE)


def _ingredients(profile: Profile) -> list[str]:
    """Pick up to three serum ingredients, most pressing need first."""
    wanted: list[str] = []
    if "itch" in profile.concerns:
        wanted.append(_TEA_TREE_PEPPERMINT)
    if _is_dry(profile):
        wanted += [_HYALURONIC, _JOJOBA_SQUALANE]
    if "flaking" in profile.concerns:
        wanted.append(_HYALURONIC)
    if profile.scalp_type == "combination":
        wanted.append(_JOJOBA_SQUALANE)
    if {"shedding", "breakage"} & profile.concerns or profile.goal == GOAL_GROWTH_SUPPORT:
        wanted += [_PEPTIDES, _VITAMIN_E]
    if (profile.goal == GOAL_RELAXATION or "tension" in profile.concerns) and not profile.sensitive:
        wanted.append(_TEA_TREE_PEPPERMINT)  # the cooling feel suits a relaxing session
    wanted += [_PEPTIDES, _VITAMIN_E]  # sensible for any scalp
    chosen: list[str] = []
    for item in wanted:
        if item not in chosen:
            chosen.append(item)
    return sorted(chosen[:_MAX_INGREDIENTS], key=_INGREDIENT_ORDER.index)


def _sentence_case(text: str) -> str:
    # Not str.capitalize(): that would lower-case "vitamin E".
    return text[:1].upper() + text[1:]


def _join(items: list[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def _serum_step(profile: Profile) -> Step:
    ingredients = _ingredients(profile)
    detail = _sentence_case("; ".join(ingredients)) + "."
    extras = []
    # Jojoba and squalane are already light, so the reminder is only needed without them.
    if _is_oily(profile) and not _is_dry(profile) and _JOJOBA_SQUALANE not in ingredients:
        extras.append("Keep it light.")
    if profile.sensitive:
        if _TEA_TREE_PEPPERMINT in ingredients:
            extras.append("Patch-test first; go easy on peppermint.")
        else:
            extras.append("Patch-test first.")
    return Step("Serum or mask", " ".join([detail, *extras]), STEP_SERUM)


def _massage_step(profile: Profile, minutes: float | None) -> Step:
    detail = "Fingertips or silicone massager, hairline to crown; slow circles, gentle pressure."
    if "shedding" in profile.concerns or profile.nutrient_deficiency:
        detail += " Light touch, never harder."
    elif "tension" in profile.concerns or profile.goal == GOAL_RELAXATION:
        detail += " Linger where it feels tight."
    return Step(f"Massage, {_massage_length(minutes)}", detail, STEP_MASSAGE)


def _rinse_step() -> Step:
    return Step("Cool rinse", "Finish with cool water.", STEP_RINSE)


def _frequency(profile: Profile, minutes: float | None) -> str:
    # Dry, sensitive or fragile scalps get more time between sessions.
    full = "Every 2 weeks" if _is_dry(profile) or _needs_gentle(profile) else "Once a week"
    text = f"{full}, never daily exfoliation."
    if minutes == 0:
        return text + " Self-massage: paused."
    return text + f" Self-massage for scalp health: once a day max, {_massage_length(minutes)}."


def _expectations(profile: Profile) -> str:
    base = "Gradual: a series of sessions, consistency over weeks."
    if "shedding" in profile.concerns or profile.goal == GOAL_GROWTH_SUPPORT:
        return base + " It supports a healthy scalp; it isn't a fix for hair loss."
    if profile.goal == GOAL_RELAXATION or "tension" in profile.concerns:
        return base + " Most people feel calmer after the first."
    return base


def _notes(profile: Profile, minutes: float | None) -> list[str]:
    notes: list[str] = []
    # Safety-related notes first, so they are read first.
    if minutes == 0:
        notes.append("Massage is paused for now; skip it until your limit allows it.")
    if profile.nutrient_deficiency or profile.referral is Referral.DOCTOR:
        notes.append(
            "Massage can't replace nutrition; a doctor can check iron, protein and vitamins."
        )
    if "shedding" in profile.concerns:
        notes.append("Massage is an enhancement, not a rescue for shedding.")
    if _is_oily(profile):
        if profile.wash_frequency == WASH_DAILY:
            notes.append(
                "Stripping shampoos and over-washing can make oily scalps oilier; "
                "you wash daily, so try spacing washes out."
            )
        else:
            notes.append("Stripping shampoos and over-washing can make oily scalps oilier.")
    if profile.buildup_products:
        names = [_PRODUCT_NAMES[p] for p in PRODUCT_VALUES if p in profile.buildup_products]
        verb = "builds" if len(names) == 1 and names[0] != "oils" else "build"
        if names == ["styling products"]:
            verb = "build"
        notes.append(f"{_sentence_case(_join(names))} {verb} up: clarify well.")
    if "tension" in profile.concerns and minutes != 0:
        notes.append("For tension, massage matters most: go slower, not harder.")
    if "breakage" in profile.concerns:
        notes.append("Work on the scalp, not the lengths.")
    if profile.goal == GOAL_RELAXATION:
        notes.append("Long relaxing head massages (20-45 min) are a salon service.")
    return notes


def _withheld(profile: Profile) -> Routine:
    if profile.referral is Referral.URGENT:
        return Routine(
            steps=(),
            frequency="",
            expectations="",
            notes=(),
            withheld=True,
            withheld_reason="Please get urgent care now. No routine until you have been seen.",
        )
    steps = (
        Step(
            "Gentle cleanse",
            "A mild sulfate-free shampoo, lukewarm water, fingertips only; no scrubbing.",
            STEP_CLEANSE,
        ),
        Step("Cool rinse", "Rinse well with cool water and pat dry.", STEP_RINSE),
    )
    return Routine(
        steps=steps,
        frequency="Wash as you normally do.",
        expectations="The full scalp facial can wait until a dermatologist has seen your scalp.",
        notes=("Nothing on inflamed or broken skin until a professional says it's fine.",),
        withheld=True,
        withheld_reason=(
            "A dermatologist should look at your scalp first, so no exfoliation and no "
            "massage for now."
        ),
    )


def build_routine(profile: Profile, massage_minutes: float | None = None) -> Routine:
    """Build the at-home scalp facial for a profile (seed 002, adapted).

    Args:
        profile: What the user told us.
        massage_minutes: The self-massage limit from the safety module.
            ``None`` uses the default (5-10 min, or 5 when the routine must be
            gentle); a positive value shortens the massage (it never lengthens
            it past those ceilings); 0 or less pauses it and drops the step.

    Returns:
        The routine. With a dermatologist referral it is withheld and only
        gentle cleansing remains; with an urgent referral it has no steps.
    """
    if profile.referral in (Referral.DERMATOLOGIST, Referral.URGENT):
        return _withheld(profile)
    minutes = _effective_massage_minutes(profile, massage_minutes)
    steps = [_exfoliate_step(profile), _cleanse_step(profile), _serum_step(profile)]
    if minutes != 0:
        steps.append(_massage_step(profile, minutes))
    steps.append(_rinse_step())
    return Routine(
        steps=tuple(steps),
        frequency=_frequency(profile, minutes),
        expectations=_expectations(profile),
        notes=tuple(_notes(profile, minutes)),
        massage_minutes=SELF_MASSAGE_MAX_MINUTES if minutes is None else minutes,
    )


def render(routine: Routine) -> str:
    """Render a routine as short, scannable text for a phone screen.

    Args:
        routine: A routine from ``build_routine``.

    Returns:
        Plain text: the reason when withheld, numbered steps, "How often:",
        "What to expect:" and short notes.
    """
    lines: list[str] = []
    if routine.withheld:
        lines.append(routine.withheld_reason)
        if routine.steps:
            lines.append("For now:")
    else:
        lines.append("Your at-home scalp facial:")
    for number, step in enumerate(routine.steps, start=1):
        lines.append(f"{number}. {step.title}: {step.detail}")
    if routine.frequency:
        lines.append(f"How often: {routine.frequency}")
    if routine.expectations:
        lines.append(f"What to expect: {routine.expectations}")
    lines.extend(f"- {note}" for note in routine.notes)
    return "\n".join(lines)

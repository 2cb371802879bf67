"""What a client says about their habits: how often they wash, which products, what for.

The vocabularies of the consultation's ``wash_frequency``, ``buildup_products`` and
``goal`` answers, and the negation-aware parsers that read them from free text
("every 2-3 days", "dry shampoo most days but no oils", "mostly to relax"). Pure
Python: :mod:`scalpcare.routine` builds the routine from what they return, and
:mod:`scalpcare.consultation_parsing` reads whole messages with them.
"""

from __future__ import annotations

import re

from scalpcare.consultation_text import normalise

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
    """The consultation reader's normal form, then digits and ranges unified."""
    text = normalise(text)
    if not text:
        return ""
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

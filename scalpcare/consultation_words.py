"""The consultation reader's vocabulary: concern words, scalp types, sensitivity, yes/no.

Used by :mod:`scalpcare.consultation_parsing` only.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# Kinds of mention, for the few words whose meaning depends on context.
_PLAIN = "plain"
_OILY = "oily"  # also scalp-type evidence
_DRY = "dry"  # also scalp-type evidence; not a concern for ends/lengths
_TIGHT = "tight"  # dryness, tension or nothing, by place
_IRRITATION = "irritation"  # itch, or a sensitive scalp when it is a tendency

_OILY_WORDS = (
    r"\boil+(?:y|ie|i)(?:er|est|ness|iness|ish)?\b|"
    r"\bgr(?:ea|ee|e)s(?:e|ey|y|ie|ier|iest|iness|yness)?\b"
)
_DRY_WORD = (
    r"(?<!blow )(?<!blow-)(?<!air )(?<!air-)(?<!towel )(?<!towel-)(?<!to )(?<!i )"
    r"\bdry(?:ness|ish)?\b(?![\s-]*sh[ae]?m?p)"
    r"(?!\s+(?:it|them|my\s+hair|off|naturally|clean\w*|january)\b)"
)

_CONCERN_RULES: tuple[tuple[str, str, str], ...] = (
    ("oiliness", _OILY, _OILY_WORDS),
    (
        "oiliness",
        _OILY,
        r"\b(?:excess|too\s+much|so\s+much|produc\w+|overproduc\w+|makes?|making)\s+"
        r"(?:[a-z]+\s+){0,2}?oil\b|\boil\s*(?:production|slick)\b|\bsebum\b|\bslick\b|"
        r"\blank\b|\b(?:looks?|gets?|feels?)\s+(?:\w+\s+)?dirty\b|"
        r"\bdirty\s+(?:so\s+)?(?:fast|quickly|by|after)\b",
    ),
    (
        "dryness",
        _DRY,
        _DRY_WORD + r"|\bdri(?:er|est)\b|\bdryer\s+than\b|\bparched\b|\bdehydrated\b",
    ),
    ("dryness", _PLAIN, r"\bdr(?:y|ies|ied|ying)\s+(?:[a-z]+\s+){0,2}?out\b"),
    ("dryness", _TIGHT, r"\btight(?:ness)?\b|\btaut\b"),
    (
        "flaking",
        _PLAIN,
        r"\bflak\w*|\bdand?r[aeiou]f+(?:y|ie)?\b|\bwhite\s+(?:bits|flakes|stuff|specks?|"
        r"flecks?|things|dust|powder)\b|\bsnow(?:ing|storm|fall)?\b|\bscal(?:y|ey|ing|es)\b|"
        r"\bpeel\w*|\bcrust\w*",
    ),
    (
        "itch",
        _PLAIN,
        r"\bitch\w*|\bi(?:tc|ch)h?(?:y|ey|ie|ing|iness|yness)\b|"
        r"\bscratch(?:ing|y|es|ed)?\b(?!\s+that\b)|\bprickl\w*",
    ),
    ("itch", _IRRITATION, r"\birritat\w*"),
    (
        "shedding",
        _PLAIN,
        r"\bshed\w*|\bhair\s*(?:loss|fall)\b|\bhairfall\b|\bfall(?:ing|s)?\s+out\b|"
        # "my hair is still falling a lot", "hair keeps falling"
        r"\bhair\s+(?:(?:is|keeps|still|has|been|just|really|so)\s+){0,3}fall(?:ing|s)\b"
        r"(?!\s+(?:asleep|for|in\s+love|into|flat|down\s+my|past))|"
        r"\bcom(?:ing|es)\s+out\b|\blos(?:e|es|ing|t)\s+(?:[a-z]+\s+){0,3}?hair\b|"
        r"\bthinn(?:ing|er)\b|\bgetting\s+thin\b|\bthin\s+(?:on\s+top|at\s+the\s+crown|"
        r"patches|spots)\b|\bbald\w*|\breced\w*|\balopecia\b|\bclumps?\b|\bhandfuls?\b|"
        r"\bhair\s+(?:all\s+)?(?:over|in|on)\s+(?:the\s+|my\s+)?(?:drain|shower|brush|pillow|"
        r"plughole|floor|sink|comb)\b|\bwiden\w*\s+part\w*|\bpart(?:ing)?\s+(?:is\s+)?(?:getting\s+)?wid\w*|\bsee\s+(?:more\s+of\s+)?my\s+scalp\b",
    ),
    (
        "breakage",
        _PLAIN,
        r"\bbreakage\b|\bbreak(?:s|ing)?\s+(?:off|easily|a\s+lot|all\s+the\s+time|constantly|"
        r"so\s+easily)\b|\bbroken?\s+(?:hairs?|strands?|bits|ends|pieces|off)\b|"
        r"\bsnap(?:s|ped|ping|py)?\b|\bsplit[\s-]*ends?\b|\bsplits\b|\bbrittle\w*|"
        r"\bfragile\b|\bbreaking\b(?!\s+(?:out|down|up|news|point|the|my|a|in|into|through|free)\b)|\b(?:hair|it)(?:'s|\s+is|\s+keeps)\s+(?:just\s+|always\s+)?breaking\b|\b(?:ends?|strands?|hairs?|lengths?)\s+(?:[a-z]+\s+){0,2}?"
        r"(?:break|breaks|breaking|snap\w*)\b",
    ),
    (
        "tension",
        _PLAIN,
        r"\btension\w*|\btens(?:e|ed)\b|\bheadaches?\b|\bmigraines?\b|\bclench\w*|"
        r"\bgrind(?:ing)?\s+(?:my\s+)?teeth\b|\bstiff\s+(?:neck|shoulders?|jaw)\b|"
        r"\b(?:neck|shoulders?)\s+(?:pain|aches?|aching|knots?|stiff\w*)\b|"
        r"\bknots?\s+in\s+(?:my\s+)?(?:neck|shoulders?)\b",
    ),
    (
        "buildup",
        _PLAIN,
        r"\bbuild[\s-]*ups?\b|\bbuilds?\s+up\b|\bbuilding\s+up\b|\bbuilt[\s-]*up\b|"
        r"\bresidue\w*|\bgunk\w*|\bwaxy\b|\bfilm(?:y)?\b|\bcoat(?:ed|ing)\b|\bclog\w*|"
        r"\bsticky\b|\bgummy\b|\bcrud\w*|\bgrime\w*",
    ),
)
_COMPILED_RULES = tuple((c, kind, re.compile(p)) for c, kind, p in _CONCERN_RULES)

# "easily irritated", "irritated by new products": a tendency, not a symptom.
_IRRITATION_TENDENCY_BEFORE = re.compile(r"\beasily\s+$")
_IRRITATION_TENDENCY_AFTER = re.compile(r"\s+(?:by|with|from|when|after|if|easily)\b")

_NORMAL_WORD = re.compile(r"\bnormal(?:-?ish)?\b")
_NORMAL_PHRASE = re.compile(
    r"\bnothing\s+(?:special|unusual|out\s+of\s+the\s+ordinary)\b|"
    r"\bneither\s+(?:really\s+)?(?:oily|greasy)\s+(?:nor|or)\s+dry\b|"
    r"\bneither\s+(?:really\s+)?dry\s+(?:nor|or)\s+(?:oily|greasy)\b|"
    r"\bnot\s+(?:really\s+|too\s+|particularly\s+|very\s+)?(?:oily|greasy)\s+(?:or|nor)\s+"
    r"(?:too\s+)?dry\b|\bnot\s+(?:really\s+|too\s+)?dry\s+(?:or|nor)\s+(?:too\s+)?"
    r"(?:oily|greasy)\b|\bscalp(?:\s+itself)?(?:'s|\s+is|\s+feels|\s+seems)\s+(?:(?!not\b)[a-z]+\s+)?fine\b|\b(?:pretty\s+|fairly\s+)?average\s+(?:scalp|i\s+think|i\s+guess)\b"
)
_COMBINATION = re.compile(
    r"\bcombination\b|\bcombo\b|\bboth\s+(?:oily|greasy)\s+and\s+dry\b|"
    r"\bboth\s+dry\s+and\s+(?:oily|greasy)\b|\bmixed\s+(?:scalp|skin|type)\b|"
    r"\b(?:scalp|skin)\s+(?:is\s+)?mixed\b"
)

_SENSITIVE_TRUE = re.compile(
    r"\bsen[sc][aeiu]?t[aeiu]?v\w*|\breact(?:s|ing|ed|ive|ion|ions)?\b|\bstings?\b|"
    r"\bstinging\b|\bburn(?:s|ing)?\b|\ballerg\w*|\btender\w*|\bdelicate\b|"
    r"\bflare(?:s|d)?(?:\s+up)?\b|\bflaring\b|"
    r"\bcan'?t\s+(?:use|handle|tolerate)\s+(?:most|many|a\s+lot\s+of|any|new)\b"
)
_SENSITIVE_FALSE = re.compile(
    r"\bnothing\s+(?:really\s+|much\s+|ever\s+)?(?:bothers|irritates|affects|upsets|fazes|"
    r"hurts)\b|\bcan\s+(?:use|handle|take|tolerate)\s+(?:pretty\s+much\s+|just\s+about\s+)?"
    r"(?:any|anything|everything|whatever)\b|\bthick[\s-]skinned\b"
)
_TOUGH = re.compile(r"\b(?:tough|resilient|hardy|robust)\b")

_CORRECTION = re.compile(
    r"\bactually\b|\bi\s+meant?\b|\bmeant\s+to\s+say\b|\bsorry\b|\bscratch\s+that\b|"
    r"\bcorrection\b|\bmy\s+bad\b|\bwait\b|\bi\s+was\s+wrong\b|\bmistake\b|\btypo\b|"
    r"\bon\s+second\s+thought\b|\bi\s+take\s+(?:that|it)\s+back\b|"
    r"(?<!not )\b(?:oily|greasy|dry|normal)\s*,?\s*not\s+(?:oily|greasy|dry|normal)\b"
)

# A whole message that is just a type answer: "oily", "very dry", "normal I think".
_BARE_FILLERS = frozenset(
    [
        "my",
        "scalp",
        "scalps",
        "it",
        "it's",
        "its",
        "is",
        "i",
        "i'd",
        "id",
        "i'm",
        "im",
        "say",
        "think",
        "guess",
        "would",
        "pretty",
        "very",
        "quite",
        "super",
        "really",
        "kinda",
        "kind",
        "of",
        "sort",
        "mostly",
        "definitely",
        "def",
        "probably",
        "a",
        "bit",
        "little",
        "af",
        "asf",
        "tbh",
        "honestly",
        "so",
        "extremely",
        "like",
        "um",
        "uh",
        "hmm",
        "well",
        "just",
        "skin",
        "type",
        "the",
        "fairly",
        "rather",
        "more",
        "on",
        "side",
        "hella",
        "mega",
        "crazy",
        "ok",
        "okay",
        "oh",
        "lol",
        "haha",
        "generally",
        "usually",
        "always",
        "totally",
        "roots",
        "mine",
        "somewhat",
        "slightly",
        "overall",
        "ish",
    ]
)
_BARE_TYPE_WORDS = {
    "oily": "oily",
    "oilly": "oily",
    "greasy": "oily",
    "dry": "dry",
    "normal": "normal",
    "normalish": "normal",
    "combination": "combination",
    "combo": "combination",
    "mixed": "combination",
}
_WORD = re.compile(r"[a-z']+")

_AFFIRM = re.compile(
    r"(?:yes|yeah|yea|yep|yup|ya|y|definitely|very|quite|totally|absolutely|sure|"
    r"i\s+think\s+so|i\s+guess|a\s+bit|a\s+little|kind\s+of|kinda|sometimes|somewhat|"
    r"slightly|it\s+is|correct|true)\b"
)
_DENY = re.compile(
    r"(?:no|nope|nah|n|not\s+really|not\s+at\s+all|never|hardly|i\s+don'?t\s+think\s+so|"
    r"it'?s\s+not|it\s+isn'?t|false)\b"
)
_BOTH = re.compile(r"(?:both|a\s+bit\s+of\s+both|bit\s+of\s+both|mix\s+of\s+both)\b")
_NEITHER = re.compile(r"(?:neither|neither\s+really|in\s+between|in\s+the\s+middle)\b")

# Wash frequency is read by habits.parse_wash_frequency; clauses about a
# product ("dry shampoo every day", "oil it weekly") are not about washing.
_PRODUCT_WORDS = re.compile(
    r"\bdry[\s-]*sham?p?o+\w*|\bhair[\s-]*spray\w*|\boil(?:s|ing)?\b|\bgels?\b|\bmousse\b|"
    r"\bwax\b|\bstyling\b|\bserums?\b|\bmasks?\b|\bblow[\s-]*dr\w*|\bstraighten\w*|"
    r"\bcurl(?:s|ing)?\b|\bflat[\s-]*iron\w*|\bmassag\w*|\bpaste\b|\bpomade\b|\bputty\b|"
    r"\bclay\b|\bleave[\s-]*ins?\b|\bedge\s+control\b|\bsprays?\b|\bproducts?\b"
)
_WASH_WORDS = re.compile(
    r"\bwash\w*|(?<!dry )(?<!dry-)\bshampoo\w*|\bcleans\w*|\blather\w*|\bshower\w*"
)
_WASH_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|but|then|plus)\b")
_SENTENCE = re.compile(r"[^.!?\n]+")
# routine's negation scopes end at these, so splitting here changes nothing.
_CLAUSE = re.compile(r"[^.,;:!?()\n]+")
_CHUNK = 200  # characters handed to routine's parsers at a time
